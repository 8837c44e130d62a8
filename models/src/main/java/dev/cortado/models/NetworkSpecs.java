package dev.cortado.models;

import dev.cortado.backend.Activation;
import dev.cortado.nn.LayerSpec;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NodeSpec;
import dev.cortado.nn.init.Distribution;
import dev.cortado.nn.init.FanMode;
import dev.cortado.nn.init.InitSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the layers of a {@link ModelConfig} into the framework's {@link NetworkSpec}. Each layer
 * type accepts a fixed set of keys; anything else is an error naming the file, line and key.
 */
public final class NetworkSpecs {
    private static final Map<String, Set<String>> KEYS = Map.ofEntries(
            Map.entry("conv", Set.of("out", "kernel", "stride", "padding", "dilation", "groups", "bias", "init", "bias_init")),
            Map.entry("dense", Set.of("units", "bias", "init", "bias_init")),
            Map.entry("maxpool", Set.of("kernel", "stride", "padding", "ceil_mode")),
            Map.entry("avgpool", Set.of("kernel", "stride", "padding", "count_padding", "ceil_mode")),
            Map.entry("globalavgpool", Set.of()),
            Map.entry("batchnorm", Set.of("epsilon", "momentum")),
            Map.entry("lrn", Set.of("size", "alpha", "beta", "k")),
            Map.entry("dropout", Set.of("p")),
            Map.entry("flatten", Set.of()),
            Map.entry("relu", Set.of()),
            Map.entry("leaky_relu", Set.of("slope")),
            Map.entry("elu", Set.of("alpha")),
            Map.entry("sigmoid", Set.of()),
            Map.entry("tanh", Set.of()),
            Map.entry("softplus", Set.of()),
            Map.entry("swish", Set.of()),
            Map.entry("prelu", Set.of()),
            Map.entry("add", Set.of()),
            Map.entry("concat", Set.of()),
            Map.entry("softmax", Set.of()),
            Map.entry("shortcut", Set.of("out", "stride")));

    private static final Set<String> INIT_NAMES = Set.of("pytorch", "he_uniform", "he_normal", "xavier_uniform",
            "xavier_normal", "zeros", "ones");
    private static final Set<String> INIT_KEYS = Set.of("type", "distribution", "mode", "gain", "slope", "low", "high",
            "mean", "std", "value");

    private NetworkSpecs() {
    }

    /** The layer types a config may use, for help texts and error messages. */
    public static Set<String> layerTypes() {
        return new TreeSet<>(KEYS.keySet());
    }

    public static NetworkSpec from(ModelConfig config) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (LayerEntry layer : config.layers()) {
            try {
                nodes.add(new NodeSpec(layer.name(), layerSpec(layer), layer.inputs()));
            } catch (ConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(layer.origin().source(), layer.origin().line(),
                        "layer '" + layer.name() + "': " + e.getMessage());
            }
        }
        return new NetworkSpec(config.input(), nodes);
    }

    private static LayerSpec layerSpec(LayerEntry layer) {
        Set<String> allowed = KEYS.get(layer.type());
        if (allowed == null) {
            throw layer.origin().entries().get("type").error("unknown layer type '" + layer.type()
                    + "'; known types: " + layerTypes());
        }
        Map<String, ConfigNode> p = layer.params();
        for (ConfigNode value : p.values()) {
            if (!allowed.contains(value.key())) {
                throw value.error("unknown key for a " + layer.type() + " layer; expected one of "
                        + new TreeSet<>(allowed) + " or " + new TreeSet<>(ModelConfigParser.COMMON_KEYS));
            }
        }
        Fields f = new Fields(layer);
        return switch (layer.type()) {
            case "conv" -> new LayerSpec.Conv2d(f.required("out"), f.required("kernel"), f.integer("stride", 1),
                    f.integer("padding", 0), f.integer("dilation", 1), f.integer("groups", 1), f.bool("bias", true),
                    init(p.get("init")), init(p.get("bias_init")));
            case "dense" -> new LayerSpec.Dense(f.required("units"), f.bool("bias", true), init(p.get("init")),
                    init(p.get("bias_init")));
            case "maxpool" -> {
                int kernel = f.required("kernel");
                yield new LayerSpec.MaxPool(kernel, f.integer("stride", kernel), f.integer("padding", 0),
                        f.bool("ceil_mode", false));
            }
            case "avgpool" -> {
                int kernel = f.required("kernel");
                yield new LayerSpec.AvgPool(kernel, f.integer("stride", kernel), f.integer("padding", 0),
                        f.bool("count_padding", true), f.bool("ceil_mode", false));
            }
            case "globalavgpool" -> new LayerSpec.GlobalAvgPool();
            case "batchnorm" -> new LayerSpec.BatchNorm(f.number("epsilon", 1e-5f), f.number("momentum", 0.1f));
            case "lrn" -> new LayerSpec.Lrn(f.integer("size", 5), f.number("alpha", 1e-4f), f.number("beta", 0.75f),
                    f.number("k", 1f));
            case "dropout" -> new LayerSpec.Dropout(f.number("p", 0.5f));
            case "flatten" -> new LayerSpec.Flatten();
            case "relu" -> new LayerSpec.Activation(Activation.Kind.RELU, 0);
            case "leaky_relu" -> new LayerSpec.Activation(Activation.Kind.LEAKY_RELU, f.number("slope", 0.01f));
            case "elu" -> new LayerSpec.Activation(Activation.Kind.ELU, f.number("alpha", 1f));
            case "sigmoid" -> new LayerSpec.Activation(Activation.Kind.SIGMOID, 0);
            case "tanh" -> new LayerSpec.Activation(Activation.Kind.TANH, 0);
            case "softplus" -> new LayerSpec.Activation(Activation.Kind.SOFTPLUS, 0);
            case "swish" -> new LayerSpec.Activation(Activation.Kind.SWISH, 0);
            case "prelu" -> new LayerSpec.PRelu();
            case "add" -> new LayerSpec.Add();
            case "concat" -> new LayerSpec.Concat();
            case "softmax" -> new LayerSpec.Softmax();
            case "shortcut" -> new LayerSpec.ZeroPadShortcut(f.required("out"), f.integer("stride", 1));
            default -> throw new IllegalStateException("layer type " + layer.type() + " has keys but no mapping");
        };
    }

    /** An initializer by name ("he_normal") or as a mapping ({type: xavier, distribution: uniform, ...}). */
    static InitSpec init(ConfigNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isMapping()) {
            return switch (node.choice(INIT_NAMES)) {
                case "pytorch" -> InitSpec.pytorchDefault();
                case "he_uniform" -> InitSpec.heUniform();
                case "he_normal" -> InitSpec.heNormal();
                case "xavier_uniform" -> InitSpec.xavierUniform();
                case "xavier_normal" -> InitSpec.xavierNormal();
                case "zeros" -> InitSpec.zeros();
                default -> InitSpec.ones();
            };
        }
        Map<String, ConfigNode> e = node.entries(INIT_KEYS);
        if (!e.containsKey("type")) {
            throw node.error("an initializer mapping needs a 'type': he, xavier, uniform, normal or constant");
        }
        Distribution distribution = e.containsKey("distribution")
                ? Distribution.valueOf(e.get("distribution").choice(Set.of("uniform", "normal")).toUpperCase())
                : Distribution.NORMAL;
        FanMode mode = e.containsKey("mode") ? switch (e.get("mode").choice(Set.of("fan_in", "fan_out", "fan_avg"))) {
            case "fan_in" -> FanMode.FAN_IN;
            case "fan_out" -> FanMode.FAN_OUT;
            default -> FanMode.FAN_AVERAGE;
        } : null;
        String type = e.get("type").choice(Set.of("he", "xavier", "uniform", "normal", "constant"));
        return switch (type) {
            case "he" -> new InitSpec.He(distribution, mode == null ? FanMode.FAN_IN : mode,
                    e.containsKey("slope") ? e.get("slope").number() : 0f);
            case "xavier" -> new InitSpec.Xavier(distribution, mode == null ? FanMode.FAN_AVERAGE : mode,
                    e.containsKey("gain") ? e.get("gain").number() : 1f);
            case "uniform" -> new InitSpec.Uniform(number(e, node, "low"), number(e, node, "high"));
            case "normal" -> new InitSpec.Normal(e.containsKey("mean") ? e.get("mean").number() : 0f, number(e, node, "std"));
            default -> new InitSpec.Constant(number(e, node, "value"));
        };
    }

    private static float number(Map<String, ConfigNode> e, ConfigNode owner, String key) {
        if (!e.containsKey(key)) {
            throw owner.error("this initializer needs '" + key + "'");
        }
        return e.get(key).number();
    }

    /** Typed reads of a layer's keys with defaults, failing with the layer's file and line. */
    private record Fields(LayerEntry layer) {
        int required(String key) {
            ConfigNode n = layer.params().get(key);
            if (n == null) {
                throw layer.origin().error("a " + layer.type() + " layer needs '" + key + "'");
            }
            return n.positiveInteger();
        }

        int integer(String key, int otherwise) {
            ConfigNode n = layer.params().get(key);
            return n == null ? otherwise : n.integer();
        }

        float number(String key, float otherwise) {
            ConfigNode n = layer.params().get(key);
            return n == null ? otherwise : n.number();
        }

        boolean bool(String key, boolean otherwise) {
            ConfigNode n = layer.params().get(key);
            return n == null ? otherwise : n.bool();
        }
    }
}
