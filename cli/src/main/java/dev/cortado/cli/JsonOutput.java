package dev.cortado.cli;

import dev.cortado.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one JSON object a {@code --json} command prints on stdout at its end. */
final class JsonOutput {
    private JsonOutput() {
    }

    static void print(PrintWriter out, Map<String, ?> object) {
        out.println(Json.write(finite(object)));
        out.flush();
    }

    /** JSON has no NaN or infinity: a metric that is not a number (no test split, say) becomes null. */
    private static Object finite(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (v instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(String.valueOf(k), finite(x)));
            return copy;
        }
        if (v instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(x -> copy.add(finite(x)));
            return copy;
        }
        return v;
    }
}
