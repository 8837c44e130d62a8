package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.Batch;
import dev.cortado.data.Normalize;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * The device-side copy of a host batch: images {@code [N, C, H, W]} and labels {@code [N]}. The
 * tensors are reused from batch to batch and reallocated only when the batch size changes (the
 * last, partial batch of an epoch), so a steady training step allocates nothing.
 */
public final class DeviceBatch implements AutoCloseable {
    private final Backend backend;
    private final ReusableTensor images;
    private final ReusableTensor labels;
    private Tensor currentImages;
    private Tensor currentLabels;

    public DeviceBatch(Backend backend) {
        this.backend = backend;
        this.images = new ReusableTensor(backend::allocate);
        this.labels = new ReusableTensor(backend::allocate);
    }

    /** Copies the batch's rows to the device; the tensors stay valid until the next upload. */
    public void upload(Batch batch) {
        upload(batch, 0, batch.size());
    }

    /**
     * Copies rows {@code [first, first + rows)} of the batch to the device: one data-parallel replica's
     * share of the global batch. The tensors stay valid until the next upload.
     */
    public void upload(Batch batch, int first, int rows) {
        if (first < 0 || rows < 0 || first + rows > batch.size()) {
            throw new IllegalArgumentException("rows [" + first + ", " + (first + rows) + ") of a batch of "
                    + batch.size());
        }
        Shape shape = batch.sampleShape().batchShape(rows);
        currentImages = images.get(shape);
        currentLabels = labels.get(Shape.of(rows));
        backend.tensors().copyFromHost(batch.images(), first * batch.sampleShape().size(), currentImages);
        backend.tensors().copyFromHost(batch.labels(), first, currentLabels);
    }

    /**
     * Copies a batch a program made itself: {@code images} of shape {@code imageShape} (N first) and
     * {@code targets} of shape {@code targetShape}, {@code [N]} class indices or {@code [N, K]} targets
     * per output (multi-label, regression; see {@link Loss}). Tensors are reused while the shapes stay.
     */
    public void upload(float[] images, Shape imageShape, float[] targets, Shape targetShape) {
        if (targetShape.dim(0) != imageShape.dim(0)) {
            throw new IllegalArgumentException("targets " + targetShape + " must have a row per image of " + imageShape);
        }
        currentImages = this.images.get(imageShape);
        currentLabels = labels.get(targetShape);
        backend.tensors().copyFromHost(images, 0, currentImages);
        backend.tensors().copyFromHost(targets, 0, currentLabels);
    }

    /**
     * Copies a batch of 8-bit pixels ({@link Batch#hasPixels()}) to the device and normalizes it there
     * with {@code normalize}, bit for bit as the host would; a batch of floats is copied as it is.
     */
    public void upload(Batch batch, Normalize normalize) {
        if (!batch.hasPixels()) {
            upload(batch);
            return;
        }
        Shape shape = batch.shape();
        currentImages = images.get(shape);
        currentLabels = labels.get(Shape.of(shape.batch()));
        backend.tensors().normalizePixels(batch.pixels(), 0, normalize.mean(), normalize.std(), currentImages);
        backend.tensors().copyFromHost(batch.labels(), 0, currentLabels);
    }

    /** The images of the last upload, {@code [N, C, H, W]}. */
    public Tensor images() {
        requireUploaded();
        return currentImages;
    }

    /** The class index of each image of the last upload, as a float, {@code [N]}; or its targets, {@code [N, K]}. */
    public Tensor labels() {
        requireUploaded();
        return currentLabels;
    }

    /** N, the rows of the last upload. */
    public int size() {
        requireUploaded();
        return currentImages.shape().batch();
    }

    private void requireUploaded() {
        if (currentImages == null) {
            throw new IllegalStateException("no batch on the device: upload one first");
        }
    }

    @Override
    public void close() {
        images.close();
        labels.close();
        currentImages = null;
        currentLabels = null;
    }
}
