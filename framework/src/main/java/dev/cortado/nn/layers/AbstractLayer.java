package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Layer;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What every layer shares: its name, its backend, its parameters, and {@link ReusableTensor}s that
 * are reallocated only when the shape they must hold changes.
 */
abstract class AbstractLayer implements Layer {
    protected final String name;
    protected final Backend backend;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<ReusableTensor> reusables = new ArrayList<>();
    private final List<Tensor> owned = new ArrayList<>();

    AbstractLayer(String name, Backend backend) {
        this.name = name;
        this.backend = backend;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    /** Registers a parameter so that {@link #parameters()} lists it and {@link #close()} frees it. */
    protected Parameter register(Parameter p) {
        parameters.add(p);
        return p;
    }

    /** Registers a fixed-shape tensor (a buffer or constant) for {@link #close()}. */
    protected Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    /** A tensor on this layer's backend, kept across calls and freed by {@link #close()}. */
    protected ReusableTensor reusableTensor() {
        ReusableTensor t = new ReusableTensor(backend::allocate);
        reusables.add(t);
        return t;
    }

    /** An error naming this layer, its type and the offending shapes. */
    protected ShapeMismatchException mismatch(String message) {
        return new ShapeMismatchException("layer '" + name + "' (" + type() + "): " + message);
    }

    /** The one input of a single-input layer. */
    protected Shape single(List<Shape> inputShapes) {
        if (inputShapes.size() != 1) {
            throw mismatch("takes exactly one input, got " + inputShapes.size() + " " + inputShapes);
        }
        return inputShapes.get(0);
    }

    /** Requires rank 2 ({@code [N, F]}) or rank 4 ({@code [N, C, H, W]}). */
    protected Shape featuresOrImages(List<Shape> inputShapes) {
        Shape s = single(inputShapes);
        if (s.rank() != 2 && s.rank() != 4) {
            throw mismatch("expects an [N, F] or [N, C, H, W] input, got " + s);
        }
        return s;
    }

    /** {@link #featuresOrImages} of a layer built for {@code channels} channels (dimension 1), which it requires. */
    protected Shape featuresOrImagesOf(List<Shape> inputShapes, int channels) {
        Shape in = featuresOrImages(inputShapes);
        if (in.channels() != channels) {
            throw mismatch("was built for " + channels + " channels, got input " + in);
        }
        return in;
    }

    @Override
    public void close() {
        for (Parameter p : parameters) {
            p.value().close();
            p.gradient().close();
        }
        for (ReusableTensor t : reusables) {
            t.close();
        }
        for (Tensor t : owned) {
            t.close();
        }
        parameters.clear();
        reusables.clear();
        owned.clear();
    }
}
