package dev.cortado.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The text of a YAML file the user names (a model config, a training recipe), or a
 * {@link ConfigException} that says the file is not one. A checkpoint or an image passed by mistake
 * would otherwise fail deep in the decoder ("Input length = 1") or in the YAML reader ("special
 * characters are not allowed"), neither of which names the file or the mistake.
 */
public final class ConfigText {
    private ConfigText() {
    }

    /**
     * Reads {@code file} as UTF-8 text.
     *
     * @param what what the file should be, for the message: "model config", "recipe"
     * @throws ConfigException when the file is missing, unreadable, not UTF-8, or holds control
     *                         characters YAML does not allow (those of a binary file)
     */
    public static String read(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, "no such " + what + " file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot read the " + what + ": " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw notText(file, what);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // YAML 1.1 allows tab, line feed and carriage return of the C0 controls, and no DEL.
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F) {
                throw notText(file, what);
            }
        }
        return text;
    }

    private static ConfigException notText(Path file, String what) {
        return new ConfigException(file.toString(), 0, "not a UTF-8 text file, so not a YAML " + what + " (a "
                + "binary file such as a checkpoint or an image?); pass a .yaml " + what);
    }
}
