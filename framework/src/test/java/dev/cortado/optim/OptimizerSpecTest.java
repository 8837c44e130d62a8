package dev.cortado.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerSpecTest {

    @Test
    void defaultsFollowPyTorch() {
        OptimizerSpec adam = OptimizerSpec.defaults("adam");
        assertEquals(1e-3f, adam.learningRate());
        assertEquals(0.9f, adam.beta1());
        assertEquals(0.999f, adam.beta2());
        assertEquals(1e-8f, adam.epsilon());
        assertEquals(0f, adam.weightDecay());
        assertEquals(0.01f, OptimizerSpec.defaults(OptimizerType.ADAMW).weightDecay());
        assertEquals(1e-10f, OptimizerSpec.defaults(OptimizerType.ADAGRAD).epsilon());
        assertEquals(1.0f, OptimizerSpec.defaults(OptimizerType.ADADELTA).learningRate());
        assertEquals(0.99f, OptimizerSpec.defaults(OptimizerType.RMSPROP).rho());
        assertEquals(0.9f, OptimizerSpec.defaults(OptimizerType.NESTEROV).momentum());
    }

    @Test
    void badValuesNameTheOptimizerTheFieldAndTheValue() {
        assertMessage("optimizer adam: learningRate must be a finite number >= 0, got -0.1",
                () -> OptimizerSpec.defaults("adam").withLearningRate(-0.1f));
        assertMessage("optimizer adam: beta2 must be in [0, 1), got 1.0",
                () -> OptimizerSpec.defaults("adam").withBetas(0.9f, 1f));
        assertMessage("optimizer rmsprop: epsilon must be a finite number >= 0, got NaN",
                () -> OptimizerSpec.defaults("rmsprop").withEpsilon(Float.NaN));
        assertMessage("optimizer adadelta: rho must be in [0, 1], got 1.5",
                () -> OptimizerSpec.defaults("adadelta").withRho(1.5f));
        assertMessage("optimizer sgd: weightDecay must be a finite number >= 0, got -1.0",
                () -> OptimizerSpec.defaults("sgd").withWeightDecay(-1f));
        assertMessage("optimizer sgd: l1Strength must be a finite number >= 0, got Infinity",
                () -> OptimizerSpec.defaults("sgd").withL1Strength(Float.POSITIVE_INFINITY));
        assertMessage("optimizer nesterov: momentum must be > 0, got 0 (use sgd for no momentum)",
                () -> OptimizerSpec.defaults("nesterov").withMomentum(0f));
        assertMessage("optimizer sgd: momentum must be 0, got 0.9 (use momentum or nesterov)",
                () -> OptimizerSpec.defaults("sgd").withMomentum(0.9f));
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertMessage("unknown optimizer 'lion'; expected one of sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw",
                () -> OptimizerType.parse("lion"));
        assertEquals(OptimizerType.ADAMW, OptimizerType.parse(" AdamW "));
    }

    @Test
    void hyperparametersRoundTripThroughJson() {
        OptimizerSpec spec = OptimizerSpec.defaults("adamw").withLearningRate(3e-4f).withBetas(0.85f, 0.995f)
                .withEpsilon(1e-7f).withWeightDecay(0.05f).withL1Strength(1e-5f);
        String text = Json.write(spec.hyperparameters());
        assertEquals("{\"type\":\"adamw\",\"learningRate\":3.0E-4,\"beta1\":0.85,\"beta2\":0.995,\"epsilon\":1.0E-7,"
                + "\"weightDecay\":0.05,\"l1Strength\":1.0E-5}", text);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(text);
        assertEquals(spec, OptimizerSpec.fromHyperparameters(parsed));
    }

    @Test
    void hyperparametersOfMomentumIncludeTheMomentum() {
        OptimizerSpec spec = OptimizerSpec.defaults("momentum").withMomentum(0.95f);
        assertEquals(spec, OptimizerSpec.fromHyperparameters(spec.hyperparameters()));
        assertMessage("optimizer hyperparameters: unknown key 'beta3'",
                () -> OptimizerSpec.fromHyperparameters(Map.of("type", "adam", "beta3", 0.5)));
    }

    private static void assertMessage(String expected, Runnable r) {
        String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
        assertEquals(expected, m);
        assertTrue(!m.isEmpty());
    }
}
