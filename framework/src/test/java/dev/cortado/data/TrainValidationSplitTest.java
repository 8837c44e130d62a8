package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainValidationSplitTest {
    /** n samples of one pixel each, whose value and label encode the index. */
    static ByteImageDataset indexed(int n) {
        byte[] pixels = new byte[n];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = (byte) i;
            labels[i] = (byte) (i % 10);
        }
        return new ByteImageDataset("indexed", new SampleShape(1, 1, 1), pixels, labels, 10, null);
    }

    static List<Integer> parentIndices(Dataset part) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < part.size(); i++) {
            out.add(((SubsetDataset) part).parentIndex(i));
        }
        return out;
    }

    @Test
    void sizesAreRoundedFractionAndPartsPartitionTheDataset() {
        TrainValidationSplit s = TrainValidationSplit.split(indexed(103), 0.2, 7);
        assertEquals(21, s.validation().size(), "round(0.2 · 103) = 21");
        assertEquals(82, s.train().size());
        Set<Integer> all = new HashSet<>(parentIndices(s.train()));
        all.addAll(parentIndices(s.validation()));
        assertEquals(103, all.size(), "disjoint and covering");
        float[] x = new float[1];
        int parent = parentIndices(s.validation()).get(3);
        assertEquals(parent % 10, s.validation().read(3, x, 0));
        assertEquals((parent & 0xFF) / 255f, x[0], 0f);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        ByteImageDataset d = indexed(200);
        List<Integer> a = parentIndices(TrainValidationSplit.split(d, 0.1, 42).validation());
        List<Integer> b = parentIndices(TrainValidationSplit.split(d, 0.1, 42).validation());
        List<Integer> c = parentIndices(TrainValidationSplit.split(d, 0.1, 43).validation());
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void degenerateFractionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.split(indexed(10), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.split(indexed(10), 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.split(indexed(10), 1.0, 1));
    }
}
