package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** Max or average pooling over windows of an NCHW input; the subclasses name the mode. */
public class Pool2dLayer extends SingleInputLayer {
    private final Pool2dSpec geometry;

    public Pool2dLayer(String name, Backend backend, Shape inputShape, Pool2dSpec geometry) {
        super(name, backend);
        this.geometry = geometry;
        outputShape(List.of(inputShape));
    }

    /** {@code geometry}, after checking that its mode is one of {@code modes}. */
    static Pool2dSpec requireMode(Pool2dSpec geometry, PoolMode... modes) {
        for (PoolMode m : modes) {
            if (geometry.mode() == m) {
                return geometry;
            }
        }
        throw new IllegalArgumentException("pooling mode " + geometry.mode() + " where " + List.of(modes)
                + " is expected");
    }

    /** The window geometry, as the backend receives it. */
    public Pool2dSpec geometry() {
        return geometry;
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
    protected void compute(Tensor x, Tensor y) {
        backend.pooling().forward(x, geometry, y);
    }

    @Override
    protected void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend.pooling().backward(x, y, dy, geometry, dx);
    }
}
