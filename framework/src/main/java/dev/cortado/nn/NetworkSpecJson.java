package dev.cortado.nn;

import dev.cortado.json.Json;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link NetworkSpec} as JSON text, the form a checkpoint stores its architecture in. Specs are
 * records all the way down, so the mapping is read off the records themselves: a record becomes an
 * object of its components, a variant of a sealed interface ({@link LayerSpec}, the initializers)
 * carries its simple name under {@code "type"}, enums their constant's name. A new layer record
 * therefore serializes with no change here.
 *
 * <pre>{"input":[1,28,28],"nodes":[{"name":"conv1","layer":{"type":"Conv2d","outChannels":8,...},"inputs":[]}]}</pre>
 */
public final class NetworkSpecJson {
    private static final String TYPE = "type";

    private NetworkSpecJson() {
    }

    public static String write(NetworkSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", spec.inputShape());
        List<Object> nodes = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", n.name());
            node.put("layer", value(n.layer(), LayerSpec.class));
            node.put("inputs", n.inputs());
            nodes.add(node);
        }
        m.put("nodes", nodes);
        return Json.write(m);
    }

    /** @throws IllegalArgumentException naming the node and what is wrong, for text {@link #write} did not produce */
    public static NetworkSpec read(String json) {
        Map<?, ?> m = object(Json.parse(json), "the network");
        List<Integer> input = new ArrayList<>();
        for (Object d : list(m.get("input"), "'input'")) {
            input.add(((Number) d).intValue());
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (Object o : list(m.get("nodes"), "'nodes'")) {
            Map<?, ?> node = object(o, "a node");
            String name = String.valueOf(node.get("name"));
            List<String> inputs = new ArrayList<>();
            for (Object i : list(node.get("inputs"), "node '" + name + "' inputs")) {
                inputs.add(String.valueOf(i));
            }
            try {
                nodes.add(new NodeSpec(name, (LayerSpec) parse(node.get("layer"), LayerSpec.class), inputs));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("node '" + name + "': " + e.getMessage(), e);
            }
        }
        return new NetworkSpec(input, nodes);
    }

    private static Object value(Object v, Class<?> declared) {
        if (v instanceof Record r) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (declared.isInterface()) {
                m.put(TYPE, r.getClass().getSimpleName());
            }
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    m.put(c.getName(), value(c.getAccessor().invoke(r), c.getType()));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + c, e);
                }
            }
            return m;
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        return v;
    }

    private static Object parse(Object json, Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == int.class || raw == Integer.class) {
            return number(json).intValue();
        }
        if (raw == long.class || raw == Long.class) {
            return number(json).longValue();
        }
        if (raw == float.class || raw == Float.class) {
            return number(json).floatValue();
        }
        if (raw == double.class || raw == Double.class) {
            return number(json).doubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (json instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("expected true or false, got " + json);
        }
        if (raw == String.class) {
            return json == null ? null : String.valueOf(json);
        }
        if (json == null) {
            return null;
        }
        if (raw.isEnum()) {
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(json)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("'" + json + "' is not one of " + List.of(raw.getEnumConstants()));
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (Object o : list(json, "a list")) {
                out.add(parse(o, element));
            }
            return out;
        }
        Map<?, ?> m = object(json, raw.getSimpleName());
        Class<?> record = raw.isInterface() ? variant(raw, m.get(TYPE)) : raw;
        if (!record.isRecord()) {
            throw new IllegalArgumentException("cannot read a " + record.getSimpleName() + " from JSON");
        }
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (!m.containsKey(components[i].getName())) {
                throw new IllegalArgumentException(record.getSimpleName() + " lacks '" + components[i].getName() + "'");
            }
            args[i] = parse(m.get(components[i].getName()), components[i].getGenericType());
        }
        try {
            Constructor<?> canonical = record.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(record.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + record, e);
        }
    }

    private static Class<?> variant(Class<?> sealed, Object name) {
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.getSimpleName().equals(name)) {
                return c;
            }
        }
        List<String> known = new ArrayList<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            known.add(c.getSimpleName());
        }
        throw new IllegalArgumentException("unknown " + sealed.getSimpleName() + " type '" + name + "'; known: " + known);
    }

    private static Number number(Object json) {
        if (json instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("expected a number, got " + json);
    }

    private static Map<?, ?> object(Object json, String what) {
        if (json instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(what + " must be a JSON object, got " + json);
    }

    private static List<?> list(Object json, String what) {
        if (json instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(what + " must be a JSON list, got " + json);
    }
}
