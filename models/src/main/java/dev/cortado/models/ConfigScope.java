package dev.cortado.models;

import java.util.Map;
import java.util.TreeSet;

/** Variables visible where a config node is read: a block's arguments, then the enclosing scopes. */
final class ConfigScope {
    private final Map<String, ConfigNode> values;
    private final ConfigScope parent;

    ConfigScope(Map<String, ConfigNode> values, ConfigScope parent) {
        this.values = values;
        this.parent = parent;
    }

    ConfigNode lookup(String name) {
        ConfigNode v = values.get(name);
        return v != null || parent == null ? v : parent.lookup(name);
    }

    String names() {
        TreeSet<String> all = new TreeSet<>();
        for (ConfigScope s = this; s != null; s = s.parent) {
            all.addAll(s.values.keySet());
        }
        return all.stream().map(n -> "$" + n).toList().toString();
    }
}
