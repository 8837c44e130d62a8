package dev.cortado.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Where each of a command's option values comes from: the command line first, then the layers
 * below it (a recipe, the run saved in a checkpoint being resumed), then the option's declared
 * default. The layers name their values by the options' long names, so the command's own option list
 * is the one list of what a recipe or a checkpoint may set.
 */
final class OptionLayers {
    private OptionLayers() {
    }

    /** A set of option values in text form: a recipe file, or the settings a checkpoint saved. */
    interface Layer {
        /** What to call this layer in messages, e.g. "recipe r.yaml". */
        String name();

        /** The text of {@code key}'s value (a String, a List of Strings or a Map of Strings), or null. */
        Object text(String key);

        /** The keys this layer sets. */
        Iterable<String> keys();

        /** An error about {@code key}'s value in this layer, naming where it stands. */
        RuntimeException error(String key, String problem);
    }

    /** An option's name as layers and recipes write it: the long name without dashes ("batch-size"). */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** Whether the user gave {@code option} on the command line. */
    static boolean onCommandLine(CommandSpec spec, OptionSpec option) {
        ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /**
     * Sets each option that the command line left out from the highest of {@code lowToHigh} that has
     * a value for it, and returns which layer each value came from. A key that names no option of
     * the command, or one of {@code notLayered}, is an error of its layer.
     */
    static Map<String, Layer> apply(CommandSpec spec, List<Layer> lowToHigh, java.util.Set<String> notLayered) {
        Map<String, OptionSpec> options = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp() && !notLayered.contains(key(o))) {
                options.put(key(o), o);
            }
        }
        Map<String, Layer> source = new LinkedHashMap<>();
        for (Layer layer : lowToHigh) {
            for (String k : layer.keys()) {
                OptionSpec o = options.get(k);
                if (o == null) {
                    throw layer.error(k, "unknown key; the keys are the long flag names of 'cortado "
                            + spec.name() + "': " + String.join(", ", options.keySet()));
                }
                Object value = convert(o, layer.text(k), layer, k);
                if (!onCommandLine(spec, o)) {
                    o.setValue(value);
                    source.put(k, layer);
                } else if (value instanceof Map<?, ?> beneath) {
                    // Variable overrides add up: the command line's --set wins key by key.
                    Map<Object, Object> merged = new LinkedHashMap<>(beneath);
                    merged.putAll((Map<?, ?>) o.getValue());
                    o.setValue(merged);
                }
            }
        }
        return source;
    }

    /** The value of each option in {@code keys} that is set, as text a {@link Layer} gives back. */
    static Map<String, Object> texts(CommandSpec spec, java.util.Set<String> keys) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (keys.contains(key(o)) && o.getValue() != null) {
                out.put(key(o), text(o.getValue()));
            }
        }
        return out;
    }

    private static Object text(Object value) {
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            list.forEach(v -> out.add(String.valueOf(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
            return out;
        }
        return String.valueOf(value);
    }

    /** {@code text} as the option's type, the same conversions picocli makes of the command line. */
    static Object convert(OptionSpec option, Object text, Layer layer, String key) {
        Class<?> type = option.type();
        if (List.class.isAssignableFrom(type)) {
            Class<?> element = option.auxiliaryTypes()[0];
            List<Object> out = new ArrayList<>();
            for (String part : listOf(text, layer, key)) {
                out.add(scalar(element, part, layer, key));
            }
            return out;
        }
        if (Map.class.isAssignableFrom(type)) {
            if (!(text instanceof Map<?, ?> map)) {
                throw layer.error(key, "expected a mapping of names to values, e.g. {dropout: 0.3}");
            }
            Map<String, String> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
            return out;
        }
        if (!(text instanceof String s)) {
            throw layer.error(key, "expected a single value");
        }
        return scalar(type, s, layer, key);
    }

    /** A list written as a sequence or as one comma-separated value. */
    private static List<String> listOf(Object text, Layer layer, String key) {
        if (text instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(v -> out.add(String.valueOf(v)));
            return out;
        }
        if (!(text instanceof String s)) {
            throw layer.error(key, "expected a list of single values");
        }
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static Object scalar(Class<?> type, String text, Layer layer, String key) {
        String digits = text.strip().replace("_", "");
        try {
            if (type == Integer.class || type == int.class) {
                return Integer.valueOf(digits);
            }
            if (type == Long.class || type == long.class) {
                return Long.valueOf(digits);
            }
            if (type == Double.class || type == double.class) {
                return Double.valueOf(digits);
            }
        } catch (NumberFormatException e) {
            throw layer.error(key, (type == Double.class || type == double.class ? "expected a number"
                    : "expected a whole number") + ", got '" + text + "'");
        }
        if (type == Boolean.class || type == boolean.class) {
            return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw layer.error(key, "expected true or false, got '" + text + "'");
            };
        }
        if (type == Path.class) {
            try {
                return Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw layer.error(key, "not a valid path: " + e.getMessage());
            }
        }
        if (type == String.class) {
            return text;
        }
        throw new IllegalStateException("option --" + key + " has a type layers cannot set: " + type);
    }
}
