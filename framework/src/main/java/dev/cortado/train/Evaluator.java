package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Batch;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
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
        Backend backend = network.backend();
        int classes = network.outputShape().intSize();
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        int k5 = Math.min(5, classes);
        try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false)
                .augmentation(transform).build();
             DeviceBatch device = new DeviceBatch(backend)) {
            Tensor predicted = null;
            float[] predictedHost = new float[0];
            for (Batch batch : loader.epoch()) {
                device.upload(batch);
                Tensor logits = network.forward(device.images(), Mode.EVAL);
                int n = batch.size();
                lossSum += (double) backend.losses().softmaxCrossEntropy(logits, device.labels(), 0f, null) * n;
                top1 += backend.tensors().topKCorrect(logits, device.labels(), 1);
                top5 += backend.tensors().topKCorrect(logits, device.labels(), k5);
                if (predicted == null || predicted.shape().batch() != n) {
                    if (predicted != null) {
                        predicted.close();
                    }
                    predicted = backend.allocate(Shape.of(n));
                    predictedHost = new float[n];
                }
                backend.tensors().argmax(logits, predicted);
                backend.tensors().copyToHost(predicted, predictedHost);
                float[] labels = batch.labels();
                for (int i = 0; i < n; i++) {
                    confusion[(int) labels[i]][(int) predictedHost[i]]++;
                }
            }
            if (predicted != null) {
                predicted.close();
            }
        }
        int samples = data.size();
        return new EvaluationResult(samples, lossSum / samples, (double) top1 / samples, (double) top5 / samples,
                confusion);
    }
}
