package dev.cortado.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cortado.files.FuzzFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to the safetensors reader either load, into no more floats than the file holds
 * bytes for, or fail with a {@link CheckpointFormatException}, which the command turns into exit 2.
 * Any other exception, a hang or an allocation out of proportion to the file is a finding. Without
 * JAZZER_FUZZ this replays the seeds in SafeTensorsFuzzTestInputs/read (README, "Fuzzing").
 */
class SafeTensorsFuzzTest {
    private static final Path FILE = FuzzFiles.file("model.safetensors");

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) throws IOException {
        Files.write(FILE, input);
        try {
            SafeTensorsHeader header = SafeTensors.readHeader(FILE);
            SafeTensorsFile file = SafeTensors.read(FILE);
            long floats = file.tensors().values().stream().mapToLong(t -> t.data().length).sum();
            assertTrue(floats * Float.BYTES <= input.length, "read " + floats + " floats from " + input.length + " bytes");
            assertTrue(header.shapes().keySet().equals(file.tensors().keySet()), "header and file agree");
        } catch (CheckpointFormatException expected) {
            assertTrue(expected.getMessage().startsWith(FILE + ": "), expected.getMessage());
        }
    }
}
