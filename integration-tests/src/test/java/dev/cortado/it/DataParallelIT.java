package dev.cortado.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.IdxDataset;
import dev.cortado.distributed.DataParallel;
import dev.cortado.json.Json;
import dev.cortado.models.ModelZoo;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.train.IterationResult;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import dev.cortado.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism on the CPU, the path CI has: two CPU replicas of one thread each against one device
 * of two threads, LeNet-5 on the real Fashion-MNIST with the same global batch.
 */
class DataParallelIT {
    private static final Path DATA = Path.of(System.getProperty("cortado.data.fashion",
            "/usr/share/datasets/fashion-mnist"));

    @TempDir
    Path work;

    /** Losses of the first steps of LeNet-5 (Adam 1e-3, global batch 64) on {@code backends}. */
    private static List<Float> firstLosses(List<Backend> backends, int steps) throws Exception {
        DatasetSplits data = IdxDataset.openDirectory(DATA);
        NetworkSpec spec = NetworkSpecs.from(ModelZoo.load("lenet5", Map.of()));
        TrainingConfig config = TrainingConfig.builder().batchSize(64).maxIterations(steps).seed(42)
                .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(1e-3f)).build();
        List<Float> losses = new ArrayList<>();
        try (DataParallel replicas = DataParallel.build(spec, backends, 42);
             Trainer trainer = Trainer.builder(replicas, data.train()).config(config).listener(new TrainingListener() {
                 @Override
                 public void onIterationEnd(Trainer t, IterationResult r) {
                     losses.add(r.loss());
                 }
             }).build()) {
            trainer.fit();
        } finally {
            backends.forEach(Backend::close);
        }
        return losses;
    }

    /**
     * LeNet-5 has neither batch norm nor dropout: each replica's half of the global batch gives the mean
     * loss and its gradient exactly as one device would (the halving is exact); only the order in which
     * the gradient sums over the 64 samples are rounded differs. So the losses agree to a few float ulps
     * at first, and the difference grows slowly through Adam's updates.
     */
    @Test
    void twoReplicasGiveTheLossesOfOneDeviceForTheFirstSteps() throws Exception {
        List<Float> one = firstLosses(List.of(new CpuBackend(2)), 5);
        List<Float> two = firstLosses(List.of(new CpuBackend(1), new CpuBackend(1)), 5);
        assertEquals(5, two.size());
        for (int i = 0; i < 5; i++) {
            float tolerance = 16 * Math.ulp(one.get(i));
            assertEquals(one.get(i), two.get(i), tolerance, "step " + (i + 1) + ": " + one + " vs " + two);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> train(String name, String... devices) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--model", "lenet5", "--data", DATA.toString(), "--epochs",
                "2", "--threads", "2", "--json", "--checkpoint-dir", work.resolve(name).toString()));
        args.addAll(List.of(devices));
        CortadoJar r = CortadoJar.run(work, args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err());
        return (Map<String, Object>) Json.parse(r.out().strip());
    }

    /** Two epochs of the main job on two CPU replicas end where they end on one device: within 0.3 points. */
    @Test
    void twoEpochsOnTwoCpuReplicasReachTheAccuracyOfOneDevice() throws Exception {
        Map<String, Object> one = train("one", "--backend", "cpu");
        Map<String, Object> two = train("two", "--devices", "cpu,cpu");
        assertEquals("cpu", one.get("backend"));
        assertEquals("cpu,cpu", two.get("backend"));
        double a = ((Number) one.get("test_accuracy")).doubleValue();
        double b = ((Number) two.get("test_accuracy")).doubleValue();
        assertTrue(a > 0.85, "one device: " + a);
        assertEquals(a, b, 0.003, "test accuracy on one device " + a + ", on two replicas " + b);
        System.out.printf("LeNet-5, 2 epochs: one device %.4f (%.0f img/s), two CPU replicas %.4f (%.0f img/s)%n", a,
                ((Number) one.get("train_images_per_second")).doubleValue(), b,
                ((Number) two.get("train_images_per_second")).doubleValue());
    }
}
