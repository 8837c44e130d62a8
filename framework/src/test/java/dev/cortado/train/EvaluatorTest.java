package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Backend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.data.TestTimeAugmentation;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvaluatorTest {
    /**
     * Test-time augmentation with the identity and the mirror image: the prediction is the mean of the
     * two softmax outputs, p̄ = (softmax(f(x)) + softmax(f(flip x)))/2, the loss -log p̄(label), and
     * the class the argmax of p̄. Computed here by hand over the whole set in one batch.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void flipTestTimeAugmentationAveragesTheTwoViewsProbabilities(Backend backend) {
        Dataset data = Synthetic.bars(40, 9);
        SampleShape shape = data.sampleShape();
        int n = data.size();
        float[] x = new float[n * shape.size()];
        float[] flipped = new float[x.length];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.read(i, x, i * shape.size());
        }
        int h = shape.height();
        int w = shape.width();
        for (int plane = 0; plane < n * shape.channels(); plane++) {
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    flipped[(plane * h + row) * w + col] = x[(plane * h + row) * w + (w - 1 - col)];
                }
            }
        }
        try (Network net = Synthetic.convnet(backend, 5)) {
            float[] p = softmax(backend, net, shape.batchShape(n), x);
            float[] q = softmax(backend, net, shape.batchShape(n), flipped);
            double loss = 0;
            int correct = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 0; c < 4; c++) {
                    if (p[i * 4 + c] + q[i * 4 + c] > p[i * 4 + best] + q[i * 4 + best]) {
                        best = c;
                    }
                }
                correct += best == labels[i] ? 1 : 0;
                loss -= Math.log((p[i * 4 + labels[i]] + q[i * 4 + labels[i]]) / 2);
            }
            EvaluationResult r = Evaluator.evaluate(net, data, 16, AugmentationPipeline.identity(),
                    TestTimeAugmentation.identityAndFlip());
            assertEquals(n, r.samples());
            assertEquals((double) correct / n, r.top1(), 0.0);
            // float32 softmax and a float GEMM for the mean: ~1e-6 relative per probability.
            assertEquals(loss / n, r.loss(), 1e-5);
            assertEquals(1.0, r.top5(), 0.0, "4 classes: every label is in the top 5");
        }
    }

    private static float[] softmax(Backend backend, Network net, Shape shape, float[] images) {
        try (Tensor input = backend.upload(shape, images); Tensor p = backend.allocate(Shape.of(shape.batch(), 4))) {
            backend.activations().softmaxForward(net.forward(input, Mode.EVAL), p);
            return backend.download(p);
        }
    }
}
