package dev.cortado.train;

import dev.cortado.data.ByteImageDataset;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small learnable problem for trainer tests: 1×8×8 images of four classes, each a bright bar in
 * one of four places (top, bottom, left, right) on uniform noise. A small convnet separates them
 * within a few dozen iterations.
 */
final class Synthetic {
    private Synthetic() {
    }

    static Dataset bars(int n, long seed) {
        SampleShape shape = new SampleShape(1, 8, 8);
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(4);
            labels[i] = (byte) label;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean bar = switch (label) {
                        case 0 -> y < 2;
                        case 1 -> y >= 6;
                        case 2 -> x < 2;
                        default -> x >= 6;
                    };
                    int v = r.nextInt(100) + (bar ? 140 : 0);
                    pixels[i * 64 + y * 8 + x] = (byte) v;
                }
            }
        }
        return new ByteImageDataset("bars", shape, pixels, labels, 4, List.of("top", "bottom", "left", "right"));
    }

    /** conv 3×3×4 → BN → ReLU → max pool 2 → dropout 0.25 → dense 4: every kind of state a checkpoint keeps. */
    static Network convnet(Backend backend, long seed) {
        return Network.build(convnetSpec(), backend, seed);
    }

    static NetworkSpec convnetSpec() {
        return NetworkBuilder.input(Shape.of(1, 8, 8))
                .conv2d("conv1", 4, 3, 1, 1)
                .batchNorm("bn1")
                .relu("relu1")
                .maxPool("pool1", 2, 2)
                .dropout("drop1", 0.25f)
                .dense("fc", 4)
                .spec();
    }

    /**
     * The convnet without batch norm: a replica's forward pass then depends on its own rows only, so data
     * parallel training follows single-device training to rounding.
     */
    static NetworkSpec convnetWithoutBatchNorm() {
        return NetworkBuilder.input(Shape.of(1, 8, 8))
                .conv2d("conv1", 4, 3, 1, 1)
                .relu("relu1")
                .maxPool("pool1", 2, 2)
                .dropout("drop1", 0.25f)
                .dense("fc", 4)
                .spec();
    }
}
