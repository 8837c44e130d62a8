package dev.cortado.nn;

import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.LrnSpec;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.nn.layers.ActivationLayer;
import dev.cortado.nn.layers.AddLayer;
import dev.cortado.nn.layers.AvgPool2dLayer;
import dev.cortado.nn.layers.BatchNormLayer;
import dev.cortado.nn.layers.ConcatLayer;
import dev.cortado.nn.layers.Conv2dLayer;
import dev.cortado.nn.layers.DenseLayer;
import dev.cortado.nn.layers.DropoutLayer;
import dev.cortado.nn.layers.FlattenLayer;
import dev.cortado.nn.layers.GlobalAvgPoolLayer;
import dev.cortado.nn.layers.LrnLayer;
import dev.cortado.nn.layers.MaxPool2dLayer;
import dev.cortado.nn.layers.PReluLayer;
import dev.cortado.nn.layers.SoftmaxLayer;
import dev.cortado.nn.layers.ZeroPadShortcutLayer;
import dev.cortado.tensor.Shape;
import java.util.List;

/**
 * What a layer is, as plain data: the records a config file or {@link NetworkBuilder} fills. Input
 * sizes are not part of a spec; {@link #create} receives the inferred input shapes (batch dimension
 * included) and allocates the layer's parameters. A null initializer means the layer's default.
 */
public sealed interface LayerSpec {

    /** Builds the layer for these input shapes, drawing its parameters from {@code params}. */
    Layer create(String name, List<Shape> inputShapes, ParameterFactory params);

    /** 2-D convolution; PyTorch's defaults initialize weight and bias (U(±1/√fan_in) for both). */
    record Conv2d(int outChannels, int kernel, int stride, int padding, int dilation, int groups, boolean bias,
                  InitSpec weightInit, InitSpec biasInit) implements LayerSpec {
        public Conv2d {
            if (outChannels < 1) {
                throw new IllegalArgumentException("conv2d: output channels must be positive, got " + outChannels);
            }
            geometry(kernel, stride, padding, dilation, groups);
            weightInit = weightInit == null ? InitSpec.pytorchDefault() : weightInit;
            biasInit = biasInit == null ? InitSpec.pytorchDefault() : biasInit;
        }

        public Conv2d(int outChannels, int kernel, int stride, int padding) {
            this(outChannels, kernel, stride, padding, 1, 1, true, null, null);
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new Conv2dLayer(name, params, one(name, inputShapes), outChannels,
                    geometry(kernel, stride, padding, dilation, groups), bias, weightInit, biasInit);
        }

        private static Conv2dSpec geometry(int kernel, int stride, int padding, int dilation, int groups) {
            return new Conv2dSpec(kernel, kernel, stride, stride, padding, padding, dilation, dilation, groups);
        }
    }

    /** Fully connected, weight {@code [units, in]}; PyTorch's defaults as for {@link Conv2d}. */
    record Dense(int units, boolean bias, InitSpec weightInit, InitSpec biasInit) implements LayerSpec {
        public Dense {
            if (units < 1) {
                throw new IllegalArgumentException("dense: units must be positive, got " + units);
            }
            weightInit = weightInit == null ? InitSpec.pytorchDefault() : weightInit;
            biasInit = biasInit == null ? InitSpec.pytorchDefault() : biasInit;
        }

        public Dense(int units) {
            this(units, true, null, null);
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new DenseLayer(name, params, one(name, inputShapes), units, bias, weightInit, biasInit);
        }
    }

    /** Max pooling; {@code ceilMode} rounds the output size up, see {@link Pool2dSpec}. */
    record MaxPool(int kernel, int stride, int padding, boolean ceilMode) implements LayerSpec {
        public MaxPool {
            geometry(kernel, stride, padding, ceilMode);
        }

        public MaxPool(int kernel, int stride, int padding) {
            this(kernel, stride, padding, false);
        }

        /** The backend's description of this pooling. */
        public Pool2dSpec geometry() {
            return geometry(kernel, stride, padding, ceilMode);
        }

        private static Pool2dSpec geometry(int kernel, int stride, int padding, boolean ceilMode) {
            return Pool2dSpec.max(kernel, stride, padding).withCeilMode(ceilMode);
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new MaxPool2dLayer(name, params.backend(), one(name, inputShapes), geometry());
        }
    }

    /** Average pooling; {@code ceilMode} rounds the output size up, see {@link Pool2dSpec}. */
    record AvgPool(int kernel, int stride, int padding, boolean countPadding, boolean ceilMode) implements LayerSpec {
        public AvgPool {
            geometry(kernel, stride, padding, countPadding, ceilMode);
        }

        public AvgPool(int kernel, int stride, int padding, boolean countPadding) {
            this(kernel, stride, padding, countPadding, false);
        }

        /** The backend's description of this pooling. */
        public Pool2dSpec geometry() {
            return geometry(kernel, stride, padding, countPadding, ceilMode);
        }

        private static Pool2dSpec geometry(int kernel, int stride, int padding, boolean countPadding,
                                           boolean ceilMode) {
            return Pool2dSpec.average(kernel, stride, padding, countPadding).withCeilMode(ceilMode);
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new AvgPool2dLayer(name, params.backend(), one(name, inputShapes), geometry());
        }
    }

    record GlobalAvgPool() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new GlobalAvgPoolLayer(name, params.backend(), one(name, inputShapes));
        }
    }

    /** Per channel (NCHW) or per feature (N×F), chosen by the input's rank. */
    record BatchNorm(float epsilon, float momentum) implements LayerSpec {
        public BatchNorm {
            new BatchNormSpec(epsilon, momentum);
        }

        public BatchNorm() {
            this(BatchNormSpec.DEFAULT.epsilon(), BatchNormSpec.DEFAULT.momentum());
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new BatchNormLayer(name, params, one(name, inputShapes), new BatchNormSpec(epsilon, momentum));
        }
    }

    record Lrn(int size, float alpha, float beta, float k) implements LayerSpec {
        public Lrn {
            new LrnSpec(size, alpha, beta, k);
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new LrnLayer(name, params.backend(), one(name, inputShapes), new LrnSpec(size, alpha, beta, k));
        }
    }

    record Dropout(float p) implements LayerSpec {
        public Dropout {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout: p must lie in [0, 1), got " + p);
            }
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new DropoutLayer(name, params.backend(), one(name, inputShapes), p);
        }
    }

    record Flatten() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new FlattenLayer(name, params.backend(), one(name, inputShapes));
        }
    }

    /** A pointwise nonlinearity; {@code alpha} is the slope of leaky ReLU or the saturation of ELU. */
    record Activation(dev.cortado.backend.Activation.Kind kind, float alpha) implements LayerSpec {
        public Activation {
            if (kind == null) {
                throw new IllegalArgumentException("activation: kind is required");
            }
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new ActivationLayer(name, params.backend(), one(name, inputShapes),
                    new dev.cortado.backend.Activation(kind, alpha));
        }
    }

    record PRelu() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new PReluLayer(name, params, one(name, inputShapes));
        }
    }

    record Add() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new AddLayer(name, params.backend(), inputShapes);
        }
    }

    record Concat() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new ConcatLayer(name, params.backend(), inputShapes);
        }
    }

    record Softmax() implements LayerSpec {
        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new SoftmaxLayer(name, params.backend(), one(name, inputShapes));
        }
    }

    /** CIFAR ResNet's option-A shortcut: subsample by {@code stride}, zero-pad channels to {@code outChannels}. */
    record ZeroPadShortcut(int outChannels, int stride) implements LayerSpec {
        public ZeroPadShortcut {
            if (outChannels < 1 || stride < 1) {
                throw new IllegalArgumentException("zero-pad shortcut: output channels and stride must be positive,"
                        + " got " + outChannels + " and " + stride);
            }
        }

        @Override
        public Layer create(String name, List<Shape> inputShapes, ParameterFactory params) {
            return new ZeroPadShortcutLayer(name, params.backend(), one(name, inputShapes), outChannels, stride);
        }
    }

    private static Shape one(String name, List<Shape> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new dev.cortado.tensor.ShapeMismatchException("layer '" + name + "' takes exactly one input, got "
                    + inputShapes.size() + " " + inputShapes);
        }
        return inputShapes.get(0);
    }
}
