package dev.cortado.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The model configs that ship with Cortado, and the lookup of a model by zoo name or file path. */
public final class ModelZoo {
    /** Zoo names in the order {@code cortado models} lists them. */
    public static final List<String> NAMES = List.of("lenet5", "mlp", "alexnet",
            "vgg11", "vgg11-lrn", "vgg13", "vgg13-1x1", "vgg16", "vgg19",
            "resnet18", "resnet34", "resnet50", "resnet20", "resnet56", "googlenet");

    private ModelZoo() {
    }

    /**
     * A zoo model by name (a {@code -bn} suffix on a VGG name sets batch_norm=true, and the model keeps
     * the suffixed name in logs, checkpoints and errors), or a config file when {@code nameOrPath} names
     * an existing file.
     */
    public static ModelConfig load(String nameOrPath, Map<String, String> overrides) {
        Path file = Path.of(nameOrPath);
        if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml") || Files.isRegularFile(file)) {
            return ModelConfigParser.parse(file, overrides);
        }
        String name = nameOrPath;
        Map<String, String> vars = overrides;
        if (name.startsWith("vgg") && name.endsWith("-bn")) {
            name = name.substring(0, name.length() - 3);
            vars = new HashMap<>(overrides);
            vars.putIfAbsent("batch_norm", "true");
        }
        if (!NAMES.contains(name)) {
            throw new ConfigException(nameOrPath, 0, "no such model in the zoo and no such file; zoo models: "
                    + String.join(", ", NAMES) + " (and vgg*-bn)");
        }
        String resource = name + ".yaml";
        try (InputStream in = ModelZoo.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("zoo resource " + resource + " is missing from the jar");
            }
            ModelConfig config = ModelConfigParser.parse(resource, in, vars);
            // The file's parameter count is the plain network's; the batch norms add theirs.
            return name.equals(nameOrPath) ? config : new ModelConfig(nameOrPath, config.description()
                    + " with batch normalization", config.source(), config.input(), config.layers(), config.variables(),
                    0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
