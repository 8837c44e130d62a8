package dev.cortado.tensor;

/**
 * A {@link Shape} plus a buffer on one device. The shape is fixed; {@link #reshape} gives a view
 * over the same memory. Data moves between devices only through a backend's explicit copies.
 */
public final class Tensor implements AutoCloseable {
    private final Shape shape;
    private final DeviceBuffer buffer;
    private final boolean owner;

    private Tensor(Shape shape, DeviceBuffer buffer, boolean owner) {
        if (shape.size() > buffer.length()) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size()
                    + " floats but the buffer holds " + buffer.length());
        }
        this.shape = shape;
        this.buffer = buffer;
        this.owner = owner;
    }

    /** A tensor that owns {@code buffer} and closes it with itself. */
    public static Tensor owning(Shape shape, DeviceBuffer buffer) {
        return new Tensor(shape, buffer, true);
    }

    public Shape shape() {
        return shape;
    }

    public DeviceBuffer buffer() {
        buffer.checkOpen();
        return buffer;
    }

    public Device device() {
        return buffer.device();
    }

    public long size() {
        return shape.size();
    }

    /** A view with another shape of the same size over the same memory; closing it frees nothing. */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new ShapeMismatchException("reshape", shape, newShape);
        }
        return new Tensor(newShape, buffer, false);
    }

    public boolean isClosed() {
        return buffer.isClosed();
    }

    @Override
    public void close() {
        if (owner) {
            buffer.close();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " on " + buffer.device() + (buffer.isClosed() ? " (closed)" : "");
    }
}
