package dev.cortado.cli;

import dev.cortado.models.ConfigException;
import dev.cortado.models.ConfigText;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A training recipe: a YAML file whose keys are the long names of {@code cortado train}'s flags
 * ({@code epochs: 30}, {@code lr: 0.1}, {@code milestones: [15, 25]}, {@code set: {dropout: 0.3}}).
 * Flags given on the command line win over the recipe ({@link OptionLayers}); an unknown key or a
 * value of the wrong type is an error naming the file, the line and the key. Relative paths in a
 * recipe file (its model file, data and checkpoint folders) are relative to the recipe's folder.
 */
final class TrainingRecipe implements OptionLayers.Layer {
    private static final String SHIPPED = "/dev/cortado/models/recipes/";

    private final String source;
    /** The folder relative paths are resolved from; null for a shipped recipe. */
    private final Path folder;
    private final Map<String, NodeTuple> entries;

    private TrainingRecipe(String source, Path folder, Map<String, NodeTuple> entries) {
        this.source = source;
        this.folder = folder;
        this.entries = entries;
    }

    /** A recipe file, or one of the recipes shipped with the zoo by name ("resnet20-cifar10"). */
    static TrainingRecipe load(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (!Files.exists(file)) {
            InputStream shipped = TrainingRecipe.class.getResourceAsStream(SHIPPED + nameOrPath + ".yaml");
            if (shipped != null) {
                try (Reader r = new InputStreamReader(shipped, StandardCharsets.UTF_8)) {
                    return parse("recipe " + nameOrPath, null, r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return read(file);
    }

    static TrainingRecipe read(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException(file.toString(), 0, "no such recipe file; name a YAML recipe file or a shipped "
                    + "recipe (lenet5-fashion-mnist, resnet20-cifar10)");
        }
        return parse(file.toString(), file.toAbsolutePath().getParent(),
                new StringReader(ConfigText.read(file, "recipe")));
    }

    static TrainingRecipe parse(String source, Path folder, Reader reader) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(source, e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1,
                    "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            // Limits without a position: too many aliases, a document past the size limit.
            throw new ConfigException(source, 0, "not valid YAML: " + e.getMessage());
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        if (root == null) {
            return new TrainingRecipe(source, folder, entries);
        }
        if (!(root instanceof MappingNode map)) {
            throw new ConfigException(source, line(root), "a recipe is a mapping of flag names to values, e.g. "
                    + "'epochs: 10'");
        }
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
            if (entries.containsKey(key)) {
                throw new ConfigException(source, line(t.getKeyNode()), "key '" + key + "' appears twice");
            }
            entries.put(key, t);
        }
        return new TrainingRecipe(source, folder, entries);
    }

    @Override
    public String name() {
        return "recipe " + source;
    }

    @Override
    public Iterable<String> keys() {
        return entries.keySet();
    }

    @Override
    public Object text(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return null;
        }
        Object text = text(key, t.getValueNode());
        return folder != null && text instanceof String s ? relativeToRecipe(key, s) : text;
    }

    /** Paths a recipe file names are read from the recipe's folder, as a config's includes would be. */
    private Object relativeToRecipe(String key, String value) {
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw error(key, "not a valid path: " + e.getMessage());
        }
        if (p.isAbsolute()) {
            return value;
        }
        Path resolved = folder.resolve(p);
        return switch (key) {
            case "checkpoint-dir" -> resolved.toString();
            case "data" -> {
                if (!Files.exists(resolved) && DatasetLocator.isDatasetName(value)) {
                    yield value;
                }
                if (!Files.exists(resolved)) {
                    throw error(key, "no such dataset folder " + resolved + " (paths in a recipe are relative to the"
                            + " recipe's folder; a dataset's name, fashion-mnist, mnist or cifar10, is found or"
                            + " downloaded)");
                }
                yield resolved.toString();
            }
            // A model is a zoo name unless it names a file.
            case "model" -> {
                if (Files.isRegularFile(resolved)) {
                    yield resolved.toString();
                }
                if (value.endsWith(".yaml") || value.endsWith(".yml")) {
                    throw error(key, "no such model config " + resolved + " (paths in a recipe are relative to the"
                            + " recipe's folder)");
                }
                yield value;
            }
            default -> value;
        };
    }

    private Object text(String key, Node n) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        if (n instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw error(key, "expected a list of single values");
                }
                out.add(s.getValue());
            }
            return out;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
                throw error(key, "expected single values as variable names and values");
            }
            out.put(k.getValue(), v.getValue());
        }
        return out;
    }

    @Override
    public ConfigException error(String key, String problem) {
        NodeTuple t = entries.get(key);
        Node at = t == null ? null : problem.startsWith("unknown key") ? t.getKeyNode() : t.getValueNode();
        return new ConfigException(source, at == null ? 0 : line(at), "key '" + key + "': " + problem);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
