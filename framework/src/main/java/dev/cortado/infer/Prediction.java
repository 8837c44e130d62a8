package dev.cortado.infer;

import java.util.List;

/**
 * What a {@link Classifier} says about one input: every class, most probable first. {@code source}
 * names the input (a file name, "image 3"), for reports.
 */
public record Prediction(String source, List<Label> ranked) {
    /** One class and its probability. */
    public record Label(int index, String name, double probability) {
    }

    public Prediction {
        ranked = List.copyOf(ranked);
        if (ranked.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one class");
        }
    }

    /** The most probable class. */
    public Label best() {
        return ranked.get(0);
    }

    /** The {@code k} most probable classes (all of them when there are fewer). */
    public List<Label> top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        return ranked.subList(0, Math.min(k, ranked.size()));
    }
}
