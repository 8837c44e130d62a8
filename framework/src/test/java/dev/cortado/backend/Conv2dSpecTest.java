package dev.cortado.backend;

import static dev.cortado.backend.ConvolutionConformanceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;

/** The geometry records alone: output sizes with dilation, and the constructor's argument checks. */
class Conv2dSpecTest {

    @Test
    void negativePaddingIsRejectedByTheConstructor() {
        String message = assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(3, 1, -1)).getMessage();
        assertMentions(message, "conv2d", "padding", "-1x-1");
        String pool = assertThrows(IllegalArgumentException.class, () -> Pool2dSpec.max(3, 1, -1)).getMessage();
        assertMentions(pool, "pool2d", "padding", "-1x-1");
    }

    @Test
    void zeroStrideAndZeroDilationAreRejected() {
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(3, 0, 0)).getMessage(),
                "conv2d", "stride", "0x0");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(3, 1, 0).withDilation(0))
                .getMessage(), "conv2d", "dilation", "0x0");
    }

    /** A dilated kernel spans D(F − 1) + 1 cells: 3×3 at D = 2 acts like 5×5, so 7 → (7 + 2 − 5)/1 + 1 = 5. */
    @Test
    void dilationWidensTheKernel() {
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1).withDilation(2);
        assertEquals(Shape.nchw(1, 2, 5, 5), spec.outputShape(Shape.nchw(1, 1, 7, 7), Shape.nchw(2, 1, 3, 3)));
        String message = assertThrows(ShapeMismatchException.class,
                () -> spec.outputShape(Shape.nchw(1, 1, 2, 2), Shape.nchw(2, 1, 3, 3))).getMessage();
        assertMentions(message, "kernel extent 5", "padded input 4");
    }

    /** Depthwise: groups = C, weight [C·multiplier, 1, kh, kw]. */
    @Test
    void depthwiseWeightHasOneInputChannelPerFilter() {
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1).withGroups(8);
        assertEquals(Shape.of(16, 1, 3, 3), spec.weightShape(8, 16));
        assertEquals(Shape.nchw(4, 16, 6, 6), spec.outputShape(Shape.nchw(4, 8, 6, 6), spec.weightShape(8, 16)));
    }

    /**
     * Ceil-mode pooling sizes, as PyTorch computes them: torchvision GoogLeNet's 3×3/2 pools take
     * 112 → 56 (floor: 55), 56 → 28 and 28 → 14, its 2×2/2 pool 14 → 7; and a window that would start
     * in the right padding is dropped (5 with 2×2/2 and padding 1: ⌈5/2⌉ + 1 = 4 → 3).
     */
    @Test
    void ceilModeRoundsPoolingSizesUp() {
        Pool2dSpec pool3 = Pool2dSpec.max(3, 2).withCeilMode(true);
        assertEquals(Shape.nchw(1, 64, 56, 56), pool3.outputShape(Shape.nchw(1, 64, 112, 112)));
        assertEquals(Shape.nchw(1, 64, 55, 55), Pool2dSpec.max(3, 2).outputShape(Shape.nchw(1, 64, 112, 112)));
        assertEquals(Shape.nchw(1, 1, 28, 14), pool3.outputShape(Shape.nchw(1, 1, 56, 28)));
        assertEquals(Shape.nchw(1, 1, 7, 7), Pool2dSpec.max(2, 2).withCeilMode(true).outputShape(Shape.nchw(1, 1, 14, 14)));
        assertEquals(Shape.nchw(1, 1, 3, 3), Pool2dSpec.max(2, 2, 1).withCeilMode(true).outputShape(Shape.nchw(1, 1, 5, 5)));
    }

    /** Counting padding, a ceil-mode window past the padded input has no agreed divisor: refused, with the way out. */
    @Test
    void ceilModeAverageCountingPaddingPastThePaddedInputIsRefused() {
        Pool2dSpec spec = Pool2dSpec.average(3, 2, 1, true).withCeilMode(true);
        String message = assertThrows(ShapeMismatchException.class,
                () -> spec.outputShape(Shape.nchw(1, 1, 6, 6))).getMessage();
        assertMentions(message, "ceil mode", "past the padded input", "count_padding: false");
        // Where the rounded-up size equals the rounded-down one, nothing overhangs and it is allowed.
        assertEquals(Shape.nchw(1, 1, 3, 3), spec.outputShape(Shape.nchw(1, 1, 5, 5)));
    }
}
