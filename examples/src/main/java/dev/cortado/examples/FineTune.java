package dev.cortado.examples;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Dataset;
import dev.cortado.infer.Classifier;
import dev.cortado.nn.Network;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.train.EvaluationResult;
import dev.cortado.train.Evaluator;
import dev.cortado.train.ModelDescription;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.nio.file.Path;

/**
 * Fine-tunes a trained model on new data: {@link Network#load} rebuilds the network and its weights
 * from a checkpoint alone, a few epochs at a small learning rate adapt it, and the result is saved
 * as a checkpoint that again describes itself. Here the new data are noisier images of the same
 * classes. Run after {@link TrainThenClassify}: {@code FineTune <checkpoint> <output checkpoint>}.
 */
public final class FineTune {
    private FineTune() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FineTune CHECKPOINT OUTPUT");
            System.exit(2);
        }
        Path pretrained = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Dataset noisy = Bars.dataset(256, 170, 4);
        Dataset noisyTest = Bars.dataset(128, 170, 5);
        // The checkpoint's own normalization and class names, so the new data are prepared the same way.
        ModelDescription description = ModelDescription.read(pretrained);
        AugmentationPipeline normalize = AugmentationPipeline.of(description.normalize());

        try (Backend backend = Backends.select("auto", Runtime.getRuntime().availableProcessors());
             Network network = Network.load(pretrained, backend)) {
            EvaluationResult before = Evaluator.evaluate(network, noisyTest, 64, normalize);
            try (Trainer trainer = Trainer.builder(network, noisy)
                    .config(TrainingConfig.builder().epochs(2).batchSize(32)
                            .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.002f)).build())
                    .trainTransform(normalize).evalTransform(normalize)
                    .normalize(description.normalize()).classNames(description.classNames())
                    .build()) {
                trainer.fit();
                trainer.saveCheckpoint(output);
            }
            EvaluationResult after = Evaluator.evaluate(network, noisyTest, 64, normalize);
            System.out.printf("accuracy on the noisier images: %.1f%% before, %.1f%% after fine-tuning%n",
                    100 * before.top1(), 100 * after.top1());
        }

        try (Backend backend = Backends.select("cpu", 2); Classifier c = Classifier.load(output, backend)) {
            System.out.println("the fine-tuned checkpoint classifies " + c.classNames());
        }
    }
}
