package dev.cortado.models;

import dev.cortado.data.Normalize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * How the state dict of a torchvision model names the tensors of a zoo model: the file
 * {@code <zoo name>.torchvision.yaml} beside the model's config, with the torchvision builder's name,
 * the input normalization its ImageNet weights expect, the last name parts to ignore
 * ({@code num_batches_tracked}) and rules from torchvision module paths to Cortado layer names, such
 * as {@code layer{s}.{b}.{layer}: stage{s}.{b}.{layer}}, where {@code {x}} stands for one part of a
 * dotted name. A tensor keeps the last part of its name (weight, bias, running_mean, running_var),
 * which torchvision and Cortado share; the first rule that matches its module applies.
 */
public final class TorchvisionMapping {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");
    private static final Set<String> KEYS = Set.of("torchvision", "normalize", "ignore", "modules");

    private final String model;
    private final String torchvision;
    private final Normalize normalize;
    private final Set<String> ignored;
    private final List<Rule> rules;

    /** A module pattern with named placeholders and the Cortado layer name it becomes. */
    private record Rule(String pattern, Pattern regex, String replacement) {
        Optional<String> apply(String module) {
            Matcher m = regex.matcher(module);
            if (!m.matches()) {
                return Optional.empty();
            }
            StringBuilder out = new StringBuilder();
            Matcher p = PLACEHOLDER.matcher(replacement);
            while (p.find()) {
                p.appendReplacement(out, Matcher.quoteReplacement(m.group(p.group(1))));
            }
            p.appendTail(out);
            return Optional.of(out.toString());
        }
    }

    private TorchvisionMapping(String model, String torchvision, Normalize normalize, Set<String> ignored,
                               List<Rule> rules) {
        this.model = model;
        this.torchvision = torchvision;
        this.normalize = normalize;
        this.ignored = ignored;
        this.rules = rules;
    }

    /** The mapping of zoo model {@code model} ("resnet18", "vgg16-bn"), if it has one. */
    public static Optional<TorchvisionMapping> forModel(String model) {
        if (model == null || !model.matches("[a-z0-9-]+")) {
            return Optional.empty();
        }
        String resource = model + ".torchvision.yaml";
        try (InputStream in = ModelZoo.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(parse(model, resource, in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zoo models (with their {@code -bn} variants) whose torchvision state dicts load directly. */
    public static List<String> models() {
        List<String> out = new ArrayList<>();
        for (String name : ModelZoo.NAMES) {
            for (String candidate : name.startsWith("vgg") ? List.of(name, name + "-bn") : List.of(name)) {
                if (ModelZoo.class.getResource(candidate + ".torchvision.yaml") != null) {
                    out.add(candidate);
                }
            }
        }
        return out;
    }

    /**
     * The zoo model whose torchvision state dict holds exactly these tensors: every name maps, and the
     * mapped layers are exactly the model's layers with weights (so resnet18's and resnet50's, which
     * share their rules, tell apart). Empty when no model, or more than one, fits.
     */
    public static Optional<TorchvisionMapping> identify(Set<String> tensorNames) {
        List<TorchvisionMapping> fits = new ArrayList<>();
        for (String model : models()) {
            TorchvisionMapping m = forModel(model).orElseThrow();
            Set<String> layers = new LinkedHashSet<>();
            try {
                for (String name : tensorNames) {
                    m.cortadoName(name).ifPresent(c -> layers.add(c.substring(0, c.lastIndexOf('.'))));
                }
            } catch (IllegalArgumentException notThisModel) {
                continue;
            }
            if (layers.equals(layersWithWeights(ModelZoo.load(model, Map.of())))) {
                fits.add(m);
            }
        }
        return fits.size() == 1 ? Optional.of(fits.get(0)) : Optional.empty();
    }

    private static Set<String> layersWithWeights(ModelConfig config) {
        Set<String> out = new LinkedHashSet<>();
        for (LayerEntry layer : config.layers()) {
            if (Set.of("conv", "dense", "batchnorm", "prelu").contains(layer.type())) {
                out.add(layer.name());
            }
        }
        return out;
    }

    /** The zoo name this mapping belongs to. */
    public String model() {
        return model;
    }

    /** The torchvision builder whose state dict this reads ("resnet18", "vgg16_bn"). */
    public String torchvision() {
        return torchvision;
    }

    /** The normalization torchvision's ImageNet weights expect. */
    public Normalize normalize() {
        return normalize;
    }

    /**
     * Cortado's name for the tensor a torchvision state dict calls {@code name}: empty for a tensor to
     * ignore, and an {@link IllegalArgumentException} when no rule covers it.
     */
    public Optional<String> cortadoName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 1) {
            throw new IllegalArgumentException("'" + name + "' is not a module's tensor (module.parameter)");
        }
        String module = name.substring(0, dot);
        String leaf = name.substring(dot + 1);
        if (ignored.contains(leaf)) {
            return Optional.empty();
        }
        for (Rule rule : rules) {
            Optional<String> layer = rule.apply(module);
            if (layer.isPresent()) {
                return Optional.of(layer.get() + "." + leaf);
            }
        }
        throw new IllegalArgumentException("no rule of " + model + ".torchvision.yaml covers '" + name
                + "'; is it a state dict of torchvision's " + torchvision + "?");
    }

    private static TorchvisionMapping parse(String model, String resource, InputStream in) {
        Object root = new Yaml(new LoaderOptions()).load(in);
        if (!(root instanceof Map<?, ?> top) || !KEYS.containsAll(top.keySet())
                || !(top.get("torchvision") instanceof String torchvision)
                || !(top.get("modules") instanceof Map<?, ?> modules)) {
            throw new IllegalStateException(resource + ": expected the keys " + KEYS + " with 'torchvision' and"
                    + " 'modules' present");
        }
        Set<String> ignored = new LinkedHashSet<>();
        if (top.get("ignore") instanceof List<?> list) {
            list.forEach(o -> ignored.add(String.valueOf(o)));
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<?, ?> e : modules.entrySet()) {
            rules.add(rule(resource, String.valueOf(e.getKey()), String.valueOf(e.getValue())));
        }
        Normalize normalize = null;
        if (top.get("normalize") instanceof Map<?, ?> n) {
            normalize = new Normalize(floats(resource, n.get("mean")), floats(resource, n.get("std")));
        }
        return new TorchvisionMapping(model, torchvision, normalize, Set.copyOf(ignored), List.copyOf(rules));
    }

    private static Rule rule(String resource, String pattern, String replacement) {
        StringBuilder regex = new StringBuilder();
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(at, m.start())));
            if (!names.add(m.group(1))) {
                throw new IllegalStateException(resource + ": '" + pattern + "' uses {" + m.group(1) + "} twice");
            }
            regex.append("(?<").append(m.group(1)).append(">[^.]+)");
            at = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(at)));
        Matcher r = PLACEHOLDER.matcher(replacement);
        while (r.find()) {
            if (!names.contains(r.group(1))) {
                throw new IllegalStateException(resource + ": '" + replacement + "' uses {" + r.group(1)
                        + "}, which '" + pattern + "' does not define");
            }
        }
        return new Rule(pattern, Pattern.compile(regex.toString()), replacement);
    }

    private static float[] floats(String resource, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalStateException(resource + ": normalize needs lists 'mean' and 'std'");
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).floatValue();
        }
        return out;
    }
}
