package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.data.Dataset;
import dev.cortado.data.Normalize;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint written through the library alone rebuilds its network with nothing else. */
class SelfDescribingCheckpointTest {
    private static final Backend CPU = new CpuBackend(2);
    private static final Dataset TRAIN = Synthetic.bars(64, 1);

    @TempDir
    Path dir;

    @AfterAll
    static void closeBackend() {
        CPU.close();
    }

    @Test
    void networkLoadRebuildsTheTrainedNetworkAndItsOutputs() throws Exception {
        Path file = dir.resolve("last.safetensors");
        Normalize norm = new Normalize(new float[] {0.4f}, new float[] {0.2f});
        float[] expected;
        float[] input = new float[2 * 64];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 7) / 7f;
        }
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).normalize(norm).config(TrainingConfig.builder().epochs(1)
                     .batchSize(16).optimizer(OptimizerSpec.defaults(OptimizerType.ADAM)).build()).build()) {
            t.fit();
            t.saveCheckpoint(file);
            try (Tensor x = CPU.upload(net.inputShape(2), input)) {
                expected = CPU.download(net.forward(x, Mode.EVAL));
            }
        }
        try (Network loaded = Network.load(file, CPU); Tensor x = CPU.upload(loaded.inputShape(2), input)) {
            // The same weights on the same backend: the same floats.
            assertArrayEquals(expected, CPU.download(loaded.forward(x, Mode.EVAL)), 0f);
        }
        ModelDescription d = ModelDescription.read(file);
        assertEquals(List.of("top", "bottom", "left", "right"), d.classNames());
        assertArrayEquals(norm.mean(), d.normalize().mean(), 0f);
        assertArrayEquals(norm.std(), d.normalize().std(), 0f);
        assertEquals(List.of(1, 8, 8), d.network().inputShape());
    }

    @Test
    void aFileWithoutItsArchitectureSaysHowToLoadIt() throws Exception {
        Path file = dir.resolve("bare.safetensors");
        SafeTensors.write(file, Map.of("w", new TensorData(dev.cortado.tensor.Shape.of(1), new float[] {1})),
                Map.of("cortado.format", "1"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Network.load(file, CPU));
        assertTrue(e.getMessage().contains("does not record its architecture"), e.getMessage());
    }
}
