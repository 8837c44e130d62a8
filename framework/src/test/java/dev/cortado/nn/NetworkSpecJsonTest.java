package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Activation;
import dev.cortado.nn.init.Distribution;
import dev.cortado.nn.init.FanMode;
import dev.cortado.nn.init.InitSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecJsonTest {

    /** Every layer record and every initializer, so a new component that does not round-trip fails here. */
    @Test
    void everyLayerKindSurvivesTheRoundTripExactly() {
        NetworkSpec spec = new NetworkSpec(List.of(3, 16, 16), List.of(
                new NodeSpec("conv", new LayerSpec.Conv2d(8, 3, 1, 1, 1, 1, false,
                        new InitSpec.He(Distribution.NORMAL, FanMode.FAN_OUT, 0f), InitSpec.zeros())),
                new NodeSpec("bn", new LayerSpec.BatchNorm(1e-5f, 0.1f)),
                new NodeSpec("act", new LayerSpec.Activation(Activation.Kind.LEAKY_RELU, 0.01f)),
                new NodeSpec("prelu", new LayerSpec.PRelu()),
                new NodeSpec("lrn", new LayerSpec.Lrn(5, 1e-4f, 0.75f, 2f)),
                new NodeSpec("short", new LayerSpec.ZeroPadShortcut(16, 2), List.of("prelu")),
                new NodeSpec("conv2", new LayerSpec.Conv2d(16, 3, 2, 1, 1, 1, true,
                        new InitSpec.Xavier(Distribution.UNIFORM, FanMode.FAN_AVERAGE, 1f), new InitSpec.Normal(0f, 0.01f)),
                        List.of("lrn")),
                new NodeSpec("add", new LayerSpec.Add(), List.of("conv2", "short")),
                new NodeSpec("cat", new LayerSpec.Concat(), List.of("add", "short")),
                new NodeSpec("max", new LayerSpec.MaxPool(2, 2, 0, true)),
                new NodeSpec("avg", new LayerSpec.AvgPool(3, 1, 1, false, false)),
                new NodeSpec("gap", new LayerSpec.GlobalAvgPool()),
                new NodeSpec("flat", new LayerSpec.Flatten()),
                new NodeSpec("drop", new LayerSpec.Dropout(0.5f)),
                new NodeSpec("fc", new LayerSpec.Dense(10, true, new InitSpec.Uniform(-0.1f, 0.1f),
                        new InitSpec.Constant(0.5f))),
                new NodeSpec("prob", new LayerSpec.Softmax())));
        String json = NetworkSpecJson.write(spec);
        assertEquals(spec, NetworkSpecJson.read(json));
        assertTrue(json.contains("\"type\":\"Conv2d\""), json);
    }

    @Test
    void anUnknownLayerTypeNamesTheNodeAndTheKnownTypes() {
        String json = "{\"input\":[1,4,4],\"nodes\":[{\"name\":\"x\",\"layer\":{\"type\":\"Conv3d\"},\"inputs\":[]}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(json));
        assertTrue(e.getMessage().startsWith("node 'x': unknown LayerSpec type 'Conv3d'"), e.getMessage());
        assertTrue(e.getMessage().contains("Dense"), e.getMessage());
    }
}
