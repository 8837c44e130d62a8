package dev.cortado.train;

import dev.cortado.nn.Network;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import java.util.List;

/**
 * The check that a network ends in what the trainer's loss needs: softmax cross-entropy takes logits
 * of shape [N, classes], one score per class. Run when the network is built, it turns what would be a
 * rank error at the first step (a convolutional head without a flatten) or a label out of range (a
 * head of 7 units for 10 classes) into a message naming the last layer and its fix.
 */
public final class ClassifierHead {
    private ClassifierHead() {
    }

    /**
     * Why {@code network}'s output cannot be the class scores of {@code classes} classes, or null when
     * it is exactly [classes] per sample.
     */
    public static String problem(Network network, int classes) {
        String rank = rankProblem(network, classes);
        if (rank != null) {
            return rank;
        }
        int outputs = network.outputShape().dim(0);
        if (outputs != classes) {
            return "the model's last layer " + lastLayer(network) + " gives " + outputs + " scores per sample, but the "
                    + "data has " + classes + " classes; give '" + lastName(network) + "' " + classes + " units (for a"
                    + " zoo model or a config with a 'classes' variable: --classes " + classes + ")";
        }
        return null;
    }

    /** Fails with {@link #problem}'s message unless the output is exactly [classes] per sample. */
    public static void requireFits(Network network, int classes) {
        String problem = problem(network, classes);
        if (problem != null) {
            throw new ShapeMismatchException(problem);
        }
    }

    /**
     * The trainer's own, looser check: one score vector per sample, with room for every label in
     * [0, classes); a wider head is the caller's choice.
     */
    static void requireRoomForLabels(Network network, int classes) {
        String problem = rankProblem(network, classes);
        if (problem == null && network.outputShape().dim(0) < classes) {
            problem = problem(network, classes);
        }
        if (problem != null) {
            throw new ShapeMismatchException(problem);
        }
    }

    private static String rankProblem(Network network, int classes) {
        Shape out = network.outputShape();
        if (out.rank() == 1) {
            return null;
        }
        String fix = out.intSize() == classes
                ? "add {type: flatten} after '" + lastName(network) + "'"
                : "end the model with {type: dense, units: " + classes + "} (a dense layer flattens its input)";
        return "the model's last layer " + lastLayer(network) + " gives " + out + " per sample, but the loss "
                + "(softmax cross-entropy) needs one score per class, [" + classes + "]; " + fix;
    }

    private static String lastName(Network network) {
        List<String> names = network.nodeNames();
        return names.get(names.size() - 1);
    }

    private static String lastLayer(Network network) {
        String name = lastName(network);
        return "'" + name + "' (" + network.layer(name).type() + ")";
    }
}
