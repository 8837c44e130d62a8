package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.nn.MemoryPlan;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.optim.OptimizerType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The memory plan of the zoo's models, from their configs alone: nothing is built or allocated. */
class ModelMemoryPlanTest {
    private static NetworkSpec spec(String name) {
        return NetworkSpecs.from(ModelZoo.load(name, Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.cortado.models.ModelZooTest#references")
    void theGradientsAreOneFloatPerReferenceParameter(String model, long parameters) {
        assertEquals(4 * parameters, MemoryPlan.of(spec(model), 1, OptimizerType.SGD, 1).gradientBytes(), model);
    }

    /**
     * The shipped recipes must of course pass the check on a 24 GiB machine, whose default Java heap is
     * a quarter of it, 6 GiB: LeNet-5 at batch 64 with Adam and ResNet-20 at batch 128 with momentum
     * stay below (with 16 threads' workspace, more than such a machine has). ResNet-20 plans about
     * 2.3 GiB: every layer keeps its output and its input gradient, ~1.8 M floats per 32×32 sample,
     * counted twice for the partial last batch.
     */
    @Test
    void theRecipesFitTheDefaultHeapOfA24GiBMachine() {
        long defaultHeap = (24L << 30) / 4;
        MemoryPlan lenet = MemoryPlan.of(spec("lenet5"), 64, OptimizerType.ADAM, 16);
        MemoryPlan resnet = MemoryPlan.of(spec("resnet20"), 128, OptimizerType.MOMENTUM, 16);
        assertTrue(lenet.totalBytes() < (256L << 20), "LeNet-5 b64: " + MemoryPlan.bytes(lenet.totalBytes()) + ": " + lenet);
        assertTrue(resnet.totalBytes() < (3L << 30), "ResNet-20 b128: " + MemoryPlan.bytes(resnet.totalBytes()) + ": " + resnet);
        assertTrue(lenet.largestBatchThatFits(defaultHeap) > 1000, lenet.toString());
        assertTrue(resnet.largestBatchThatFits(defaultHeap) > 256, resnet.toString());
    }
}
