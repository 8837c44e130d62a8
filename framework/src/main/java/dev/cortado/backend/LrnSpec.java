package dev.cortado.backend;

/**
 * Local response normalization across channels (Krizhevsky et al. 2012):
 * {@code b_c = a_c / (k + (alpha/size)·Σ a_j²)^beta} over the {@code size} channels centred on c.
 * Dividing alpha by size follows Caffe, cuDNN and PyTorch, so Caffe's AlexNet values carry over.
 */
public record LrnSpec(int size, float alpha, float beta, float k) {
    public static final LrnSpec ALEXNET = new LrnSpec(5, 1e-4f, 0.75f, 1f);

    public LrnSpec {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("LRN: size must be a positive odd number, got " + size);
        }
        if (!(k > 0) || beta < 0 || alpha < 0) {
            throw new IllegalArgumentException("LRN: need k > 0, alpha >= 0, beta >= 0; got k=" + k
                    + " alpha=" + alpha + " beta=" + beta);
        }
    }
}
