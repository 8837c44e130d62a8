package dev.cortado.examples;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Dataset;
import dev.cortado.data.Normalize;
import dev.cortado.infer.Classifier;
import dev.cortado.infer.Prediction;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.train.CheckpointSaver;
import dev.cortado.train.ProgressDisplay;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a small convnet in code, saves checkpoints, and classifies new images with the best one.
 * The checkpoint holds the architecture, normalization and class names, so {@link Classifier#load}
 * needs nothing else. Run: {@code java --add-modules jdk.incubator.vector -cp ... 
 * dev.cortado.examples.TrainThenClassify [run directory]}.
 */
public final class TrainThenClassify {
    private TrainThenClassify() {
    }

    public static void main(String[] args) throws Exception {
        Path runDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cortado-example");
        Dataset train = Bars.dataset(512, 100, 1);
        Dataset validation = Bars.dataset(128, 100, 2);
        Normalize normalize = new Normalize(new float[] {0.3f}, new float[] {0.3f});

        // "auto": CUDA when a GPU and its libraries are there, else every CPU core.
        try (Backend backend = Backends.select("auto", Runtime.getRuntime().availableProcessors());
             Network network = NetworkBuilder.input(Shape.of(1, Bars.SIZE, Bars.SIZE))
                     .conv2d("conv1", 8, 3, 1, 1).batchNorm("bn1").relu("relu1").maxPool("pool1", 2, 2)
                     .dense("fc", Bars.CLASSES.size())
                     .build(backend, 42);
             Trainer trainer = Trainer.builder(network, train)
                     .config(TrainingConfig.builder().epochs(3).batchSize(32)
                             .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f)).build())
                     .validationData(validation)
                     .trainTransform(AugmentationPipeline.of(normalize))
                     .evalTransform(AugmentationPipeline.of(normalize))
                     .normalize(normalize)                      // recorded in the checkpoint for inference
                     .listener(ProgressDisplay.onStderr())
                     .listener(new CheckpointSaver(runDir))     // last.safetensors, best.safetensors
                     .build()) {
            trainer.fit();
            System.out.printf("validation accuracy %.1f%%%n", 100 * trainer.lastEpoch().validation().top1());
        }

        try (Backend backend = Backends.select("auto", Runtime.getRuntime().availableProcessors());
             Classifier classifier = Classifier.load(runDir.resolve("best.safetensors"), backend)) {
            SplittableRandom random = new SplittableRandom(3);
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                images.add(Bars.image(i % 4, 100, random));
            }
            int right = 0;
            List<Prediction> predictions = classifier.classifyImages(images);
            for (int i = 0; i < predictions.size(); i++) {
                Prediction.Label best = predictions.get(i).best();
                System.out.printf("image %d (%s): %s %.1f%%%n", i, Bars.CLASSES.get(i % 4), best.name(),
                        100 * best.probability());
                right += best.index() == i % 4 ? 1 : 0;
            }
            System.out.printf("%d of %d right%n", right, predictions.size());
        }
    }
}
