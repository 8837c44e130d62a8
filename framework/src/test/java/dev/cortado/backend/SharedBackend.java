package dev.cortado.backend;

import dev.cortado.tensor.Device;
import dev.cortado.tensor.MemoryPool;

/**
 * A backend shared by every test of a run. JUnit closes {@link AutoCloseable} arguments of a
 * parameterized test after it; this view ignores that close so the next test can use the backend.
 */
final class SharedBackend implements Backend {
    private final Backend backend;
    /** What test names call it: the backend's name, or that and its settings where it is a variant of another. */
    private final String label;

    SharedBackend(Backend backend) {
        this(backend, backend.name());
    }

    SharedBackend(Backend backend, String label) {
        this.backend = backend;
        this.label = label;
    }

    Backend unwrap() {
        return backend;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public Device device() {
        return backend.device();
    }

    @Override
    public MemoryPool memory() {
        return backend.memory();
    }

    @Override
    public ConvolutionOps convolution() {
        return backend.convolution();
    }

    @Override
    public PoolingOps pooling() {
        return backend.pooling();
    }

    @Override
    public NormalizationOps normalization() {
        return backend.normalization();
    }

    @Override
    public BlasOps blas() {
        return backend.blas();
    }

    @Override
    public ActivationOps activations() {
        return backend.activations();
    }

    @Override
    public LossOps losses() {
        return backend.losses();
    }

    @Override
    public DropoutOps dropout() {
        return backend.dropout();
    }

    @Override
    public TensorOps tensors() {
        return backend.tensors();
    }

    @Override
    public OptimizerOps optimizers() {
        return backend.optimizers();
    }

    @Override
    public void synchronize() {
        backend.synchronize();
    }

    @Override
    public void close() {
        // Shared for the whole test run; the JVM's exit releases it.
    }

    @Override
    public String toString() {
        return label;
    }
}
