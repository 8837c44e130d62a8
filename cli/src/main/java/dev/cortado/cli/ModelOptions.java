package dev.cortado.cli;

import dev.cortado.models.ConfigText;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which model, and the overrides of its config's variables and input size. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "lenet5",
            description = "A zoo model (see 'cortado models') or a model config file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes (the config's 'classes' variable).")
    Integer classes;

    @Option(names = "--input-size", paramLabel = "H[xW]",
            description = "Input height and width, e.g. 32 or 32x32 (to train vgg16 on CIFAR-10).")
    String inputSize;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a variable of the model config, "
            + "e.g. --set batch_norm=true --set dropout=0.3.")
    Map<String, String> set = new LinkedHashMap<>();

    /** The config variables to override: --set, then --classes. */
    Map<String, String> variables() {
        Map<String, String> vars = new LinkedHashMap<>(set == null ? Map.of() : set);
        if (classes != null) {
            if (classes < 1) {
                throw new UserInputException("--classes must be at least 1, got " + classes);
            }
            vars.put("classes", Integer.toString(classes));
        }
        return vars;
    }

    /** --input-size as {height, width}, or null when not given. */
    int[] inputSize() {
        return parseInputSize(inputSize);
    }

    static int[] parseInputSize(String text) {
        if (text == null) {
            return null;
        }
        // -1 keeps a trailing empty part, so "5x" is refused rather than read as 5.
        String[] parts = text.toLowerCase().split("[x×]", -1);
        try {
            int h = Integer.parseInt(parts[0].strip());
            int w = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : h;
            if (parts.length > 2 || h < 1 || w < 1) {
                throw new NumberFormatException();
            }
            return new int[] {h, w};
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new UserInputException("--input-size '" + text + "': expected H or HxW with positive whole numbers, "
                    + "e.g. 32 or 224x224");
        }
    }

    /** Loads the model named {@code name} with the variables and, when not null, the input height and width. */
    static ModelConfig load(String name, Map<String, String> vars, int[] size) {
        return resize(ModelZoo.load(name, vars), size);
    }

    /** The same model with its input height and width replaced (channels stay). */
    static ModelConfig resize(ModelConfig c, int[] size) {
        return size == null ? c : c.withInput(List.of(c.input().get(0), size[0], size[1]));
    }

    /** The config text of a model given as a file, so a checkpoint can rebuild it alone; null for zoo names. */
    static String configText(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return ConfigText.read(file, "model config");
    }
}
