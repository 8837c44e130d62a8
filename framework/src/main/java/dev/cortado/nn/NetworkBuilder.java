package dev.cortado.nn;

import dev.cortado.backend.Activation;
import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A fluent way to write a {@link NetworkSpec} in Java. Nodes are sequential by default (each reads
 * the previous one); {@link #node}, {@link #add} and {@link #concat} take explicit input names for
 * graphs, "input" being the network input:
 *
 * <pre>{@code
 * Network lenet = NetworkBuilder.input(Shape.of(1, 28, 28))
 *         .conv2d("conv1", 6, 5, 1, 2).relu("relu1").maxPool("pool1", 2, 2)
 *         .conv2d("conv2", 16, 5, 1, 0).relu("relu2").maxPool("pool2", 2, 2)
 *         .dense("fc1", 120).relu("relu3").dense("fc2", 84).relu("relu4").dense("fc3", 10)
 *         .build(backend, seed);
 * }</pre>
 */
public final class NetworkBuilder {
    private final List<Integer> inputShape;
    private final List<NodeSpec> nodes = new ArrayList<>();

    private NetworkBuilder(Shape sampleShape) {
        List<Integer> dims = new ArrayList<>();
        for (int d : sampleShape.dims()) {
            dims.add(d);
        }
        this.inputShape = dims;
    }

    /** Starts a network whose samples have this shape (no batch dimension), e.g. {@code Shape.of(3, 32, 32)}. */
    public static NetworkBuilder input(Shape sampleShape) {
        return new NetworkBuilder(sampleShape);
    }

    /** Any layer, reading the named nodes, or the previous node when none are named. */
    public NetworkBuilder node(String name, LayerSpec layer, String... inputs) {
        nodes.add(new NodeSpec(name, layer, List.of(inputs)));
        return this;
    }

    /** Convolution with a square kernel, bias and PyTorch's default initialization. */
    public NetworkBuilder conv2d(String name, int outChannels, int kernel, int stride, int padding) {
        return node(name, new LayerSpec.Conv2d(outChannels, kernel, stride, padding));
    }

    public NetworkBuilder dense(String name, int units) {
        return node(name, new LayerSpec.Dense(units));
    }

    public NetworkBuilder maxPool(String name, int kernel, int stride) {
        return node(name, new LayerSpec.MaxPool(kernel, stride, 0));
    }

    public NetworkBuilder avgPool(String name, int kernel, int stride) {
        return node(name, new LayerSpec.AvgPool(kernel, stride, 0, true));
    }

    public NetworkBuilder globalAvgPool(String name) {
        return node(name, new LayerSpec.GlobalAvgPool());
    }

    /** Batch normalization with PyTorch's ε = 1e-5 and momentum 0.1. */
    public NetworkBuilder batchNorm(String name) {
        return node(name, new LayerSpec.BatchNorm());
    }

    public NetworkBuilder lrn(String name, int size, float alpha, float beta, float k) {
        return node(name, new LayerSpec.Lrn(size, alpha, beta, k));
    }

    public NetworkBuilder dropout(String name, float p) {
        return node(name, new LayerSpec.Dropout(p));
    }

    public NetworkBuilder flatten(String name) {
        return node(name, new LayerSpec.Flatten());
    }

    public NetworkBuilder relu(String name) {
        return activation(name, Activation.RELU);
    }

    public NetworkBuilder activation(String name, Activation activation) {
        return node(name, new LayerSpec.Activation(activation.kind(), activation.alpha()));
    }

    public NetworkBuilder prelu(String name) {
        return node(name, new LayerSpec.PRelu());
    }

    /** The element-wise sum of the named nodes (a residual connection). */
    public NetworkBuilder add(String name, String... inputs) {
        return node(name, new LayerSpec.Add(), inputs);
    }

    /** The named nodes stacked along the channels. */
    public NetworkBuilder concat(String name, String... inputs) {
        return node(name, new LayerSpec.Concat(), inputs);
    }

    public NetworkBuilder softmax(String name) {
        return node(name, new LayerSpec.Softmax());
    }

    public NetworkBuilder zeroPadShortcut(String name, int outChannels, int stride, String... inputs) {
        return node(name, new LayerSpec.ZeroPadShortcut(outChannels, stride), inputs);
    }

    public NetworkSpec spec() {
        return new NetworkSpec(inputShape, nodes);
    }

    public Network build(Backend backend, long seed) {
        return Network.build(spec(), backend, seed);
    }
}
