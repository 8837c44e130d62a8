package dev.cortado.benchmark;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of one training step's convolution work (forward, backward data, backward filter) on
 * the CPU backend, for the convolution layers of LeNet-5 at batch 64 and CIFAR ResNet-20 at batch 128.
 * Each layer is warmed up (at least W iterations and one second), then timed over R runs; the median is reported with the GFLOP/s it
 * implies, counting 2 FLOPs per multiply-add and three passes of N·K·OH·OW·(C/groups)·kh·kw each.
 *
 * <p>Usage: {@code ConvolutionBenchmark [--threads T] [--warmup W] [--runs R]}.
 */
public final class ConvolutionBenchmark {

    /** One convolution layer: input C×H×W, K filters, and its spec, run at a batch size. */
    record Layer(String network, String name, int batch, int c, int h, int w, int k, Conv2dSpec spec) {
        Shape input() {
            return Shape.nchw(batch, c, h, w);
        }

        Shape weight() {
            return spec.weightShape(c, k);
        }

        Shape output() {
            return spec.outputShape(input(), weight());
        }

        /** FLOPs of forward + backward data + backward filter: each pass is one multiply-add per weight use. */
        double flops() {
            Shape y = output();
            double macs = (double) y.size() * (c / spec.groups()) * spec.kernelH() * spec.kernelW();
            return 3 * 2 * macs;
        }
    }

    static final List<Layer> LAYERS = List.of(
            new Layer("LeNet-5", "conv1 1x28x28 -> 6 5x5 pad 2", 64, 1, 28, 28, 6, Conv2dSpec.of(5, 1, 2)),
            new Layer("LeNet-5", "conv2 6x14x14 -> 16 5x5", 64, 6, 14, 14, 16, Conv2dSpec.of(5, 1, 0)),
            new Layer("ResNet-20", "stem 3x32x32 -> 16 3x3 pad 1", 128, 3, 32, 32, 16, Conv2dSpec.of(3, 1, 1)),
            new Layer("ResNet-20", "stage1 16x32x32 -> 16 3x3", 128, 16, 32, 32, 16, Conv2dSpec.of(3, 1, 1)),
            new Layer("ResNet-20", "stage2 16x32x32 -> 32 3x3 /2", 128, 16, 32, 32, 32, Conv2dSpec.of(3, 2, 1)),
            new Layer("ResNet-20", "stage2 32x16x16 -> 32 3x3", 128, 32, 16, 16, 32, Conv2dSpec.of(3, 1, 1)),
            new Layer("ResNet-20", "stage3 32x16x16 -> 64 3x3 /2", 128, 32, 16, 16, 64, Conv2dSpec.of(3, 2, 1)),
            new Layer("ResNet-20", "stage3 64x8x8 -> 64 3x3", 128, 64, 8, 8, 64, Conv2dSpec.of(3, 1, 1)));

    private static final long WARMUP_NANOS = 1_000_000_000L;

    private ConvolutionBenchmark() {
    }

    public static void main(String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        int warmup = 2;
        int runs = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: ConvolutionBenchmark [--threads T] [--warmup W] [--runs R]");
            }
        }
        try (Backend backend = new CpuBackend(threads)) {
            System.out.printf("Convolution forward + backward data + backward filter on %s, median of %d runs"
                    + " after at least %d warm-up iterations and 1 s%n", backend, runs, warmup);
            System.out.printf("%-10s %-32s %5s %10s %10s %10s%n", "network", "layer", "batch", "GFLOP", "ms/iter",
                    "GFLOP/s");
            for (Layer layer : LAYERS) {
                double ms = medianMillis(backend, layer, warmup, runs);
                System.out.printf("%-10s %-32s %5d %10.3f %10.2f %10.2f%n", layer.network(), layer.name(),
                        layer.batch(), layer.flops() / 1e9, ms, layer.flops() / 1e6 / ms);
            }
        }
    }

    private static double medianMillis(Backend backend, Layer layer, int warmup, int runs) {
        SplittableRandom random = new SplittableRandom(42);
        try (Tensor x = backend.upload(layer.input(), uniform(random, layer.input()));
             Tensor w = backend.upload(layer.weight(), uniform(random, layer.weight()));
             Tensor y = backend.allocate(layer.output());
             Tensor dy = backend.upload(layer.output(), uniform(random, layer.output()));
             Tensor dx = backend.allocate(layer.input());
             Tensor dw = backend.allocate(layer.weight())) {
            ConvolutionOps conv = backend.convolution();
            // At least `warmup` iterations and a second of them, so the JIT has compiled the hot loops.
            long warmupEnd = System.nanoTime() + WARMUP_NANOS;
            for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
                step(conv, layer.spec(), x, w, y, dy, dx, dw);
            }
            backend.synchronize();
            double[] millis = new double[runs];
            for (int r = 0; r < runs; r++) {
                long start = System.nanoTime();
                step(conv, layer.spec(), x, w, y, dy, dx, dw);
                backend.synchronize();
                millis[r] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
        }
    }

    private static void step(ConvolutionOps conv, Conv2dSpec spec, Tensor x, Tensor w, Tensor y, Tensor dy,
                             Tensor dx, Tensor dw) {
        conv.forward(x, w, spec, y);
        conv.backwardData(dy, w, spec, dx);
        conv.backwardFilter(x, dy, spec, dw);
    }

    private static float[] uniform(SplittableRandom random, Shape shape) {
        float[] v = new float[shape.intSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
