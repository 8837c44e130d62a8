package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cortado.nn.NetworkSpec;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Any text given as a model config either parses into a network spec or fails with a
 * {@link ConfigException} naming the file, which the command turns into exit 2. Any other exception
 * (a StackOverflowError included), a hang or an expansion out of proportion to the text is a finding.
 * Without JAZZER_FUZZ this replays the seeds in ModelConfigFuzzTestInputs/parse: zoo configs, and
 * the inputs that fuzzing found failing before the parser was fixed.
 */
class ModelConfigFuzzTest {
    private static final String SOURCE = "fuzz.yaml";

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            ModelConfig config = ModelConfigParser.parse(SOURCE, new StringReader(text), Map.of());
            NetworkSpec spec = NetworkSpecs.from(config);
            assertTrue(spec.nodes().size() <= ModelConfigParser.MAX_LAYERS, "layers " + spec.nodes().size());
        } catch (ConfigException expected) {
            assertTrue(expected.getMessage().startsWith(SOURCE), expected.getMessage());
        }
    }
}
