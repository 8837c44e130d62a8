package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.tensor.Shape;

/** Max pooling; the gradient goes to the first maximum of each window. */
public final class MaxPool2dLayer extends Pool2dLayer {
    public MaxPool2dLayer(String name, Backend backend, Shape inputShape, int kernel, int stride, int padding) {
        this(name, backend, inputShape, Pool2dSpec.max(kernel, stride, padding));
    }

    /** Max pooling of any geometry, ceil mode included; {@code geometry} must be in {@link PoolMode#MAX}. */
    public MaxPool2dLayer(String name, Backend backend, Shape inputShape, Pool2dSpec geometry) {
        super(name, backend, inputShape, requireMode(geometry, PoolMode.MAX));
    }
}
