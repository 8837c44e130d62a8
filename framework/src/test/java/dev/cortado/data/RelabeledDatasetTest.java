package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelabeledDatasetTest {
    /** Three one-pixel samples whose pixel value is their own label in the order b, c, a. */
    private static ByteImageDataset bca() {
        return new ByteImageDataset("bca", new SampleShape(1, 1, 1), new byte[] {0, 1, 2}, new byte[] {0, 1, 2}, 3,
                List.of("b", "c", "a"));
    }

    @Test
    void labelsFollowTheGivenOrderByName() {
        Dataset d = RelabeledDataset.byClassName(bca(), List.of("a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), d.classNames());
        assertEquals(List.of(1, 2, 0), List.of(d.label(0), d.label(1), d.label(2)));
        float[] pixel = new float[1];
        assertEquals(0, d.read(2, pixel, 0), "sample 2 is class a");
        assertEquals(2 / 255f, pixel[0], 0f, "the pixels are the parent's");
    }

    @Test
    void theSameOrderIsTheDatasetItself() {
        ByteImageDataset data = bca();
        assertSame(data, RelabeledDataset.byClassName(data, List.of("b", "c", "a")));
    }

    @Test
    void otherClassesAreNamedOnBothSides() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> RelabeledDataset.byClassName(bca(), List.of("a", "b", "d"))).getMessage();
        assertTrue(m.contains("[c]") && m.contains("[d]"), m);
        assertThrows(IllegalArgumentException.class, () -> RelabeledDataset.byClassName(bca(), List.of("a", "b")));
    }

    @Test
    void numeralsAreNoNames() {
        assertFalse(RelabeledDataset.named(List.of("0", "1", "2")));
        assertTrue(RelabeledDataset.named(List.of("1", "2", "3")));
        assertTrue(RelabeledDataset.named(List.of("cat", "dog")));
    }
}
