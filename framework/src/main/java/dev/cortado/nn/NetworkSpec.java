package dev.cortado.nn;

import java.util.List;

/**
 * A network as plain data: the per-sample input shape (C, H, W for images, or F for features; the
 * batch size is not part of it) and the nodes in an order where every node comes after its inputs.
 * The last node is the output. {@link Network#build} turns it into a network on a backend.
 */
public record NetworkSpec(List<Integer> inputShape, List<NodeSpec> nodes) {
    /** The name by which nodes refer to the network input. */
    public static final String INPUT = "input";

    public NetworkSpec {
        if (inputShape == null || inputShape.isEmpty()) {
            throw new IllegalArgumentException("a network spec needs an input shape such as [1, 28, 28]");
        }
        for (Integer d : inputShape) {
            if (d == null || d < 1) {
                throw new IllegalArgumentException("input shape " + inputShape + " must have positive dimensions");
            }
        }
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("a network spec needs at least one node");
        }
        inputShape = List.copyOf(inputShape);
        nodes = List.copyOf(nodes);
    }
}
