package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {
    /** An NCHW batch of 8 RGB 32×32 images: 8·3·32·32 = 24 576 elements, 3072 per sample. */
    @Test
    void sizeAndDimensionsOfAnImageBatch() {
        Shape s = Shape.nchw(8, 3, 32, 32);
        assertEquals(4, s.rank());
        assertEquals(24_576, s.size());
        assertEquals(8, s.batch());
        assertEquals(3, s.channels());
        assertEquals(32, s.height());
        assertEquals(32, s.width());
        assertEquals(1024, s.spatialSize());
        assertEquals(3072, s.sampleSize());
        assertArrayEquals(new int[] {8, 3, 32, 32}, s.dims());
    }

    /** Dense activations [N, F]: F features are the channels, with no spatial extent. */
    @Test
    void denseShapeHasFeaturesAsChannels() {
        Shape s = Shape.of(4, 10);
        assertEquals(40, s.size());
        assertEquals(10, s.channels());
        assertEquals(1, s.spatialSize());
        assertEquals(10, s.sampleSize());
    }

    @Test
    void flattenedKeepsTheBatchAndMultipliesTheRest() {
        assertEquals(Shape.of(8, 3072), Shape.nchw(8, 3, 32, 32).flattened());
        assertEquals(Shape.of(4, 10), Shape.of(4, 10).flattened());
    }

    @Test
    void withBatchAndWithChannelsChangeOneDimension() {
        Shape s = Shape.nchw(8, 3, 5, 7);
        assertEquals(Shape.nchw(2, 3, 5, 7), s.withBatch(2));
        assertEquals(Shape.nchw(8, 16, 5, 7), s.withChannels(16));
        assertEquals(Shape.nchw(8, 3, 5, 7), s, "the original is unchanged");
    }

    @Test
    void equalShapesHaveEqualDimensionsInOrder() {
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2, 3).hashCode());
        assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
        assertNotEquals(Shape.of(6), Shape.of(1, 6), "same size, different rank");
        assertEquals(Shape.nchw(1, 2, 3, 4), Shape.of(1, 2, 3, 4));
    }

    @Test
    void negativeDimensionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -3));
        assertTrue(e.getMessage().contains("[2, -3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.nchw(1, 1, -1, 1));
    }

    @Test
    void aZeroDimensionMakesAnEmptyShape() {
        assertEquals(0, Shape.of(0, 5).size());
    }

    @Test
    void dimsIsACopy() {
        Shape s = Shape.of(2, 3);
        s.dims()[0] = 99;
        int[] given = {4, 5};
        Shape t = Shape.of(given);
        given[0] = 99;
        assertEquals(Shape.of(2, 3), s);
        assertEquals(Shape.of(4, 5), t, "the shape keeps its own copy of the caller's array");
    }

    @Test
    void toStringListsTheDimensions() {
        assertEquals("[8, 3, 32, 32]", Shape.nchw(8, 3, 32, 32).toString());
    }

    @Test
    void heightAndWidthNeedAnImageShape() {
        assertThrows(IllegalStateException.class, () -> Shape.of(4, 10).height());
    }

    /** 2^16 · 2^16 = 2^32 elements: a valid shape, but no Java array holds it. */
    @Test
    void intSizeFailsPastTheLargestHostArray() {
        Shape huge = Shape.of(65_536, 65_536);
        assertEquals(1L << 32, huge.size());
        assertThrows(IllegalStateException.class, huge::intSize);
    }

    /** 2 · 2^16 · 2^16 per sample would wrap to 0 in int arithmetic; it must fail instead. */
    @Test
    void sampleAndSpatialSizesFailRatherThanOverflow() {
        Shape huge = Shape.of(1, 2, 65_536, 65_536);
        assertThrows(IllegalStateException.class, huge::sampleSize);
        assertThrows(IllegalStateException.class, huge::spatialSize);
    }

    @Test
    void sizeOverflowingALongIsRejected() {
        assertThrows(ArithmeticException.class,
                () -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
    }
}
