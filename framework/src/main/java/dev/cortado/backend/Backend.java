package dev.cortado.backend;

import dev.cortado.tensor.Device;
import dev.cortado.tensor.MemoryPool;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * The one op interface. Layers, losses, optimizers and the trainer call only this; the CPU and CUDA
 * backends implement it. Ops are grouped by family; each family interface declares its ops once.
 * All tensors passed to a backend must live on its device. Ops validate shapes and throw a
 * {@link dev.cortado.tensor.ShapeMismatchException} naming the op and the shapes.
 */
public interface Backend extends AutoCloseable {
    /** "cpu" or "cuda:0". */
    String name();

    Device device();

    MemoryPool memory();

    ConvolutionOps convolution();

    PoolingOps pooling();

    NormalizationOps normalization();

    BlasOps blas();

    ActivationOps activations();

    LossOps losses();

    DropoutOps dropout();

    TensorOps tensors();

    OptimizerOps optimizers();

    /** Waits until every op issued so far has finished (a no-op where ops are synchronous). */
    void synchronize();

    /** A zero-filled tensor on this backend's device. */
    default Tensor allocate(Shape shape) {
        return Tensor.owning(shape, memory().allocate(shape.size()));
    }

    /** A tensor on this device holding a copy of {@code values}. */
    default Tensor upload(Shape shape, float... values) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("upload: shape " + shape + " needs " + shape.size()
                    + " values, got " + values.length);
        }
        Tensor t = allocate(shape);
        tensors().copyFromHost(values, t);
        return t;
    }

    /** A host copy of the tensor's elements. */
    default float[] download(Tensor t) {
        float[] out = new float[t.shape().intSize()];
        tensors().copyToHost(t, out);
        return out;
    }

    @Override
    void close();
}
