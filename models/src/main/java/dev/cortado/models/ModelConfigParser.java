package dev.cortado.models;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a model config (see {@code docs/config-format.md}): top-level keys {@code model},
 * {@code description}, {@code input}, {@code parameters}, {@code vars}, {@code blocks} and
 * {@code layers}. Blocks are layer lists with parameters, repeated by {@code type: repeat} entries,
 * so that a ResNet stage is one line. Every error names the file, the line and the key.
 */
public final class ModelConfigParser {
    private static final Set<String> TOP_LEVEL = Set.of("model", "description", "input", "parameters", "vars",
            "blocks", "layers");
    private static final Set<String> BLOCK_KEYS = Set.of("params", "layers");
    private static final Set<String> REPEAT_KEYS = Set.of("type", "name", "block", "first_block", "times", "with",
            "first", "when");
    /**
     * The most layers a config may expand to: ResNet-152 has about 500, so this only stops a repeat
     * count that would otherwise run out of memory or time.
     */
    static final int MAX_LAYERS = 100_000;
    /** Keys every layer may have besides its type's own. */
    public static final Set<String> COMMON_KEYS = Set.of("type", "name", "inputs", "when");

    private ModelConfigParser() {
    }

    public static ModelConfig parse(Path file, Map<String, String> overrides) {
        return parse(file.toString(), new StringReader(ConfigText.read(file, "model config")), overrides);
    }

    public static ModelConfig parse(String source, InputStream in, Map<String, String> overrides) {
        return parse(source, new InputStreamReader(in, StandardCharsets.UTF_8), overrides);
    }

    public static ModelConfig parse(String source, Reader reader, Map<String, String> overrides) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(source, line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            // Limits without a position: too many aliases, a document past the size limit, bytes that are not UTF-8.
            throw new ConfigException(source, 0, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ConfigException(source, 0, "the file is empty; a model config needs 'input' and 'layers'");
        }
        ConfigNode top = new ConfigNode(source, "(top level)", root, null);
        Map<String, ConfigNode> keys = top.entries(TOP_LEVEL);

        Map<String, ConfigNode> vars = new LinkedHashMap<>();
        if (keys.containsKey("vars")) {
            vars.putAll(keys.get("vars").entries());
        }
        Set<String> declared = Set.copyOf(vars.keySet());
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!vars.containsKey(o.getKey())) {
                throw new ConfigException(source, 0, "override of '" + o.getKey() + "': the config has no variable '"
                        + o.getKey() + "'; its variables are " + vars.keySet());
            }
            vars.put(o.getKey(), ConfigNode.literal("command line", o.getKey(), o.getValue()));
        }
        ConfigScope fileScope = new ConfigScope(vars, null);

        for (String required : List.of("input", "layers")) {
            if (!keys.containsKey(required)) {
                throw new ConfigException(source, 0, "missing key '" + required + "'");
            }
        }
        ConfigNode inputNode = keys.get("input").in(fileScope);
        List<Integer> input = inputNode.integers();
        if (input.size() != 3 || input.stream().anyMatch(d -> d < 1)) {
            throw inputNode.error("expected [channels, height, width] with positive values, got " + input);
        }

        Map<String, ConfigNode> blocks = keys.containsKey("blocks") ? keys.get("blocks").entries() : Map.of();
        Expansion expansion = new Expansion(blocks);
        expansion.expand(keys.get("layers").in(fileScope).elements(), fileScope, "", "input", new HashMap<>());

        String name = keys.containsKey("model") ? keys.get("model").string() : source;
        String description = keys.containsKey("description") ? keys.get("description").string() : "";
        long reference = keys.containsKey("parameters") ? keys.get("parameters").in(fileScope).longInteger() : 0;
        return new ModelConfig(name, description, source, List.copyOf(input), List.copyOf(expansion.out), declared,
                reference);
    }

    /** Expands blocks into a flat list of layers with full names. */
    private static final class Expansion {
        private final Map<String, ConfigNode> blocks;
        private final List<LayerEntry> out = new ArrayList<>();
        private final Map<String, Integer> autoNames = new HashMap<>();
        private int depth;

        Expansion(Map<String, ConfigNode> blocks) {
            this.blocks = blocks;
        }

        /** Expands {@code layers} whose first input is {@code previous}; returns the last layer's name. */
        String expand(List<ConfigNode> layers, ConfigScope scope, String prefix, String previous,
                      Map<String, String> local) {
            for (ConfigNode layer : layers) {
                Map<String, ConfigNode> e = layer.entries();
                if (!e.containsKey("type")) {
                    throw layer.error("a layer needs a 'type' (conv, dense, relu, maxpool, repeat, ...)");
                }
                if (e.containsKey("when") && !e.get("when").bool()) {
                    continue;
                }
                String type = e.get("type").string();
                if (type.equals("repeat")) {
                    previous = repeat(layer, scope, prefix, previous, local);
                    continue;
                }
                String shortName = e.containsKey("name") ? e.get("name").string() : autoName(prefix, type);
                String full = prefix + shortName;
                if (local.containsKey(shortName)) {
                    throw e.containsKey("name") ? e.get("name").error("layer name '" + shortName + "' is used twice")
                            : layer.error("this unnamed layer's automatic name '" + shortName + "' is already a"
                                    + " layer's name; give it a 'name'");
                }
                List<String> inputs = new ArrayList<>();
                if (e.containsKey("inputs")) {
                    for (ConfigNode in : e.get("inputs").elements()) {
                        String ref = in.string();
                        String resolved = ref.equals("in") ? local.get("in") : local.get(ref);
                        if (resolved == null && prefix.isEmpty() && ref.equals("input")) {
                            resolved = "input";
                        }
                        if (resolved == null) {
                            throw in.error("input '" + ref + "' is not a layer defined above"
                                    + (prefix.isEmpty() ? "" : " in this block (use 'in' for the block's input)"));
                        }
                        inputs.add(resolved);
                    }
                } else {
                    inputs.add(previous);
                }
                Map<String, ConfigNode> params = new LinkedHashMap<>(e);
                COMMON_KEYS.forEach(params::remove);
                if (out.size() == MAX_LAYERS) {
                    throw layer.error("the config expands to more than " + MAX_LAYERS + " layers; check the 'times'"
                            + " of its repeats");
                }
                out.add(new LayerEntry(type, full, List.copyOf(inputs), params, layer));
                local.put(shortName, full);
                previous = full;
            }
            return previous;
        }

        private String repeat(ConfigNode layer, ConfigScope scope, String prefix, String previous,
                              Map<String, String> local) {
            Map<String, ConfigNode> e = layer.entries(REPEAT_KEYS);
            for (String required : List.of("name", "block", "times")) {
                if (!e.containsKey(required)) {
                    throw layer.error("a repeat needs '" + required + "'");
                }
            }
            if (++depth > 8) {
                throw layer.error("blocks nest more than 8 deep; is a block repeating itself?");
            }
            ConfigNode block = block(e.get("block"));
            ConfigNode firstBlock = e.containsKey("first_block") ? block(e.get("first_block")) : block;
            Map<String, ConfigNode> with = e.containsKey("with") ? e.get("with").entries() : Map.of();
            Map<String, ConfigNode> first = e.containsKey("first") ? e.get("first").entries() : Map.of();
            int times = e.get("times").positiveInteger();
            if (times > MAX_LAYERS) {
                throw e.get("times").error("repeats a block " + times + " times; a model has at most " + MAX_LAYERS
                        + " layers");
            }
            String name = e.get("name").string();
            for (int i = 0; i < times; i++) {
                ConfigNode current = i == 0 ? firstBlock : block;
                Map<String, ConfigNode> body = current.entries(BLOCK_KEYS);
                if (!body.containsKey("layers")) {
                    throw current.error("a block needs 'layers'");
                }
                List<String> params = new ArrayList<>();
                if (body.containsKey("params")) {
                    for (ConfigNode p : body.get("params").elements()) {
                        params.add(p.string());
                    }
                }
                Map<String, ConfigNode> args = new HashMap<>();
                for (Map.Entry<String, ConfigNode> a : with.entrySet()) {
                    if (params.contains(a.getKey())) {
                        args.put(a.getKey(), a.getValue());
                    } else if (current == block) {
                        throw a.getValue().error("block '" + current.key() + "' has no parameter '" + a.getKey()
                                + "'; its parameters are " + params);
                    }
                }
                if (i == 0) {
                    for (Map.Entry<String, ConfigNode> a : first.entrySet()) {
                        if (!params.contains(a.getKey())) {
                            throw a.getValue().error("block '" + current.key() + "' has no parameter '" + a.getKey()
                                    + "'; its parameters are " + params);
                        }
                        args.put(a.getKey(), a.getValue());
                    }
                }
                for (String p : params) {
                    if (!args.containsKey(p)) {
                        throw layer.error("block '" + current.key() + "' needs a value for its parameter '" + p
                                + "' (in 'with' or 'first')");
                    }
                }
                ConfigScope blockScope = new ConfigScope(args, scope);
                Map<String, String> blockLocal = new HashMap<>();
                blockLocal.put("in", previous);
                previous = expand(body.get("layers").in(blockScope).elements(), blockScope,
                        prefix + name + "." + i + ".", previous, blockLocal);
            }
            local.put(name, previous);
            depth--;
            return previous;
        }

        private ConfigNode block(ConfigNode reference) {
            ConfigNode block = blocks.get(reference.string());
            if (block == null) {
                throw reference.error("no block named '" + reference.string() + "'; blocks: " + blocks.keySet());
            }
            return block;
        }

        private String autoName(String prefix, String type) {
            int n = autoNames.merge(prefix + type, 1, Integer::sum);
            return type + n;
        }
    }
}
