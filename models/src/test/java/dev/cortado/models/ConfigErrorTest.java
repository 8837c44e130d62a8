package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A broken config names the file, the line and the key, like a compiler error. */
class ConfigErrorTest {
    private static ConfigException parse(String text) {
        return assertThrows(ConfigException.class, () -> NetworkSpecs.from(
                ModelConfigParser.parse("net.yaml", new StringReader(text), Map.of())));
    }

    private static void assertNames(ConfigException e, int line, String key) {
        assertEquals("net.yaml", e.source());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("net.yaml:" + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage() + " should name " + key);
    }

    @Test
    void unknownLayerKey() {
        ConfigException e = parse("""
                input: [1, 28, 28]
                layers:
                  - {type: conv, name: c1, out: 4, kernal: 3}
                  - {type: dense, name: fc, units: 10}
                """);
        assertNames(e, 3, "kernal");
    }

    @Test
    void unknownTopLevelKey() {
        ConfigException e = parse("""
                input: [1, 28, 28]
                optimiser: adam
                layers:
                  - {type: dense, name: fc, units: 10}
                """);
        assertNames(e, 2, "optimiser");
    }

    @Test
    void wrongType() {
        ConfigException e = parse("""
                input: [1, 28, 28]
                layers:
                  - {type: conv, name: c1, out: four, kernel: 3}
                  - {type: dense, name: fc, units: 10}
                """);
        assertNames(e, 3, "out");
    }

    @Test
    void unknownLayerType() {
        ConfigException e = parse("""
                input: [1, 28, 28]
                layers:
                  - {type: dense, name: fc1, units: 10}
                  - {type: convolution3d, name: c1}
                """);
        assertNames(e, 4, "convolution3d");
    }

    @Test
    void undefinedVariable() {
        ConfigException e = parse("""
                input: [1, 28, 28]
                vars:
                  classes: 10
                layers:
                  - {type: dense, name: fc, units: $clases}
                """);
        assertNames(e, 5, "clases");
    }

    @Test
    void missingBlockParameter() {
        ConfigException e = parse("""
                input: [3, 8, 8]
                blocks:
                  basic:
                    params: [channels, stride]
                    layers:
                      - {type: conv, name: conv, out: $channels, kernel: 3, stride: $stride, padding: 1}
                layers:
                  - {type: repeat, name: stage, block: basic, times: 2, with: {channels: 4}}
                  - {type: globalavgpool, name: pool}
                  - {type: dense, name: fc, units: 10}
                """);
        assertNames(e, 8, "stride");
    }

    @Test
    void unknownCommandLineVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelZoo.load("lenet5", Map.of("clases", "3")));
        assertTrue(e.getMessage().contains("clases") && e.getMessage().contains("lenet5.yaml"), e.getMessage());
    }
}
