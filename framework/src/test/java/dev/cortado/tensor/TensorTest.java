package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.HostBuffer;
import dev.cortado.backend.cpu.HostMemoryPool;
import org.junit.jupiter.api.Test;

class TensorTest {
    private final HostMemoryPool pool = new HostMemoryPool();

    private Tensor tensor(Shape shape) {
        return Tensor.owning(shape, pool.allocate(shape.size()));
    }

    @Test
    void knowsItsShapeSizeAndDevice() {
        try (Tensor t = tensor(Shape.nchw(2, 3, 4, 5))) {
            assertEquals(Shape.nchw(2, 3, 4, 5), t.shape());
            assertEquals(120, t.size());
            assertEquals(Device.CPU, t.device());
        }
    }

    /** A reshape is a view: a write through one is seen through the other. */
    @Test
    void reshapeIsAViewOverTheSameMemory() {
        try (Tensor t = tensor(Shape.nchw(2, 3, 1, 1))) {
            Tensor flat = t.reshape(Shape.of(6));
            assertSame(t.buffer(), flat.buffer());
            ((HostBuffer) flat.buffer()).array()[4] = 7f;
            assertEquals(7f, ((HostBuffer) t.buffer()).array()[4]);
            assertEquals(Shape.of(6), flat.shape());
        }
    }

    @Test
    void closingAViewDoesNotFreeTheMemory() {
        Tensor t = tensor(Shape.of(2, 3));
        Tensor view = t.reshape(Shape.of(3, 2));
        view.close();
        assertFalse(t.isClosed());
        assertEquals(24, pool.bytesInUse());
        t.close();
        assertTrue(view.isClosed(), "the view sees its owner's memory go");
        assertEquals(0, pool.bytesInUse());
        assertThrows(IllegalStateException.class, view::buffer, "a view of a closed tensor cannot be used");
    }

    @Test
    void reshapeToAnotherSizeIsRejectedNamingBothShapes() {
        try (Tensor t = tensor(Shape.of(2, 3))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> t.reshape(Shape.of(7)));
            assertTrue(e.getMessage().contains("reshape"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[7]"), e.getMessage());
        }
    }

    @Test
    void aBufferTooSmallForTheShapeIsRejected() {
        DeviceBuffer small = pool.allocate(5);
        assertThrows(IllegalArgumentException.class, () -> Tensor.owning(Shape.of(2, 3), small));
        small.close();
    }

    @Test
    void toStringShowsShapeDeviceAndWhetherClosed() {
        Tensor t = tensor(Shape.nchw(1, 3, 2, 2));
        assertEquals("Tensor[1, 3, 2, 2] on cpu", t.toString());
        t.close();
        assertEquals("Tensor[1, 3, 2, 2] on cpu (closed)", t.toString());
    }

    @Test
    void closingTheOwnerTwiceFails() {
        Tensor t = tensor(Shape.of(3));
        t.close();
        assertThrows(IllegalStateException.class, t::close);
    }
}
