package dev.cortado.cli;

import dev.cortado.json.Json;
import dev.cortado.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The settings of a training run as its checkpoints record them, so that {@code train --resume CK}
 * alone continues the run exactly: a layer beneath the command line (and beneath a recipe given with
 * the resume). What a resume may change is logged as an override; what it cannot honour (another
 * model) is refused.
 */
final class SavedRunOptions implements OptionLayers.Layer {
    private static final Logger LOG = LogManager.getLogger(SavedRunOptions.class);

    /** The checkpoint metadata entry: a JSON object of option texts by long name. */
    static final String KEY = "cli.options";

    /** What shapes the network, so that the saved weights would not fit another value. */
    private static final Set<String> ARCHITECTURE = Set.of("model", "classes", "input-size", "set");

    private final Path checkpoint;
    private final Map<String, Object> texts;

    private SavedRunOptions(Path checkpoint, Map<String, Object> texts) {
        this.checkpoint = checkpoint;
        this.texts = texts;
    }

    /** The options saved in {@code checkpoint}; none (with a warning) for a checkpoint from before they were. */
    static SavedRunOptions read(Path checkpoint) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserInputException("--resume " + checkpoint + ": no such checkpoint file; pass the last.safetensors"
                    + " of the run to continue");
        }
        String json = TrainingCheckpoint.metadata(checkpoint).get(KEY);
        Map<String, Object> texts = new LinkedHashMap<>();
        if (json == null) {
            LOG.warn("{} does not record its run's settings (written by an older Cortado); give every flag of the "
                    + "interrupted run again", checkpoint);
        } else if (Json.parse(json) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> texts.put(String.valueOf(k), v));
        } else {
            throw new UserInputException(checkpoint + ": checkpoint metadata '" + KEY + "' is not a JSON object");
        }
        return new SavedRunOptions(checkpoint, texts);
    }

    /** The metadata entry recording {@code command}'s option values in {@code keys}. */
    static String metadata(CommandSpec command, Set<String> keys) {
        return Json.write(OptionLayers.texts(command, keys));
    }

    /**
     * Logs each value given with the resume that differs from the saved run's, and refuses those the
     * saved weights cannot follow. {@code sources} says which layer set each option not given on the
     * command line.
     */
    void checkOverrides(CommandSpec command, Map<String, OptionLayers.Layer> sources) {
        for (OptionSpec o : command.options()) {
            String key = OptionLayers.key(o);
            Object saved = texts.get(key);
            boolean given = OptionLayers.onCommandLine(command, o) || sources.containsKey(key) && sources.get(key) != this;
            if (!given || saved == null) {
                continue;
            }
            Object now = OptionLayers.convert(o, saved, this, key);
            if (Objects.equals(now, o.getValue())) {
                continue;
            }
            String flag = "--" + key + " '" + display(o.getValue()) + "'";
            if (ARCHITECTURE.contains(key)) {
                throw new UserInputException(flag + ": the checkpoint " + checkpoint + " holds a run with --" + key
                        + " '" + display(now) + "', and a resumed run keeps its architecture; to train another one from"
                        + " these weights start a new run with --init-weights " + checkpoint);
            }
            LOG.info("resuming with {} instead of the saved run's '{}'", flag, display(now));
        }
    }

    private static String display(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(value);
    }

    @Override
    public String name() {
        return "checkpoint " + checkpoint;
    }

    @Override
    public Object text(String key) {
        return texts.get(key);
    }

    @Override
    public Iterable<String> keys() {
        return texts.keySet();
    }

    @Override
    public UserInputException error(String key, String problem) {
        return new UserInputException(checkpoint + ": saved option '" + key + "': " + problem);
    }
}
