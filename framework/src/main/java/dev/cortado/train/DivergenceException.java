package dev.cortado.train;

/**
 * Training produced a NaN or infinite loss or gradient norm. Thrown before the optimizer touches the
 * weights, so the model and every checkpoint saved so far hold the last finite state.
 */
public class DivergenceException extends RuntimeException {
    private final long iteration;
    private final float learningRate;

    public DivergenceException(String what, float value, long iteration, int epoch, float learningRate) {
        super(what + " became " + value + " at iteration " + iteration + " (epoch " + (epoch + 1)
                + ") with learning rate " + learningRate + "; try a lower learning rate, gradient clipping"
                + " (--clip-grad) or a warmup (--warmup)");
        this.iteration = iteration;
        this.learningRate = learningRate;
    }

    public long iteration() {
        return iteration;
    }

    public float learningRate() {
        return learningRate;
    }
}
