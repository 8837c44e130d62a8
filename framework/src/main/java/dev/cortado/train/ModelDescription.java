package dev.cortado.train;

import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.data.Normalize;
import dev.cortado.json.Json;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NetworkSpecJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every checkpoint of {@link Trainer} says about its model besides the weights, so that it can
 * be used with nothing else: the architecture (its input shape included), the normalization its
 * inputs had, the names of its classes and the loss it was trained with (which says how outputs
 * become probabilities). {@code normalize} is null for inputs used as they are.
 */
public record ModelDescription(NetworkSpec network, Normalize normalize, List<String> classNames, Loss.Type loss) {
    public ModelDescription {
        if (network == null) {
            throw new IllegalArgumentException("a model description needs the network spec");
        }
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        loss = loss == null ? Loss.Type.SOFTMAX_CROSS_ENTROPY : loss;
    }

    /** A model trained with softmax cross-entropy. */
    public ModelDescription(NetworkSpec network, Normalize normalize, List<String> classNames) {
        this(network, normalize, classNames, Loss.Type.SOFTMAX_CROSS_ENTROPY);
    }

    /** The checkpoint metadata entries of this description. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CheckpointLayout.NETWORK_KEY, NetworkSpecJson.write(network));
        if (normalize != null) {
            Map<String, Object> norm = new LinkedHashMap<>();
            norm.put("mean", floats(normalize.mean()));
            norm.put("std", floats(normalize.std()));
            m.put(CheckpointLayout.NORMALIZE_KEY, Json.write(norm));
        }
        m.put(CheckpointLayout.CLASS_NAMES_KEY, Json.write(classNames));
        m.put(CheckpointLayout.LOSS_KEY, loss.shortName());
        return m;
    }

    /** Whether a checkpoint's metadata records its architecture (checkpoints of older versions do not). */
    public static boolean isDescribed(Map<String, String> metadata) {
        return metadata.containsKey(CheckpointLayout.NETWORK_KEY);
    }

    /** The description a checkpoint of {@link Trainer} holds. */
    public static ModelDescription read(Path file) throws IOException {
        Map<String, String> meta = SafeTensors.readHeader(file).metadata();
        CheckpointLayout.requireSupportedFormat(file, meta);
        return of(file, meta);
    }

    /** As {@link #read}, from metadata already read from {@code file}. */
    public static ModelDescription of(Path file, Map<String, String> meta) throws CheckpointFormatException {
        if (!isDescribed(meta)) {
            throw new CheckpointFormatException(file, "it does not record its architecture (no '"
                    + CheckpointLayout.NETWORK_KEY + "' metadata; written before checkpoints recorded it)");
        }
        try {
            NetworkSpec spec = NetworkSpecJson.read(meta.get(CheckpointLayout.NETWORK_KEY));
            Normalize normalize = null;
            if (meta.containsKey(CheckpointLayout.NORMALIZE_KEY)
                    && Json.parse(meta.get(CheckpointLayout.NORMALIZE_KEY)) instanceof Map<?, ?> norm) {
                normalize = new Normalize(toFloats(norm.get("mean")), toFloats(norm.get("std")));
            }
            List<String> names = new ArrayList<>();
            if (meta.containsKey(CheckpointLayout.CLASS_NAMES_KEY)
                    && Json.parse(meta.get(CheckpointLayout.CLASS_NAMES_KEY)) instanceof List<?> l) {
                l.forEach(o -> names.add(String.valueOf(o)));
            }
            Loss.Type loss = meta.containsKey(CheckpointLayout.LOSS_KEY)
                    ? Loss.Type.parse(meta.get(CheckpointLayout.LOSS_KEY)) : Loss.Type.SOFTMAX_CROSS_ENTROPY;
            return new ModelDescription(spec, normalize, names, loss);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new CheckpointFormatException(file, "its model description cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static float[] toFloats(Object o) {
        List<?> l = (List<?>) o;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }
}
