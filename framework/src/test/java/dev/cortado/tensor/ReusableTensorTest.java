package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.HostMemoryPool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReusableTensorTest {
    private final HostMemoryPool pool = new HostMemoryPool();
    private final List<Shape> allocations = new ArrayList<>();

    private Tensor allocate(Shape shape) {
        allocations.add(shape);
        return Tensor.owning(shape, pool.allocate(shape.size()));
    }

    @Test
    void theSameShapeGetsTheSameTensorWithoutAllocating() {
        try (ReusableTensor reusable = new ReusableTensor(this::allocate)) {
            Tensor first = reusable.get(Shape.of(4, 10));
            assertSame(first, reusable.get(Shape.of(4, 10)));
            assertSame(first, reusable.get(Shape.of(4, 10)));
            assertEquals(List.of(Shape.of(4, 10)), allocations, "one allocation for three requests");
        }
    }

    /** A new batch size: the old tensor goes back to the pool and one of the new shape replaces it. */
    @Test
    void anotherShapeClosesTheOldTensorAndAllocatesANewOne() {
        try (ReusableTensor reusable = new ReusableTensor(this::allocate)) {
            Tensor full = reusable.get(Shape.of(4, 10));
            Tensor partial = reusable.get(Shape.of(3, 10));
            assertTrue(full.isClosed(), "the tensor of the old shape is closed");
            assertFalse(partial.isClosed());
            assertEquals(Shape.of(3, 10), partial.shape());
            assertEquals(30 * Float.BYTES, pool.bytesInUse(), "only the new tensor is held");
            Tensor again = reusable.get(Shape.of(4, 10));
            assertNotSame(full, again);
            assertTrue(partial.isClosed());
            assertEquals(List.of(Shape.of(4, 10), Shape.of(3, 10), Shape.of(4, 10)), allocations);
        }
    }

    /** Same number of elements, other shape: still a new tensor, since callers rely on get(s).shape() == s. */
    @Test
    void aShapeOfTheSameSizeIsStillAnotherShape() {
        try (ReusableTensor reusable = new ReusableTensor(this::allocate)) {
            reusable.get(Shape.of(2, 6));
            assertEquals(Shape.of(3, 4), reusable.get(Shape.of(3, 4)).shape());
            assertEquals(2, allocations.size());
        }
    }

    @Test
    void closeReleasesTheTensorAndMayBeRepeated() {
        ReusableTensor reusable = new ReusableTensor(this::allocate);
        Tensor t = reusable.get(Shape.of(8));
        reusable.close();
        assertTrue(t.isClosed());
        assertEquals(0, pool.bytesInUse());
        reusable.close();
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void closingBeforeAnyRequestAllocatesNothing() {
        new ReusableTensor(this::allocate).close();
        assertTrue(allocations.isEmpty());
    }

    @Test
    void afterCloseAGetAllocatesAgain() {
        try (ReusableTensor reusable = new ReusableTensor(this::allocate)) {
            Tensor before = reusable.get(Shape.of(5));
            reusable.close();
            Tensor after = reusable.get(Shape.of(5));
            assertNotSame(before, after);
            assertFalse(after.isClosed());
            assertEquals(5 * Float.BYTES, pool.bytesInUse());
        }
        assertEquals(0, pool.bytesInUse());
    }
}
