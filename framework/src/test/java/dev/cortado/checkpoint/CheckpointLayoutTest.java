package dev.cortado.checkpoint;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointLayoutTest {
    private final Path file = Path.of("runs", "lenet5", "last.safetensors");

    @Test
    void theCurrentVersionIsAccepted() {
        assertDoesNotThrow(() -> CheckpointLayout.requireSupportedFormat(file, Map.of("cortado.format", "1")));
    }

    @Test
    void anotherVersionOrNoneIsRefusedNamingTheFile() {
        CheckpointFormatException newer = assertThrows(CheckpointFormatException.class,
                () -> CheckpointLayout.requireSupportedFormat(file, Map.of("cortado.format", "2")));
        assertEquals(file + ": checkpoint format version 2 is not supported; this Cortado reads version 1", newer.getMessage());
        CheckpointFormatException none = assertThrows(CheckpointFormatException.class,
                () -> CheckpointLayout.requireSupportedFormat(file, Map.of("format", "pt")));
        assertEquals(file + ": no 'cortado.format' in the metadata; not a Cortado training checkpoint "
                + "(weights-only files can be loaded for fine-tuning)", none.getMessage());
    }
}
