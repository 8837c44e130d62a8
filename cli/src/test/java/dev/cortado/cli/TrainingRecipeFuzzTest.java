package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cortado.models.ConfigException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * Any text given as a training recipe, parsed and layered onto the options of {@code cortado train}
 * as {@code --recipe} does, either sets them or fails with a {@link ConfigException} naming the file,
 * which the command turns into exit 2. Any other exception or a hang is a finding. Without
 * JAZZER_FUZZ this replays the seeds in TrainingRecipeFuzzTestInputs/parse.
 */
class TrainingRecipeFuzzTest {
    private static final String SOURCE = "fuzz-recipe.yaml";

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            TrainingRecipe recipe = TrainingRecipe.parse(SOURCE, Path.of("/recipes"), new StringReader(text));
            CommandLine.Model.CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();
            OptionLayers.apply(train, List.of(recipe), TrainCommand.PER_INVOCATION);
        } catch (ConfigException expected) {
            assertTrue(expected.getMessage().startsWith(SOURCE), expected.getMessage());
        }
    }
}
