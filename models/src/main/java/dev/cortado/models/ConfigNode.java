package dev.cortado.models;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A node of a YAML config with its file and line, so that every read can fail with a message that
 * points at the offending key. Scalars written {@code $name} are variables resolved in a
 * {@link ConfigScope} (block parameters, then the file's {@code vars}).
 */
public final class ConfigNode {
    private final String source;
    private final String key;
    private final Node node;
    private final ConfigScope scope;

    ConfigNode(String source, String key, Node node, ConfigScope scope) {
        this.source = source;
        this.key = key;
        this.node = node;
        this.scope = scope;
    }

    public String source() {
        return source;
    }

    public String key() {
        return key;
    }

    /** 1-based line in the file, or 0 for values given on the command line. */
    public int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** A value given outside any file, such as a {@code --set} override on the command line. */
    static ConfigNode literal(String source, String key, String value) {
        return new ConfigNode(source, key, new ScalarNode(org.yaml.snakeyaml.nodes.Tag.STR, value, null, null,
                org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN), null);
    }

    /** The same node read in another scope (a block body expanded with its arguments). */
    ConfigNode in(ConfigScope other) {
        return new ConfigNode(source, key, node, other);
    }

    public ConfigException error(String message) {
        return new ConfigException(source, line(), "key '" + key + "': " + message);
    }

    /** How many variables may stand for one another before a value: more means a cycle ($a: $b, $b: $a). */
    private static final int MAX_INDIRECTIONS = 64;

    /** This node, or the node its {@code $variable} stands for. */
    private ConfigNode resolved() {
        ConfigNode r = this;
        for (int hops = 0; r.node instanceof ScalarNode s && s.getValue().startsWith("$"); hops++) {
            String name = s.getValue().substring(1);
            if (hops == MAX_INDIRECTIONS) {
                throw error("variable $" + name + " refers to itself through other variables; give it a value");
            }
            ConfigNode value = r.scope == null ? null : r.scope.lookup(name);
            if (value == null) {
                throw r.error("variable $" + name + " is not defined here"
                        + (r.scope == null ? "" : "; defined: " + r.scope.names()));
            }
            r = value;
        }
        return r;
    }

    public boolean isMapping() {
        return resolved().node instanceof MappingNode;
    }

    public boolean isSequence() {
        return resolved().node instanceof SequenceNode;
    }

    /** The entries of a mapping, in file order. */
    public Map<String, ConfigNode> entries() {
        ConfigNode r = resolved();
        if (!(r.node instanceof MappingNode m)) {
            throw error("expected a mapping of keys to values, got " + describe(r.node));
        }
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new ConfigException(source, t.getKeyNode().getStartMark().getLine() + 1,
                        "keys of '" + key + "' must be plain names");
            }
            if (out.put(k.getValue(), new ConfigNode(source, k.getValue(), t.getValueNode(), scope)) != null) {
                throw new ConfigException(source, k.getStartMark().getLine() + 1,
                        "key '" + k.getValue() + "' appears twice in '" + key + "'");
            }
        }
        return out;
    }

    /** The entries of a mapping, failing on the first key not in {@code allowed}. */
    public Map<String, ConfigNode> entries(Collection<String> allowed) {
        Map<String, ConfigNode> e = entries();
        for (ConfigNode child : e.values()) {
            if (!allowed.contains(child.key)) {
                throw child.error("unknown key in '" + key + "'; expected one of " + new TreeSet<>(allowed));
            }
        }
        return e;
    }

    public List<ConfigNode> elements() {
        ConfigNode r = resolved();
        if (!(r.node instanceof SequenceNode s)) {
            throw error("expected a list, got " + describe(r.node));
        }
        List<ConfigNode> out = new ArrayList<>();
        for (Node n : s.getValue()) {
            out.add(new ConfigNode(source, key, n, scope));
        }
        return out;
    }

    public String string() {
        ConfigNode r = resolved();
        if (!(r.node instanceof ScalarNode s)) {
            throw error("expected a single value, got " + describe(r.node));
        }
        return s.getValue();
    }

    public int integer() {
        String v = string();
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("expected a whole number, got '" + v + "'");
        }
    }

    public long longInteger() {
        String v = string();
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("expected a whole number, got '" + v + "'");
        }
    }

    public int positiveInteger() {
        int v = integer();
        if (v < 1) {
            throw error("expected a positive whole number, got " + v);
        }
        return v;
    }

    public float number() {
        String v = string();
        try {
            return Float.parseFloat(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("expected a number, got '" + v + "'");
        }
    }

    public boolean bool() {
        String v = string();
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("expected true or false, got '" + v + "'");
        };
    }

    /** One of {@code choices}, naming them all when the value is not among them. */
    public String choice(Set<String> choices) {
        String v = string();
        if (!choices.contains(v)) {
            throw error("'" + v + "' is not one of " + new TreeSet<>(choices));
        }
        return v;
    }

    /** A list of whole numbers, or a single one. */
    public List<Integer> integers() {
        List<Integer> out = new ArrayList<>();
        if (isSequence()) {
            for (ConfigNode e : elements()) {
                out.add(e.integer());
            }
        } else {
            out.add(integer());
        }
        return out;
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) n).getValue() + "'";
    }
}
