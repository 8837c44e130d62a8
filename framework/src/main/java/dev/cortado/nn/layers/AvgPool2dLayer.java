package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.tensor.Shape;

/** Average pooling; {@code countPadding} divides by the whole window even where it overlaps the padding. */
public final class AvgPool2dLayer extends Pool2dLayer {
    public AvgPool2dLayer(String name, Backend backend, Shape inputShape, int kernel, int stride, int padding,
                          boolean countPadding) {
        this(name, backend, inputShape, Pool2dSpec.average(kernel, stride, padding, countPadding));
    }

    /** Average pooling of any geometry, ceil mode included; {@code geometry} must be an average mode. */
    public AvgPool2dLayer(String name, Backend backend, Shape inputShape, Pool2dSpec geometry) {
        super(name, backend, inputShape, requireMode(geometry, PoolMode.AVERAGE_INCLUDE_PADDING,
                PoolMode.AVERAGE_EXCLUDE_PADDING));
    }
}
