package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTextTest {
    @TempDir
    Path dir;

    @Test
    void utf8TextIsReadAsIs() throws IOException {
        Path file = Files.writeString(dir.resolve("r.yaml"), "epochs: 3\t# Größe\r\n", StandardCharsets.UTF_8);
        assertEquals("epochs: 3\t# Größe\r\n", ConfigText.read(file, "recipe"));
    }

    @Test
    void bytesThatAreNotUtf8AreNotAConfig() throws IOException {
        Path file = Files.write(dir.resolve("w.safetensors"), new byte[] {'{', (byte) 0xC3, (byte) 0x28});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigText.read(file, "recipe"));
        assertEquals(file.toString(), e.source());
        assertTrue(e.getMessage().contains("not a UTF-8 text file") && e.getMessage().contains("recipe"),
                e.getMessage());
    }

    @Test
    void controlCharactersMarkABinaryFile() throws IOException {
        Path file = Files.write(dir.resolve("z.yaml"), new byte[] {'a', ':', ' ', 0, 1});
        assertThrows(ConfigException.class, () -> ConfigText.read(file, "model config"));
    }

    @Test
    void aMissingFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigText.read(dir.resolve("none.yaml"), "recipe"));
        assertTrue(e.getMessage().endsWith("none.yaml: no such recipe file"), e.getMessage());
    }
}
