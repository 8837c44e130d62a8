package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cortado.backend.Activation;
import dev.cortado.backend.Backend;
import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.LrnSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU normalization, activation, loss and dropout ops split their work over threads by channel, plane,
 * tile or fixed-size block, never in a way that changes the arithmetic: a 1-thread and a 3-thread backend
 * must agree bit for bit. Inputs are sized to exceed each op's parallel grain, so the split really happens.
 */
class NormActThreadCountTest {
    private static final Shape IMAGES = Shape.nchw(8, 16, 32, 32);
    private static CpuBackend serial;
    private static CpuBackend parallel;

    @BeforeAll
    static void start() {
        serial = new CpuBackend(1);
        parallel = new CpuBackend(3);
    }

    @AfterAll
    static void stop() {
        serial.close();
        parallel.close();
    }

    /** Runs {@code op(input tensor, output tensor)} on both backends and compares the outputs exactly. */
    private static void assertSameOnBothBackends(String what, Shape in, float[] x, Shape out,
                                                 BiConsumer<Backend, Tensor[]> op) {
        float[] expected = run(serial, in, x, out, op);
        float[] actual = run(parallel, in, x, out, op);
        assertArrayEquals(expected, actual, what);
    }

    private static float[] run(Backend b, Shape in, float[] x, Shape out, BiConsumer<Backend, Tensor[]> op) {
        try (Tensor xt = b.upload(in, x); Tensor y = b.allocate(out)) {
            op.accept(b, new Tensor[] {xt, y});
            return b.download(y);
        }
    }

    @Test
    void batchNormForwardAndBackward() {
        float[] x = uniform(1, IMAGES.intSize(), -2, 2);
        float[] dy = uniform(2, IMAGES.intSize(), -1, 1);
        Shape c = Shape.of(16);
        assertSameOnBothBackends("batch norm dx", IMAGES, x, IMAGES, (b, t) -> {
            try (Tensor g = b.upload(c, uniform(3, 16, 0.5f, 1.5f)); Tensor beta = b.allocate(c);
                 Tensor rm = b.allocate(c); Tensor rv = b.allocate(c); Tensor y = b.allocate(IMAGES);
                 Tensor sm = b.allocate(c); Tensor si = b.allocate(c); Tensor dyt = b.upload(IMAGES, dy);
                 Tensor dg = b.allocate(c); Tensor db = b.allocate(c)) {
                b.normalization().batchNormTrainingForward(t[0], g, beta, BatchNormSpec.DEFAULT, rm, rv, y, sm, si);
                b.normalization().batchNormBackward(t[0], dyt, g, BatchNormSpec.DEFAULT, sm, si, t[1], dg, db);
            }
        });
    }

    @Test
    void lrnForwardAndBackward() {
        float[] x = uniform(4, IMAGES.intSize(), -2, 2);
        float[] dy = uniform(5, IMAGES.intSize(), -1, 1);
        LrnSpec spec = new LrnSpec(5, 1, 0.75f, 1);
        assertSameOnBothBackends("LRN dx", IMAGES, x, IMAGES, (b, t) -> {
            try (Tensor y = b.allocate(IMAGES); Tensor dyt = b.upload(IMAGES, dy)) {
                b.normalization().lrnForward(t[0], spec, y);
                b.normalization().lrnBackward(t[0], y, dyt, spec, t[1]);
            }
        });
    }

    @Test
    void activationsPreluAndSoftmax() {
        float[] x = uniform(6, IMAGES.intSize(), -4, 4);
        for (Activation a : new Activation[] {Activation.elu(1), Activation.SWISH, Activation.SOFTPLUS}) {
            assertSameOnBothBackends(a.toString(), IMAGES, x, IMAGES, (b, t) -> b.activations().forward(a, t[0], t[1]));
        }
        assertSameOnBothBackends("PReLU dx", IMAGES, x, IMAGES, (b, t) -> {
            try (Tensor s = b.upload(Shape.of(16), uniform(7, 16, 0, 0.5f)); Tensor ds = b.allocate(Shape.of(16))) {
                b.activations().preluBackward(t[0], s, t[0], t[1], ds);
            }
        });
        assertSameOnBothBackends("softmax dx", IMAGES, x, IMAGES, (b, t) -> {
            try (Tensor y = b.allocate(IMAGES)) {
                b.activations().softmaxForward(t[0], y);
                b.activations().softmaxBackward(y, t[0], t[1]);
            }
        });
    }

    @Test
    void lossesAndTheirGradients() {
        // Each loss is a sum over fixed blocks added in block order, so even the float loss is identical.
        Shape logits = Shape.of(1024, 100);
        float[] z = uniform(8, logits.intSize(), -5, 5);
        float[] labels = new float[1024];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 37) % 100;
        }
        float[] targets = uniform(9, IMAGES.intSize(), 0, 1);
        float[] x = uniform(10, IMAGES.intSize(), -3, 3);
        float[][] grads = new float[2][];
        float[][] values = new float[2][];
        for (int k = 0; k < 2; k++) {
            Backend b = k == 0 ? serial : parallel;
            try (Tensor zt = b.upload(logits, z); Tensor y = b.upload(Shape.of(1024), labels);
                 Tensor g = b.allocate(logits); Tensor xt = b.upload(IMAGES, x); Tensor t = b.upload(IMAGES, targets)) {
                values[k] = new float[] {
                    b.losses().softmaxCrossEntropy(zt, y, 0.1f, g),
                    b.losses().binaryCrossEntropyWithLogits(xt, t, null),
                    b.losses().meanSquaredError(xt, t, null),
                };
                grads[k] = b.download(g);
            }
        }
        assertArrayEquals(values[0], values[1], "cross-entropy, binary cross-entropy, mean squared error");
        assertArrayEquals(grads[0], grads[1], "cross-entropy gradient");
    }

    @Test
    void dropoutMask() {
        float[] x = uniform(11, IMAGES.intSize(), -1, 1);
        assertSameOnBothBackends("dropout mask", IMAGES, x, IMAGES, (b, t) -> {
            try (Tensor y = b.allocate(IMAGES)) {
                b.dropout().forward(t[0], 0.4f, 77, t[1], y);
            }
        });
    }
}
