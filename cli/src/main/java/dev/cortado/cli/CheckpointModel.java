package dev.cortado.cli;

import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsHeader;
import dev.cortado.data.Normalize;
import dev.cortado.json.Json;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.ModelConfigParser;
import dev.cortado.models.ModelZoo;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.models.TorchvisionMapping;
import dev.cortado.tensor.Shape;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.train.ModelDescription;
import dev.cortado.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code cortado train} records in a checkpoint's metadata besides the trainer's own keys, so
 * that {@code evaluate} and {@code predict} can rebuild the model and its input pipeline from the
 * checkpoint alone: the model (zoo name, or the config file's text), the variable overrides, the
 * input shape, the normalization statistics, the class names and the data directory. A torchvision
 * state dict saved as safetensors (no Cortado metadata) is recognized by its tensor names instead:
 * its zoo model at the full input size, as many classes as its classifier has (named by index), and
 * the normalization of torchvision's ImageNet weights. A checkpoint written through the library
 * (no {@code cli.} keys) is read from the trainer's own {@link ModelDescription}; where both are
 * present the architecture is the one the trainer recorded. {@code model} is the name to load
 * weights by.
 */
record CheckpointModel(String model, NetworkSpec network, Normalize normalize, List<String> classNames,
                       String dataDirectory) {
    static final String MODEL = "cli.model";
    static final String MODEL_CONFIG = "cli.model_config";
    static final String VARIABLES = "cli.variables";
    static final String INPUT = "cli.input";
    static final String NORMALIZE = "cli.normalize";
    static final String CLASS_NAMES = "cli.class_names";
    static final String DATA = "cli.data";

    /**
     * The metadata entries for a run of {@code model} (as the user named it) with these variables on
     * {@code data}. The architecture, input shape, normalization and class names are the trainer's
     * ({@link ModelDescription}); checkpoints written before it recorded them have them under
     * {@link #INPUT}, {@link #NORMALIZE} and {@link #CLASS_NAMES}, which {@link #read} still reads.
     */
    static Map<String, String> metadata(String model, Map<String, String> variables, Path data) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODEL, model);
        String text = ModelOptions.configText(model);
        if (text != null) {
            m.put(MODEL_CONFIG, text);
        }
        m.put(VARIABLES, Json.write(variables));
        m.put(DATA, data.toAbsolutePath().toString());
        return m;
    }

    /** Rebuilds the model description from a checkpoint written by {@code cortado train}. */
    static CheckpointModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": no such checkpoint file; pass a .safetensors file written by "
                    + "'cortado train' (e.g. runs/<model>-<time>/best.safetensors)");
        }
        SafeTensorsHeader header = SafeTensors.readHeader(file);
        if (!header.metadata().containsKey(CheckpointLayout.FORMAT_KEY)) {
            Optional<TorchvisionMapping> torchvision = TorchvisionMapping.identify(header.shapes().keySet());
            if (torchvision.isPresent()) {
                return ofTorchvision(header, torchvision.get());
            }
            throw new UserInputException(file + ": neither a checkpoint of 'cortado train' (no '"
                    + CheckpointLayout.FORMAT_KEY + "' metadata) nor a torchvision state dict of "
                    + String.join(", ", TorchvisionMapping.models()) + " saved as safetensors");
        }
        Map<String, String> meta = TrainingCheckpoint.metadata(file);
        String model = meta.get(MODEL);
        ModelDescription described = ModelDescription.isDescribed(meta) ? ModelDescription.of(file, meta) : null;
        if (model == null && described != null) {
            return new CheckpointModel(meta.getOrDefault(CheckpointLayout.MODEL_KEY, "model"), described.network(),
                    normalizeOrIdentity(described), described.classNames(), null);
        }
        if (model == null) {
            throw new UserInputException(file + ": the checkpoint says neither which model it holds (no '" + MODEL
                    + "' metadata) nor its architecture (no '" + CheckpointLayout.NETWORK_KEY + "'); it was written"
                    + " by an older Cortado through the library and cannot be evaluated this way");
        }
        if (described != null) {
            return new CheckpointModel(model, described.network(), normalizeOrIdentity(described),
                    described.classNames(), meta.get(DATA));
        }
        Map<String, String> vars = new LinkedHashMap<>();
        object(file, meta, VARIABLES).forEach((k, v) -> vars.put(k, String.valueOf(v)));
        ModelConfig config;
        if (meta.containsKey(MODEL_CONFIG)) {
            config = ModelConfigParser.parse(file + " [" + MODEL_CONFIG + "]", new StringReader(meta.get(MODEL_CONFIG)),
                    vars);
        } else {
            config = ModelZoo.load(model, vars);
        }
        List<Integer> input = new ArrayList<>();
        for (Object o : list(file, meta, INPUT)) {
            input.add(((Number) o).intValue());
        }
        config = config.withInput(input);
        Map<String, Object> norm = object(file, meta, NORMALIZE);
        Normalize normalize = new Normalize(toFloats(norm.get("mean")), toFloats(norm.get("std")));
        List<String> names = new ArrayList<>();
        for (Object o : list(file, meta, CLASS_NAMES)) {
            names.add(String.valueOf(o));
        }
        return new CheckpointModel(model, NetworkSpecs.from(config), normalize, names, meta.get(DATA));
    }

    /** Per-channel statistics that leave inputs as they are, for a model trained without normalization. */
    private static Normalize normalizeOrIdentity(ModelDescription d) {
        if (d.normalize() != null) {
            return d.normalize();
        }
        int channels = d.network().inputShape().get(0);
        float[] one = new float[channels];
        java.util.Arrays.fill(one, 1f);
        return new Normalize(new float[channels], one);
    }

    private static CheckpointModel ofTorchvision(SafeTensorsHeader header, TorchvisionMapping torchvision) {
        ModelConfig zoo = ModelZoo.load(torchvision.model(), Map.of());
        String classifier = zoo.layers().get(zoo.layers().size() - 1).name() + ".weight";
        int classes = 0;
        for (Map.Entry<String, Shape> e : header.shapes().entrySet()) {
            if (torchvision.cortadoName(e.getKey()).filter(classifier::equals).isPresent()) {
                classes = e.getValue().dim(0);
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        ModelConfig config = ModelZoo.load(torchvision.model(), Map.of("classes", Integer.toString(classes)));
        return new CheckpointModel(torchvision.model(), NetworkSpecs.from(config), torchvision.normalize(), names,
                null);
    }

    private static float[] toFloats(Object o) {
        List<?> l = (List<?>) o;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Path file, Map<String, String> meta, String key) {
        if (meta.get(key) != null && Json.parse(meta.get(key)) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new UserInputException(file + ": checkpoint metadata '" + key + "' is missing or not a JSON object");
    }

    private static List<?> list(Path file, Map<String, String> meta, String key) {
        if (meta.get(key) != null && Json.parse(meta.get(key)) instanceof List<?> l) {
            return l;
        }
        throw new UserInputException(file + ": checkpoint metadata '" + key + "' is missing or not a JSON list");
    }
}
