package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Batch;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.data.TestTimeAugmentation;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * Runs a network in inference mode over a dataset: mean cross-entropy, top-1 and top-5 accuracy
 * and the confusion matrix. Only the per-batch scalars and the predicted classes leave the device.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Evaluates on every sample of {@code data}, each passed through {@code transform} (e.g. normalization). */
    public static EvaluationResult evaluate(Network network, Dataset data, int batchSize, AugmentationPipeline transform) {
        return evaluate(network, data, batchSize, transform, 1);
    }

    /** As {@link #evaluate(Network, Dataset, int, AugmentationPipeline)}, the batches filled by {@code workers} threads. */
    public static EvaluationResult evaluate(Network network, Dataset data, int batchSize, AugmentationPipeline transform,
                                            int workers) {
        Backend backend = network.backend();
        int classes = network.outputShape().intSize();
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        int k5 = Math.min(5, classes);
        try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false)
                .augmentation(transform).workers(workers).build();
             DeviceBatch device = new DeviceBatch(backend);
             ReusableTensor predicted = new ReusableTensor(backend::allocate)) {
            float[] predictedHost = new float[0];
            for (Batch batch : loader.epoch()) {
                device.upload(batch);
                Tensor logits = network.forward(device.images(), Mode.EVAL);
                int n = batch.size();
                lossSum += (double) backend.losses().softmaxCrossEntropy(logits, device.labels(), 0f, null) * n;
                top1 += backend.tensors().topKCorrect(logits, device.labels(), 1);
                top5 += backend.tensors().topKCorrect(logits, device.labels(), k5);
                if (predictedHost.length != n) {
                    predictedHost = new float[n];
                }
                Tensor argmax = predicted.get(Shape.of(n));
                backend.tensors().argmax(logits, argmax);
                backend.tensors().copyToHost(argmax, predictedHost);
                float[] labels = batch.labels();
                for (int i = 0; i < n; i++) {
                    confusion[(int) labels[i]][(int) predictedHost[i]]++;
                }
            }
        }
        int samples = data.size();
        return new EvaluationResult(samples, lossSum / samples, (double) top1 / samples, (double) top5 / samples,
                confusion);
    }

    /**
     * Evaluates with test-time augmentation: each sample's {@code tta.count()} views go through the
     * network together, their softmax probabilities are averaged on the device (a GEMM with the
     * averaging matrix), and loss, top-1, top-5 and the confusion matrix come from the averaged
     * probabilities, the loss as -log p̄(label).
     */
    public static EvaluationResult evaluate(Network network, Dataset data, int batchSize, AugmentationPipeline transform,
                                            TestTimeAugmentation tta) {
        Backend backend = network.backend();
        int classes = network.outputShape().intSize();
        int views = tta.count();
        SampleShape viewShape = tta.outputShape(transform.outputShape(data.sampleShape()));
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        float[] expanded = new float[batchSize * views * viewShape.size()];
        float[] scratch = new float[viewShape.size()];
        try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false)
                .augmentation(transform).build()) {
            for (Batch batch : loader.epoch()) {
                int n = batch.size();
                int rows = tta.expand(batch, expanded, scratch);
                try (Tensor input = backend.allocate(viewShape.batchShape(rows));
                     Tensor probabilities = backend.allocate(Shape.of(rows, classes));
                     Tensor averaging = backend.upload(Shape.of(n, rows), averagingMatrix(n, views));
                     Tensor mean = backend.allocate(Shape.of(n, classes))) {
                    backend.tensors().copyFromHost(expanded, 0, input);
                    backend.activations().softmaxForward(network.forward(input, Mode.EVAL), probabilities);
                    backend.blas().gemm(false, false, 1f, averaging, probabilities, 0f, mean);
                    float[] p = backend.download(mean);
                    float[] labels = batch.labels();
                    for (int i = 0; i < n; i++) {
                        int label = (int) labels[i];
                        float target = p[i * classes + label];
                        lossSum -= Math.log(Math.max(target, Float.MIN_NORMAL));
                        int rank = 0;
                        int predicted = 0;
                        for (int c = 0; c < classes; c++) {
                            float v = p[i * classes + c];
                            // The tie rule of TensorOps.topKCorrect: equal scores rank by class index.
                            if (v > target || (v == target && c < label)) {
                                rank++;
                            }
                            if (v > p[i * classes + predicted]) {
                                predicted = c;
                            }
                        }
                        top1 += rank < 1 ? 1 : 0;
                        top5 += rank < 5 ? 1 : 0;
                        confusion[label][predicted]++;
                    }
                }
            }
        }
        int samples = data.size();
        return new EvaluationResult(samples, lossSum / samples, (double) top1 / samples, (double) top5 / samples,
                confusion);
    }

    /** A[i][i·views + v] = 1/views: the mean over each sample's consecutive views. */
    private static float[] averagingMatrix(int n, int views) {
        float[] a = new float[n * n * views];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < views; v++) {
                a[i * n * views + i * views + v] = 1f / views;
            }
        }
        return a;
    }
}
