package dev.cortado.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics that fit a {@link Loss.Type}, accumulated over batches of host outputs and targets:
 * top-1 and top-5 accuracy for cross-entropy (targets: class indices), per-label and macro-averaged
 * F1 for binary cross-entropy (targets: 0/1 per output; a label is predicted where the logit is
 * positive, σ(z) > ½), MSE and MAE for regression (targets: a value per output).
 */
public final class LossMetrics {
    private final Loss.Type type;
    private final int outputs;
    private long samples;
    private long top1;
    private long top5;
    private final long[] truePositives;
    private final long[] falsePositives;
    private final long[] falseNegatives;
    private double squaredError;
    private double absoluteError;

    public LossMetrics(Loss.Type type, int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("metrics need at least one output, got " + outputs);
        }
        this.type = type;
        this.outputs = outputs;
        this.truePositives = new long[outputs];
        this.falsePositives = new long[outputs];
        this.falseNegatives = new long[outputs];
    }

    /** {@code n} samples: outputs {@code [n, K]}; targets {@code [n]} class indices or {@code [n, K]}. */
    public void add(float[] out, float[] targets, int n) {
        for (int i = 0; i < n; i++) {
            int row = i * outputs;
            switch (type) {
                case SOFTMAX_CROSS_ENTROPY -> {
                    int label = (int) targets[i];
                    int above = 0;
                    for (int c = 0; c < outputs; c++) {
                        if (out[row + c] > out[row + label]) {
                            above++;
                        }
                    }
                    top1 += above == 0 ? 1 : 0;
                    top5 += above < 5 ? 1 : 0;
                }
                case BINARY_CROSS_ENTROPY -> {
                    for (int c = 0; c < outputs; c++) {
                        boolean predicted = out[row + c] > 0;
                        boolean actual = targets[row + c] > 0.5f;
                        truePositives[c] += predicted && actual ? 1 : 0;
                        falsePositives[c] += predicted && !actual ? 1 : 0;
                        falseNegatives[c] += !predicted && actual ? 1 : 0;
                    }
                }
                case MEAN_SQUARED_ERROR -> {
                    for (int c = 0; c < outputs; c++) {
                        double e = out[row + c] - targets[row + c];
                        squaredError += e * e;
                        absoluteError += Math.abs(e);
                    }
                }
            }
            samples++;
        }
    }

    /** F1 = 2·TP / (2·TP + FP + FN) of output {@code c}; 1 when the label never occurs and is never predicted. */
    public double f1(int c) {
        long denominator = 2 * truePositives[c] + falsePositives[c] + falseNegatives[c];
        return denominator == 0 ? 1.0 : 2.0 * truePositives[c] / denominator;
    }

    /**
     * The metrics by name: {@code top1}, {@code top5}; or {@code f1/<index>} per label and
     * {@code macro_f1}; or {@code mse}, {@code mae}.
     */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        switch (type) {
            case SOFTMAX_CROSS_ENTROPY -> {
                m.put("top1", samples == 0 ? Double.NaN : (double) top1 / samples);
                m.put("top5", samples == 0 ? Double.NaN : (double) top5 / samples);
            }
            case BINARY_CROSS_ENTROPY -> {
                double sum = 0;
                for (int c = 0; c < outputs; c++) {
                    m.put("f1/" + c, f1(c));
                    sum += f1(c);
                }
                m.put("macro_f1", sum / outputs);
            }
            case MEAN_SQUARED_ERROR -> {
                double count = (double) samples * outputs;
                m.put("mse", samples == 0 ? Double.NaN : squaredError / count);
                m.put("mae", samples == 0 ? Double.NaN : absoluteError / count);
            }
        }
        return m;
    }
}
