package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.backend.LrnSpec;
import dev.cortado.tensor.Shape;
import org.junit.jupiter.api.Test;

class CudnnShapesTest {
    @Test
    void denseActivationsBecomeNF11SoSpatialModeActsPerFeature() {
        assertArrayEquals(new int[] {32, 100, 1, 1}, CudnnShapes.nchw(Shape.of(32, 100)));
        assertArrayEquals(new int[] {1, 100, 1, 1}, CudnnShapes.perChannel(Shape.of(32, 100)));
    }

    @Test
    void imagesKeepTheirShapeAndVectorsBecomeChannels() {
        assertArrayEquals(new int[] {8, 3, 32, 32}, CudnnShapes.nchw(Shape.nchw(8, 3, 32, 32)));
        assertArrayEquals(new int[] {1, 16, 1, 1}, CudnnShapes.nchw(Shape.of(16)));
        assertArrayEquals(new int[] {4, 2, 7, 1}, CudnnShapes.nchw(Shape.of(4, 2, 7)));
        assertArrayEquals(new int[] {1, 2, 60, 1}, CudnnShapes.nchw(Shape.of(1, 2, 3, 4, 5)),
                "rank 5 keeps N and C, the rest is one spatial axis (batch norm's statistics are over it all)");
    }

    @Test
    void lrnAlphaPassesThroughBecauseCudnnDividesByTheWindowItself() {
        assertArrayEquals(new double[] {5, 1e-4f, 0.75f, 1f}, CudnnShapes.lrnParameters(LrnSpec.ALEXNET));
        assertThrows(IllegalArgumentException.class, () -> CudnnShapes.lrnParameters(new LrnSpec(17, 1e-4f, 0.75f, 1)));
        assertThrows(IllegalArgumentException.class, () -> CudnnShapes.lrnParameters(new LrnSpec(5, 1e-4f, 0.001f, 1)));
    }
}
