package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.Batch;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * The device-side copy of a host batch: images {@code [N, C, H, W]} and labels {@code [N]}. The
 * tensors are reused from batch to batch and reallocated only when the batch size changes (the
 * last, partial batch of an epoch), so a steady training step allocates nothing.
 */
final class DeviceBatch implements AutoCloseable {
    private final Backend backend;
    private Tensor images;
    private Tensor labels;

    DeviceBatch(Backend backend) {
        this.backend = backend;
    }

    /** Copies the batch's rows to the device; the returned tensors stay valid until the next upload. */
    void upload(Batch batch) {
        Shape shape = batch.shape();
        if (images == null || !images.shape().equals(shape)) {
            close();
            images = backend.allocate(shape);
            labels = backend.allocate(Shape.of(shape.batch()));
        }
        backend.tensors().copyFromHost(batch.images(), 0, images);
        backend.tensors().copyFromHost(batch.labels(), 0, labels);
    }

    Tensor images() {
        return images;
    }

    Tensor labels() {
        return labels;
    }

    @Override
    public void close() {
        if (images != null) {
            images.close();
            labels.close();
            images = null;
            labels = null;
        }
    }
}
