package dev.cortado.nn;

import java.util.List;

/**
 * One node of a network: a name (unique; it prefixes the node's parameter names), what it computes,
 * and the names of the nodes it reads. An empty input list means the previous node, or the network
 * input for the first node; {@link NetworkSpec#INPUT} names the network input explicitly.
 */
public record NodeSpec(String name, LayerSpec layer, List<String> inputs) {
    public NodeSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a network node needs a name");
        }
        if (layer == null) {
            throw new IllegalArgumentException("node '" + name + "' has no layer");
        }
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    public NodeSpec(String name, LayerSpec layer) {
        this(name, layer, List.of());
    }
}
