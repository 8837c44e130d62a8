package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.json.Json;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.data.LoaderPosition;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkWeights;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.ScheduleSpec;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The complete state of a training run in one safetensors file, laid out as
 * {@code docs/checkpoint-format.md} describes: weights, buffers, optimizer state, and as metadata the
 * epoch, iteration, optimizer and schedule, seed and loader position, and the {@link ModelDescription}
 * (architecture, normalization, class names) that lets {@code Network.load} rebuild the network from
 * the file alone. Written atomically.
 */
public final class TrainingCheckpoint {
    private static final String OPTIMIZER_PREFIX = CheckpointLayout.OPTIMIZER_PREFIX;

    private TrainingCheckpoint() {
    }

    /** Where a resumed run continues. */
    record State(LoaderPosition position, long iteration, long seed, Map<String, String> metadata) {
    }

    static void write(Path file, Trainer trainer, long seed) throws IOException {
        Backend backend = trainer.backend();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        NetworkWeights.of(trainer.network()).forEach((name, t) -> tensors.put(name, download(backend, t)));
        trainer.optimizer().state().forEach((name, t) -> tensors.put(OPTIMIZER_PREFIX + name, download(backend, t)));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(CheckpointLayout.FORMAT_KEY, CheckpointLayout.FORMAT_VERSION);
        meta.put(CheckpointLayout.MODEL_KEY, trainer.modelName());
        LoaderPosition p = trainer.position();
        meta.put(CheckpointLayout.EPOCH_KEY, Integer.toString(p.epoch()));
        meta.put(CheckpointLayout.ITERATION_KEY, Long.toString(trainer.iteration()));
        meta.put(CheckpointLayout.OPTIMIZER_KEY, Json.write(trainer.config().optimizer().hyperparameters()));
        trainer.optimizer().stateMetadata().forEach((k, v) -> meta.put(OPTIMIZER_PREFIX + k, v));
        meta.put(CheckpointLayout.SCHEDULE_KEY, Json.write(trainer.config().schedule().parameters()));
        meta.put(CheckpointLayout.RNG_KEY, Json.write(Map.of("seed", seed)));
        meta.put(CheckpointLayout.LOADER_KEY, Json.write(orderedMap("epoch", p.epoch(), "batch", p.batch(), "seed", seed,
                "batch_size", trainer.config().batchSize())));
        meta.putAll(trainer.description().metadata());
        meta.putAll(trainer.extraMetadata());
        trainer.listenerState().forEach(meta::put);
        SafeTensors.write(file, tensors, meta);
    }

    /** Restores weights, buffers and optimizer state into the trainer; returns where to continue. */
    static State read(Path file, Trainer trainer) throws IOException {
        SafeTensorsFile f = open(file);
        Map<String, String> meta = f.metadata();
        String model = meta.get(CheckpointLayout.MODEL_KEY);
        if (!trainer.modelName().equals(model)) {
            throw new CheckpointFormatException(file, "it is a checkpoint of model '" + model + "', not of '"
                    + trainer.modelName() + "'");
        }
        OptimizerSpec saved = OptimizerSpec.fromHyperparameters(jsonObject(file, meta, CheckpointLayout.OPTIMIZER_KEY));
        if (saved.type() != trainer.config().optimizer().type()) {
            throw new CheckpointFormatException(file, "it holds " + saved.type() + " optimizer state, but this run uses "
                    + trainer.config().optimizer().type() + "; resume with the same optimizer, or use the file"
                    + " to initialize weights only");
        }
        ScheduleSpec.fromParameters(jsonObject(file, meta, CheckpointLayout.SCHEDULE_KEY));
        Map<String, String> optimizerMeta = new HashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(OPTIMIZER_PREFIX)) {
                optimizerMeta.put(k.substring(OPTIMIZER_PREFIX.length()), v);
            }
        });
        // Every replica restores the same bytes: the file's copy is what replica 0 would broadcast.
        for (int r = 0; r < trainer.replicas().size(); r++) {
            Backend backend = trainer.replicas().backend(r);
            Map<String, Tensor> optimizerState = new LinkedHashMap<>();
            try {
                NetworkWeights.copy(file, f, trainer.network(r), true, Map.of());
                for (Map.Entry<String, TensorData> e : f.tensors().entrySet()) {
                    if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                        optimizerState.put(e.getKey().substring(OPTIMIZER_PREFIX.length()),
                                backend.upload(e.getValue().shape(), e.getValue().data()));
                    }
                }
                trainer.optimizer(r).loadState(trainer.network(r).parameters(), optimizerState, optimizerMeta);
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(file, e.getMessage());
            } finally {
                optimizerState.values().forEach(Tensor::close);
            }
        }
        Map<String, Object> loader = jsonObject(file, meta, CheckpointLayout.LOADER_KEY);
        Map<String, Object> rng = jsonObject(file, meta, CheckpointLayout.RNG_KEY);
        return new State(new LoaderPosition(integer(file, loader, "epoch"), integer(file, loader, "batch")),
                Long.parseLong(meta.getOrDefault(CheckpointLayout.ITERATION_KEY, "0")), ((Number) rng.get("seed")).longValue(),
                meta);
    }

    /**
     * Copies a checkpoint's parameters and buffers into {@code network} (evaluation, prediction,
     * fine-tuning); the optimizer state in the file is ignored, and any safetensors file with the
     * right tensor names will do. Every parameter and buffer of the network must be in the file with
     * its shape, else the message names the first mismatch.
     */
    public static void loadWeights(Path file, Network network) throws IOException {
        loadWeights(file, network, Map.of());
    }

    /**
     * As {@link #loadWeights(Path, Network)}, for a file that names tensors otherwise (a torchvision
     * state dict): {@code sourceNames} maps a parameter or buffer name of the network to the file's
     * name for it ("stage1.0.conv1.weight" to "layer1.0.conv1.weight"); a name it does not map is
     * looked up as it is. Only those tensors are read, as float32 whatever their floating-point type
     * (F16, BF16, F64); the file's other tensors are left alone.
     */
    public static void loadWeights(Path file, Network network, Map<String, String> sourceNames) throws IOException {
        Set<String> wanted = new HashSet<>();
        NetworkWeights.of(network).keySet().forEach(name -> wanted.add(sourceNames.getOrDefault(name, name)));
        NetworkWeights.copy(file, SafeTensors.read(file, wanted::contains), network, false, sourceNames);
    }

    /** The metadata of a checkpoint, after checking its format version. */
    public static Map<String, String> metadata(Path file) throws IOException {
        return open(file).metadata();
    }

    private static SafeTensorsFile open(Path file) throws IOException {
        SafeTensorsFile f = SafeTensors.read(file);
        CheckpointLayout.requireSupportedFormat(file, f.metadata());
        return f;
    }

    private static TensorData download(Backend backend, Tensor t) {
        return new TensorData(t.shape(), backend.download(t));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(Path file, Map<String, String> meta, String key) throws IOException {
        String text = meta.get(key);
        if (text == null) {
            throw new CheckpointFormatException(file, "its metadata has no '" + key + "'; it cannot be resumed"
                    + " (use it to initialize weights instead)");
        }
        try {
            Object v = Json.parse(text);
            if (v instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "metadata '" + key + "' is not valid JSON: " + e.getMessage());
        }
        throw new CheckpointFormatException(file, "metadata '" + key + "' must be a JSON object");
    }

    private static int integer(Path file, Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Number n) {
            return n.intValue();
        }
        throw new CheckpointFormatException(file, "loader metadata lacks a whole number '" + key + "'");
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<String> tensorNames(Path file) throws IOException {
        return List.copyOf(open(file).tensors().keySet());
    }
}
