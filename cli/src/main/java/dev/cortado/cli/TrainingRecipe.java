package dev.cortado.cli;

import dev.cortado.models.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A training recipe: a YAML file whose keys are the long names of {@code cortado train}'s flags
 * ({@code epochs: 30}, {@code lr: 0.1}, {@code milestones: [15, 25]}, {@code set: {dropout: 0.3}}).
 * Flags given on the command line win over the recipe. An unknown key or a value of the wrong type
 * is an error naming the file, the line and the key.
 */
final class TrainingRecipe {
    static final Set<String> KEYS = new TreeSet<>(List.of("model", "data", "format", "epochs", "max-iterations",
            "batch-size", "optimizer", "lr", "momentum", "weight-decay", "schedule", "schedule-unit", "step-size",
            "gamma", "milestones", "min-lr", "power", "total-steps", "warmup", "augment", "val-split", "validate-every", "early-stop",
            "clip-grad", "clip-value", "label-smoothing", "backend", "threads", "seed", "deterministic", "tf32",
            "checkpoint-dir", "classes", "input-size", "set"));

    private final String source;
    private final Map<String, Node> values;

    private TrainingRecipe(String source, Map<String, Node> values) {
        this.source = source;
        this.values = values;
    }

    static TrainingRecipe empty() {
        return new TrainingRecipe("(no recipe)", Map.of());
    }

    /** A recipe file, or one of the recipes shipped with the zoo by name ("resnet20-cifar10"). */
    static TrainingRecipe load(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (!Files.exists(file)) {
            java.io.InputStream shipped = TrainingRecipe.class.getResourceAsStream(
                    "/dev/cortado/models/recipes/" + nameOrPath + ".yaml");
            if (shipped != null) {
                try (Reader r = new java.io.InputStreamReader(shipped, java.nio.charset.StandardCharsets.UTF_8)) {
                    return parse("recipe " + nameOrPath, r);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return read(file);
    }

    static TrainingRecipe read(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            return parse(file.toString(), r);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, "no such recipe file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    static TrainingRecipe parse(String source, Reader reader) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(source, e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1,
                    "not valid YAML: " + e.getProblem());
        }
        if (root == null) {
            return new TrainingRecipe(source, Map.of());
        }
        if (!(root instanceof MappingNode map)) {
            throw new ConfigException(source, line(root), "a recipe is a mapping of flag names to values, e.g. "
                    + "'epochs: 10'");
        }
        Map<String, Node> values = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
            if (!KEYS.contains(key)) {
                throw new ConfigException(source, line(t.getKeyNode()), "key '" + key + "': unknown recipe key; "
                        + "known keys are the long flag names of 'cortado train': " + String.join(", ", KEYS));
            }
            if (values.containsKey(key)) {
                throw new ConfigException(source, line(t.getKeyNode()), "key '" + key + "' appears twice");
            }
            values.put(key, t.getValueNode());
        }
        return new TrainingRecipe(source, values);
    }

    String string(String key) {
        Node n = values.get(key);
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(key, n, "expected a single value");
    }

    Integer integer(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, values.get(key), "expected a whole number, got '" + v + "'");
        }
    }

    Long longValue(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.valueOf(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, values.get(key), "expected a whole number, got '" + v + "'");
        }
    }

    Double number(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        try {
            return Double.valueOf(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, values.get(key), "expected a number, got '" + v + "'");
        }
    }

    Boolean bool(String key) {
        String v = string(key);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, values.get(key), "expected true or false, got '" + v + "'");
        };
    }

    /** A list written as a YAML sequence or as one comma-separated value. */
    List<String> list(String key) {
        Node n = values.get(key);
        if (n == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw error(key, item, "expected a list of single values");
                }
                out.add(s.getValue());
            }
            return out;
        }
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    List<Long> longs(String key) {
        List<String> raw = list(key);
        if (raw == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (String s : raw) {
            try {
                out.add(Long.valueOf(s));
            } catch (NumberFormatException e) {
                throw error(key, values.get(key), "expected whole numbers, got '" + s + "'");
            }
        }
        return out;
    }

    Map<String, String> map(String key) {
        Node n = values.get(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof MappingNode m)) {
            throw error(key, n, "expected a mapping of config variables to values, e.g. {dropout: 0.3}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
                throw error(key, t.getKeyNode(), "expected single values as variable names and values");
            }
            out.put(k.getValue(), v.getValue());
        }
        return out;
    }

    private ConfigException error(String key, Node node, String problem) {
        return new ConfigException(source, line(node), "key '" + key + "': " + problem);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
