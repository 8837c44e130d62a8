package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Softmax cross-entropy takes [N, classes]: the check names the last layer and its fix when a model ends otherwise. */
class ClassifierHeadTest {
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void aDenseHeadOfOneUnitPerClassFits() {
        try (Network n = NetworkBuilder.input(Shape.of(1, 4, 4)).flatten("flat").dense("fc", 3).build(cpu, 1)) {
            assertNull(ClassifierHead.problem(n, 3));
            ClassifierHead.requireFits(n, 3);
        }
    }

    @Test
    void aConvolutionalHeadNeedsAFlatten() {
        // A 4×4 kernel over a 4×4 input: [3, 1, 1] per sample, the right count in the wrong rank.
        try (Network n = NetworkBuilder.input(Shape.of(1, 4, 4)).conv2d("head", 3, 4, 1, 0).build(cpu, 1)) {
            String m = assertThrows(ShapeMismatchException.class, () -> ClassifierHead.requireFits(n, 3)).getMessage();
            assertTrue(m.contains("'head' (") && m.contains("[3, 1, 1]") && m.contains("flatten"), m);
            String trainer = assertThrows(ShapeMismatchException.class,
                    () -> ClassifierHead.requireRoomForLabels(n, 3)).getMessage();
            assertEquals(m, trainer);
        }
    }

    @Test
    void aHeadOfTheWrongWidthNamesTheLayerAndTheCount() {
        try (Network n = NetworkBuilder.input(Shape.of(1, 4, 4)).flatten("flat").dense("fc", 7).build(cpu, 1)) {
            String m = ClassifierHead.problem(n, 10);
            assertTrue(m.contains("'fc' (") && m.contains("7 scores") && m.contains("10 classes"), m);
            assertThrows(ShapeMismatchException.class, () -> ClassifierHead.requireRoomForLabels(n, 10));
            // The trainer's own check lets a wider head through: labels 0..4 have their scores.
            ClassifierHead.requireRoomForLabels(n, 5);
        }
    }
}
