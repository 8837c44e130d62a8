package dev.cortado.checkpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * The names a Cortado training checkpoint uses inside its safetensors file, as documented in
 * {@code docs/checkpoint-format.md}: parameters and buffers under their own names, optimizer state
 * under {@link #OPTIMIZER_PREFIX}, and string metadata under the keys below.
 */
public final class CheckpointLayout {
    /** The format version this code writes and reads. */
    public static final String FORMAT_VERSION = "1";

    public static final String FORMAT_KEY = "cortado.format";
    public static final String MODEL_KEY = "cortado.model";
    public static final String EPOCH_KEY = "cortado.epoch";
    public static final String ITERATION_KEY = "cortado.iteration";
    /** JSON of {@code OptimizerSpec.hyperparameters()}. */
    public static final String OPTIMIZER_KEY = "cortado.optimizer";
    /** JSON of {@code ScheduleSpec.parameters()}. */
    public static final String SCHEDULE_KEY = "cortado.schedule";
    public static final String RNG_KEY = "cortado.rng";
    public static final String LOADER_KEY = "cortado.loader";
    /** JSON of the network's architecture ({@code NetworkSpecJson}), so the file rebuilds its network alone. */
    public static final String NETWORK_KEY = "cortado.network";
    /** JSON {@code {"mean":[...],"std":[...]}}: the per-channel normalization the network's inputs had. */
    public static final String NORMALIZE_KEY = "cortado.normalize";
    /** JSON list of the class names, one per output. */
    public static final String CLASS_NAMES_KEY = "cortado.class_names";
    /** The loss trained with ({@code Loss.Type.shortName()}): how inference turns outputs into probabilities. */
    public static final String LOSS_KEY = "cortado.loss";
    /** Prefix of optimizer state tensors ("optimizer/conv1.weight.adam_m") and scalar state ("optimizer/steps"). */
    public static final String OPTIMIZER_PREFIX = "optimizer/";

    private CheckpointLayout() {
    }

    /**
     * Fails unless the metadata declares the format version this code reads: a file without the
     * key was not written by Cortado's trainer, and a newer version may mean something else.
     */
    public static void requireSupportedFormat(Path file, Map<String, String> metadata) throws CheckpointFormatException {
        String version = metadata.get(FORMAT_KEY);
        if (version == null) {
            throw new CheckpointFormatException(file, "no '" + FORMAT_KEY
                    + "' in the metadata; not a Cortado training checkpoint (weights-only files can be loaded for fine-tuning)");
        }
        if (!version.equals(FORMAT_VERSION)) {
            throw new CheckpointFormatException(file, "checkpoint format version " + version
                    + " is not supported; this Cortado reads version " + FORMAT_VERSION);
        }
    }
}
