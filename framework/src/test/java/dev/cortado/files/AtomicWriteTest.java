package dev.cortado.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenFileReplacesTheOldOneAndLeavesNothingBeside() throws IOException {
        Path target = dir.resolve("a.txt");
        Files.writeString(target, "old");
        AtomicWrite.write(target, tmp -> Files.writeString(tmp, "new"));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsTemporary() throws IOException {
        Path target = dir.resolve("a.txt");
        Files.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicWrite.write(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void atExitTheTemporariesOfUnfinishedWritesAreRemoved() throws IOException {
        Path unfinished = AtomicWrite.temporaryFor(dir.resolve("last.safetensors"));
        Files.writeString(unfinished, "a checkpoint cut short by Ctrl-C");
        assertTrue(unfinished.getFileName().toString().startsWith(".last.safetensors."));
        AtomicWrite.removePending();
        assertFalse(Files.exists(unfinished));
    }

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
