package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileCheckTest {
    @TempDir
    Path dir;

    private Path png() throws IOException {
        Path file = dir.resolve("good.png");
        // Noise compresses badly, so the pixel data is most of the file.
        SplittableRandom random = new SplittableRandom(3);
        int[][] rows = new int[32][32];
        for (int[] row : rows) {
            for (int x = 0; x < row.length; x++) {
                row[x] = random.nextInt(256);
            }
        }
        ImageFolderDatasetTest.writeGray(file, rows);
        return file;
    }

    @Test
    void aGoodImagePassesBothChecks() throws IOException {
        Path good = png();
        assertNull(ImageFileCheck.check(good, false));
        assertNull(ImageFileCheck.check(good, true));
    }

    @Test
    void textIsNoImage() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "hello");
        ImageFileCheck.Problem p = ImageFileCheck.check(text, false);
        assertNotNull(p);
        assertEquals(text, p.file());
        assertTrue(p.reason().contains("not an image"), p.reason());
    }

    @Test
    void aFileCutInItsPixelsPassesTheHeaderCheckOnly() throws IOException {
        byte[] bytes = Files.readAllBytes(png());
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
        assertNull(ImageFileCheck.check(cut, false), "IHDR is intact");
        ImageFileCheck.Problem p = ImageFileCheck.check(cut, true);
        assertNotNull(p);
        assertTrue(p.reason().startsWith("cannot be decoded as PNG"), p.reason());
    }

    @Test
    void aFileCutInItsHeaderFailsTheHeaderCheck() throws IOException {
        byte[] bytes = Files.readAllBytes(png());
        // The 8-byte signature and part of the IHDR chunk: the width is there, the height is not.
        Path cut = Files.write(dir.resolve("stub.png"), Arrays.copyOf(bytes, 20));
        ImageFileCheck.Problem p = ImageFileCheck.check(cut, false);
        assertNotNull(p);
        assertTrue(p.reason().contains("PNG header"), p.reason());
        assertEquals(List.of(p), ImageFileCheck.check(List.of(png(), cut), false));
    }
}
