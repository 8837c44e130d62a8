package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** Max or average pooling over windows of an NCHW input; the subclasses name the mode. */
public class Pool2dLayer extends AbstractLayer {
    private final Pool2dSpec geometry;
    private final Slot output = slot();
    private final Slot inputGradient = slot();
    private Tensor input;
    private Tensor lastOutput;

    public Pool2dLayer(String name, Backend backend, Shape inputShape, Pool2dSpec geometry) {
        super(name, backend);
        this.geometry = geometry;
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return geometry.mode() == PoolMode.MAX ? "MaxPool2d" : "AvgPool2d";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        try {
            return geometry.outputShape(in);
        } catch (ShapeMismatchException e) {
            throw mismatch("input " + in + " does not fit a " + geometry.kernelH() + "x" + geometry.kernelW()
                    + " window: " + e.getMessage());
        }
    }

    /** One comparison or addition per window element per output. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return (long) geometry.kernelH() * geometry.kernelW() * outputShape(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        backend.pooling().forward(x, geometry, y);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(input.shape());
        backend.pooling().backward(input, lastOutput, gradOutput, geometry, dx);
        return List.of(dx);
    }
}
