package dev.cortado.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training interrupted after one epoch and resumed through the command ends bit-identical to an
 * uninterrupted two-epoch run: weights, batch-norm buffers and optimizer state.
 */
class ResumeIT {
    private static final Path DATA = Path.of(System.getProperty("cortado.data.fashion",
            "/usr/share/datasets/fashion-mnist"));

    @TempDir
    Path work;

    @Test
    void resumedRunMatchesTheStraightRun() throws Exception {
        Path subset = work.resolve("subset");
        Files.createDirectories(subset);
        subset(DATA.resolve(IdxDataset.TRAIN_IMAGES + ".gz"), DATA.resolve(IdxDataset.TRAIN_LABELS + ".gz"), 2000,
                subset.resolve(IdxDataset.TRAIN_IMAGES), subset.resolve(IdxDataset.TRAIN_LABELS));
        subset(DATA.resolve(IdxDataset.TEST_IMAGES + ".gz"), DATA.resolve(IdxDataset.TEST_LABELS + ".gz"), 500,
                subset.resolve(IdxDataset.TEST_IMAGES), subset.resolve(IdxDataset.TEST_LABELS));
        String[] common = {"--model", "lenet5", "--data", subset.toString(), "--batch-size", "50", "--backend", "cpu",
                "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.02", "--augment", "flip", "--seed", "7"};

        CortadoJar straight = CortadoJar.run(work, concat(common, "train", "--epochs", "2", "--checkpoint-dir",
                work.resolve("straight").toString()));
        assertEquals(0, straight.exitCode(), straight.err());

        // The same two-epoch run (so the same learning-rate schedule), stopped after its first epoch's
        // 40 iterations as an interrupted run would be, then resumed in a fresh process.
        CortadoJar first = CortadoJar.run(work, concat(common, "train", "--epochs", "2", "--max-iterations", "40",
                "--checkpoint-dir", work.resolve("resumed").toString()));
        assertEquals(0, first.exitCode(), first.err());
        CortadoJar second = CortadoJar.run(work, concat(common, "train", "--epochs", "2", "--resume",
                work.resolve("resumed/last.safetensors").toString()));
        assertEquals(0, second.exitCode(), second.err());

        SafeTensorsFile a = SafeTensors.read(work.resolve("straight/last.safetensors"));
        SafeTensorsFile b = SafeTensors.read(work.resolve("resumed/last.safetensors"));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (Map.Entry<String, TensorData> e : a.tensors().entrySet()) {
            assertArrayEquals(e.getValue().data(), b.tensors().get(e.getKey()).data(), e.getKey() + " differs");
        }
        assertEquals("2", b.metadata().get(CheckpointLayout.EPOCH_KEY));
    }

    private static String[] concat(String[] common, String... head) {
        String[] out = Arrays.copyOf(head, head.length + common.length);
        System.arraycopy(common, 0, out, head.length, common.length);
        return out;
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
