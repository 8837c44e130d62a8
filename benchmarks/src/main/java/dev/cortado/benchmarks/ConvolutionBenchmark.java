package dev.cortado.benchmarks;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step's convolution work on the CPU backend (forward, backward data, backward
 * filter) for the convolution layers of LeNet-5 at batch 64 and CIFAR ResNet-20 at batch 128:
 * steps per second, and GFLOP/s as the secondary result {@code gflop}, counting 2 FLOPs per
 * multiply-add and three passes of N·K·OH·OW·(C/groups)·kh·kw multiply-adds each. (Throughput mode
 * for both: in average-time mode JMH would report the counter as time per GFLOP.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC"})
public class ConvolutionBenchmark {

    /** A convolution layer: input C×H×W, K filters and its spec, at the batch size its network trains with. */
    public enum Layer {
        /** LeNet-5 conv1: 1×28×28 → 6 filters 5×5, padding 2. */
        LENET5_CONV1(64, 1, 28, 28, 6, Conv2dSpec.of(5, 1, 2)),
        /** LeNet-5 conv2: 6×14×14 → 16 filters 5×5. */
        LENET5_CONV2(64, 6, 14, 14, 16, Conv2dSpec.of(5, 1, 0)),
        /** ResNet-20 stem: 3×32×32 → 16 filters 3×3, padding 1. */
        RESNET20_STEM(128, 3, 32, 32, 16, Conv2dSpec.of(3, 1, 1)),
        /** ResNet-20 stage 1: 16×32×32 → 16 filters 3×3. */
        RESNET20_STAGE1(128, 16, 32, 32, 16, Conv2dSpec.of(3, 1, 1)),
        /** ResNet-20 stage 2, first block: 16×32×32 → 32 filters 3×3, stride 2. */
        RESNET20_STAGE2_DOWN(128, 16, 32, 32, 32, Conv2dSpec.of(3, 2, 1)),
        /** ResNet-20 stage 2: 32×16×16 → 32 filters 3×3. */
        RESNET20_STAGE2(128, 32, 16, 16, 32, Conv2dSpec.of(3, 1, 1)),
        /** ResNet-20 stage 3, first block: 32×16×16 → 64 filters 3×3, stride 2. */
        RESNET20_STAGE3_DOWN(128, 32, 16, 16, 64, Conv2dSpec.of(3, 2, 1)),
        /** ResNet-20 stage 3: 64×8×8 → 64 filters 3×3. */
        RESNET20_STAGE3(128, 64, 8, 8, 64, Conv2dSpec.of(3, 1, 1));

        final int batch;
        final int channels;
        final int height;
        final int width;
        final int filters;
        final Conv2dSpec spec;

        Layer(int batch, int channels, int height, int width, int filters, Conv2dSpec spec) {
            this.batch = batch;
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.filters = filters;
            this.spec = spec;
        }

        Shape input() {
            return Shape.nchw(batch, channels, height, width);
        }

        Shape weight() {
            return spec.weightShape(channels, filters);
        }

        Shape output() {
            return spec.outputShape(input(), weight());
        }

        /** FLOPs of forward + backward data + backward filter: each pass is one multiply-add per weight use. */
        double flops() {
            double macs = (double) output().size() * (channels / spec.groups()) * spec.kernelH() * spec.kernelW();
            return 3 * 2 * macs;
        }
    }

    /** Every layer unless -p layer=... picks some. */
    @Param
    public Layer layer;

    /** Worker threads of the CPU backend; 0 for one per core. */
    @Param("0")
    public int threads;

    private Backend backend;
    private ConvolutionOps convolution;
    private Tensor x;
    private Tensor w;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;
    private double flops;

    @Setup(Level.Trial)
    public void setUp() {
        backend = CpuBackends.open(threads);
        convolution = backend.convolution();
        SplittableRandom random = new SplittableRandom(42);
        x = CpuBackends.uniform(backend, layer.input(), random);
        w = CpuBackends.uniform(backend, layer.weight(), random);
        y = backend.allocate(layer.output());
        dy = CpuBackends.uniform(backend, layer.output(), random);
        dx = backend.allocate(layer.input());
        dw = backend.allocate(layer.weight());
        flops = layer.flops();
    }

    @Benchmark
    public void forwardAndBackward(FlopCounter counter) {
        convolution.forward(x, w, layer.spec, y);
        convolution.backwardData(dy, w, layer.spec, dx);
        convolution.backwardFilter(x, dy, layer.spec, dw);
        counter.add(flops);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, y, dy, dx, dw}) {
            t.close();
        }
        backend.close();
    }
}
