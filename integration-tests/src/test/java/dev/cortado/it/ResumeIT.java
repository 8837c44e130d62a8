package dev.cortado.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.data.IdxDataset;
import dev.cortado.data.IdxFile;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training stopped at a random moment, by a scheduler's SIGTERM or by a crash (kill -9, with
 * checkpoints every few iterations), and resumed with {@code --resume CK} alone, ends bit-identical
 * to the uninterrupted run: weights, batch-norm buffers and optimizer state.
 */
class ResumeIT {
    private static final Path DATA = Path.of(System.getProperty("cortado.data.fashion",
            "/usr/share/datasets/fashion-mnist"));

    @TempDir
    Path work;

    private Path subset;

    /** Non-default optimizer, rate, augmentation, batch and seed: all must come back from the checkpoint. */
    private String[] run(String dir, String... more) {
        String[] common = {"train", "--model", "lenet5", "--data", subset.toString(), "--batch-size", "50",
            "--backend", "cpu", "--threads", "2", "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.02",
            "--schedule", "multistep", "--milestones", "1", "--augment", "flip", "--seed", "7", "--epochs", "3",
            "--checkpoint-dir", work.resolve(dir).toString()};
        String[] out = Arrays.copyOf(common, common.length + more.length);
        System.arraycopy(more, 0, out, common.length, more.length);
        return out;
    }

    @BeforeEach
    void data() throws Exception {
        subset = work.resolve("subset");
        Files.createDirectories(subset);
        subset(DATA.resolve(IdxDataset.TRAIN_IMAGES + ".gz"), DATA.resolve(IdxDataset.TRAIN_LABELS + ".gz"), 2000,
                subset.resolve(IdxDataset.TRAIN_IMAGES), subset.resolve(IdxDataset.TRAIN_LABELS));
        subset(DATA.resolve(IdxDataset.TEST_IMAGES + ".gz"), DATA.resolve(IdxDataset.TEST_LABELS + ".gz"), 500,
                subset.resolve(IdxDataset.TEST_IMAGES), subset.resolve(IdxDataset.TEST_LABELS));
        CortadoJar straight = CortadoJar.run(work, run("straight"));
        assertEquals(0, straight.exitCode(), straight.err());
    }

    @Test
    void aRunStoppedBySigtermAtARandomMomentResumesBitForBit() throws Exception {
        CortadoJar.Running running = CortadoJar.start(work, run("stopped"));
        // Count from the start of training, when the handler is in place: on a loaded machine the JVM and
        // the data took longer than the 1.2 s this test used to wait first, and the signal came before it.
        long started = System.nanoTime();
        while (running.process().isAlive() && !Files.readString(running.err()).contains("training lenet5")
                && System.nanoTime() - started < 60_000_000_000L) {
            Thread.sleep(20);
        }
        long delay = 200 + new Random().nextInt(2500);
        Thread.sleep(delay);
        running.process().destroy(); // SIGTERM
        CortadoJar stopped = CortadoJar.finish(running);
        String when = "SIGTERM " + delay + " ms into training: " + stopped.err();
        assertTrue(stopped.exitCode() == 143 || stopped.exitCode() == 0, when);
        if (stopped.exitCode() == 143) {
            assertTrue(stopped.err().contains("continue with: cortado train --resume"), when);
        }
        assertNoTemporaryFiles(work.resolve("stopped"));

        CortadoJar resumed = CortadoJar.run(work, "train", "--resume", work.resolve("stopped/last.safetensors").toString());
        assertEquals(0, resumed.exitCode(), when + resumed.err());
        assertSameState(work.resolve("straight/last.safetensors"), work.resolve("stopped/last.safetensors"), when);
    }

    @Test
    void aRunKilledAtARandomMomentResumesFromItsLastMidEpochCheckpointBitForBit() throws Exception {
        Path last = work.resolve("killed/last.safetensors");
        CortadoJar.Running running = CortadoJar.start(work, run("killed", "--checkpoint-every", "7"));
        while (!Files.exists(last) && running.process().isAlive()) {
            Thread.sleep(20);
        }
        long delay = new Random().nextInt(1500);
        Thread.sleep(delay);
        running.process().destroyForcibly(); // kill -9: no handler runs
        CortadoJar.finish(running);
        String when = "kill -9 " + delay + " ms after the first checkpoint";

        CortadoJar resumed = CortadoJar.run(work, "train", "--resume", last.toString());
        assertEquals(0, resumed.exitCode(), when + ": " + resumed.err());
        assertSameState(work.resolve("straight/last.safetensors"), last, when);
    }

    private static void assertSameState(Path expected, Path actual, String when) throws Exception {
        SafeTensorsFile a = SafeTensors.read(expected);
        SafeTensorsFile b = SafeTensors.read(actual);
        assertEquals(a.tensors().keySet(), b.tensors().keySet(), when);
        for (Map.Entry<String, TensorData> e : a.tensors().entrySet()) {
            assertArrayEquals(e.getValue().data(), b.tensors().get(e.getKey()).data(), e.getKey() + " differs; " + when);
        }
        assertEquals("3", b.metadata().get(CheckpointLayout.EPOCH_KEY), when);
    }

    private static void assertNoTemporaryFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            List<Path> left = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(left.isEmpty(), "left behind: " + left);
        }
    }

    /** The first n images and labels of an IDX pair, written as raw IDX files. */
    private static void subset(Path images, Path labels, int n, Path imagesOut, Path labelsOut) throws Exception {
        IdxFile im = IdxFile.read(images, IdxFile.IMAGES_MAGIC);
        IdxFile lb = IdxFile.read(labels, IdxFile.LABELS_MAGIC);
        int h = im.dims()[1];
        int w = im.dims()[2];
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(imagesOut))) {
            out.writeInt(IdxFile.IMAGES_MAGIC);
            out.writeInt(n);
            out.writeInt(h);
            out.writeInt(w);
            out.write(im.data(), 0, n * h * w);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(labelsOut))) {
            out.writeInt(IdxFile.LABELS_MAGIC);
            out.writeInt(n);
            out.write(lb.data(), 0, n);
        }
    }
}
