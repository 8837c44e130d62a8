package dev.cortado.backend;

/**
 * Batch normalization (Ioffe and Szegedy 2015) per channel of NCHW or per feature of N×F input.
 * Running statistics follow PyTorch and cuDNN: {@code running = (1 - momentum)·running + momentum·batch},
 * with the unbiased batch variance {@code m/(m-1)·σ²} in the running variance.
 */
public record BatchNormSpec(float epsilon, float momentum) {
    public static final BatchNormSpec DEFAULT = new BatchNormSpec(1e-5f, 0.1f);

    public BatchNormSpec {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("batch norm: epsilon must be positive, got " + epsilon);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch norm: momentum must lie in [0, 1], got " + momentum);
        }
    }
}
