package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cortado.backend.Backend;
import dev.cortado.backend.BackendsUnderTest;
import dev.cortado.backend.CounterRng;
import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels' element math, compiled for the host with g++ from the very headers NVRTC compiles for the
 * device ({@code __host__}, {@code __device__} and {@code __forceinline__} defined away), run on random
 * inputs and compared with Java: the optimizer updates with the CPU backend's {@link dev.cortado.backend.OptimizerOps}
 * evaluated in float in the same order, {@link CounterRng} itself for dropout, and the stable loss and
 * activation formulas. Relative differences must stay under 1e-6 (the float updates are in fact
 * bit-identical: IEEE float arithmetic and a correctly rounded sqrt on both sides, no FMA contraction on
 * x86-64 without -march).
 */
class KernelMathHostTest {
    private static final double RELATIVE = 1e-6;
    private static final int SAMPLES = 200;
    private static Path driver;

    @BeforeAll
    static void compileDriver(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("g++"), "g++ is not installed: the host test of the kernel math headers is skipped");
        for (String name : List.of("cortado_common.cuh", "optimizer_math.cuh", "dropout_rng.cuh", "loss_math.cuh",
                "activation_math.cuh")) {
            String text = KernelSources.readResource(name);
            if (text == null) {
                fail("kernel header " + name + " is missing from the cortado-cuda-kernels resources");
            }
            Files.writeString(dir.resolve(name), text);
        }
        try (InputStream in = KernelMathHostTest.class.getResourceAsStream("math_host_driver.cpp")) {
            Files.write(dir.resolve("math_host_driver.cpp"), in.readAllBytes());
        }
        driver = dir.resolve("math_host_driver");
        Process p = new ProcessBuilder("g++", "-std=c++11", "-O1", "-x", "c++", "-D__host__=", "-D__device__=",
                "-D__forceinline__=inline", "-I" + dir, dir.resolve("math_host_driver.cpp").toString(), "-o",
                driver.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("the kernel math headers do not compile as host C++:\n" + log);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs the driver on the commands, one output line per command. */
    private static List<String> run(List<String> commands) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(driver.toString()).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(String.join("\n", commands).concat("\n").getBytes(StandardCharsets.US_ASCII));
        }
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        assertEquals(0, p.waitFor(), () -> "driver failed: " + lines);
        assertEquals(commands.size(), lines.size(), () -> "driver output: " + lines);
        return lines;
    }

    private static String hex(float v) {
        return Float.toHexString(v).replace("Infinity", "inf");
    }

    private static String cmd(String name, Object... args) {
        StringBuilder b = new StringBuilder(name);
        for (Object a : args) {
            b.append(' ').append(a instanceof Float f ? hex(f) : a.toString());
        }
        return b.toString();
    }

    private static float[] parse(String line) {
        String[] parts = line.trim().split(" ");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    private static void assertRelativelyClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            double diff = Math.abs((double) expected[i] - actual[i]);
            if (!(diff <= RELATIVE * scale || diff == 0)) {
                fail(String.format(Locale.ROOT, "%s: output %d is %.9g on the host build of the kernel math but %.9g"
                        + " in Java (relative difference %.3g > %.0e)", what, i, actual[i], expected[i],
                        diff / scale, RELATIVE));
            }
        }
    }

    /** Checks every command's output against its expectation. */
    private static void check(List<String> commands, List<float[]> expected) throws Exception {
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            assertRelativelyClose(commands.get(i), expected.get(i), parse(lines.get(i)));
        }
    }

    /** Runs one update on 1-element tensors of the CPU backend; returns the weight then each state value. */
    private static float[] cpu(java.util.function.Consumer<Tensor[]> update, float w, float g, float... state) {
        Backend b = BackendsUnderTest.reference();
        Tensor[] t = new Tensor[2 + state.length];
        t[0] = b.upload(Shape.of(1), w);
        t[1] = b.upload(Shape.of(1), g);
        for (int i = 0; i < state.length; i++) {
            t[2 + i] = b.upload(Shape.of(1), state[i]);
        }
        update.accept(t);
        float[] out = new float[1 + state.length];
        out[0] = b.download(t[0])[0];
        for (int i = 0; i < state.length; i++) {
            out[1 + i] = b.download(t[2 + i])[0];
        }
        for (Tensor x : t) {
            x.close();
        }
        return out;
    }

    @Test
    void optimizerUpdatesMatchTheCpuBackend() throws Exception {
        OptimizerOps ops = BackendsUnderTest.reference().optimizers();
        SplittableRandom r = new SplittableRandom(42);
        List<String> commands = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            float w = (float) r.nextDouble(-2, 2);
            float g = (float) r.nextDouble(-1, 1);
            float st1 = (float) r.nextDouble(0, 1);
            float st2 = (float) r.nextDouble(0, 1);
            float sv = (float) r.nextDouble(-0.1, 0.1);
            float lr = (float) r.nextDouble(1e-4, 0.1);
            float rho = (float) r.nextDouble(0.5, 0.999);
            float eps = 1e-8f;
            float wd = s % 2 == 0 ? 0f : 5e-4f;

            commands.add(cmd("sgd", w, g, lr, wd));
            expected.add(cpu(t -> ops.sgd(t[0], t[1], new OptimizerUpdate.Sgd(lr, wd)), w, g));

            for (int nesterov = 0; nesterov < 2; nesterov++) {
                boolean n = nesterov == 1;
                commands.add(cmd("momentum", w, sv, g, lr, rho, nesterov, wd));
                expected.add(cpu(t -> ops.momentum(t[0], t[1], t[2], new OptimizerUpdate.Momentum(lr, rho, n, wd)),
                        w, g, sv));
            }

            commands.add(cmd("adagrad", w, st1, g, lr, eps, wd));
            expected.add(cpu(t -> ops.adaGrad(t[0], t[1], t[2], new OptimizerUpdate.AdaGrad(lr, eps, wd)), w, g, st1));

            commands.add(cmd("adadelta", w, st1, st2, g, 1f, rho, 1e-6f, wd));
            expected.add(cpu(t -> ops.adaDelta(t[0], t[1], t[2], t[3], new OptimizerUpdate.AdaDelta(1f, rho, 1e-6f, wd)),
                    w, g, st1, st2));

            commands.add(cmd("rmsprop", w, st1, g, lr, rho, eps, wd));
            expected.add(cpu(t -> ops.rmsProp(t[0], t[1], t[2], new OptimizerUpdate.RmsProp(lr, rho, eps, wd)), w, g, st1));

            long step = 1 + r.nextInt(1000);
            float b1 = 0.9f;
            float b2 = 0.999f;
            // The kernel receives the bias corrections; the CPU backend computes them from the step the same way.
            float bc1 = (float) (1 - Math.pow(b1, step));
            float bc2 = (float) (1 - Math.pow(b2, step));
            for (int decoupled = 0; decoupled < 2; decoupled++) {
                boolean d = decoupled == 1;
                commands.add(cmd("adam", w, sv, st1, g, lr, b1, b2, eps, wd, decoupled, bc1, bc2));
                expected.add(cpu(t -> ops.adam(t[0], t[1], t[2], t[3],
                        new OptimizerUpdate.Adam(lr, b1, b2, eps, wd, d, step)), w, g, sv, st1));
            }

            commands.add(cmd("l1", g, w, 1e-3f));
            // The gradient rides in the state slot, since addL1Gradient writes it: result [w, g + λ·sign(w)].
            float[] l1 = cpu(t -> ops.addL1Gradient(t[0], 1e-3f, t[2]), w, 0f, g);
            expected.add(new float[] {l1[1]});
        }
        commands.add(cmd("l1", 0.5f, 0f, 1e-3f));
        expected.add(new float[] {0.5f}); // sign(0) = 0: no L1 pull on a zero weight
        check(commands, expected);
    }

    @Test
    void dropoutDrawsTheSameMaskAsCounterRng() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        List<String> commands = new ArrayList<>();
        List<long[]> expected = new ArrayList<>();
        float p = 0.3f;
        float scale = 1f / (1f - p);
        for (int s = 0; s < SAMPLES; s++) {
            long seed = s < 3 ? s - 1 : r.nextLong();   // includes seed -1: all 64 bits set
            long index = s < 3 ? (1L << 40) + s : r.nextLong(1L << 33);
            commands.add(cmd("rng", Long.toUnsignedString(seed), index, p, scale));
            expected.add(new long[] {seed, index});
        }
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            long seed = expected.get(i)[0];
            long index = expected.get(i)[1];
            assertEquals(Long.toUnsignedString(CounterRng.hash(seed, index)), parts[0], commands.get(i));
            float u = CounterRng.uniform(seed, index);
            assertEquals(u, Float.parseFloat(parts[1]), 0f, commands.get(i));
            assertEquals(u >= p ? scale : 0f, Float.parseFloat(parts[2]), 0f, commands.get(i));
        }
    }

    @Test
    void softmaxCrossEntropyRowsMatchTheDecksAndAReference() throws Exception {
        List<String> commands = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        // The deck's example: softmax of [14, 11, 16] is [0.1185, 0.0059, 0.8756]; the loss for class 2 is 0.1328.
        commands.add(cmd("xent", 3, 2, 0f, 1f, 14f, 11f, 16f));
        expected.add(xentReference(new float[] {14, 11, 16}, 2, 0f, 1f));
        SplittableRandom r = new SplittableRandom(3);
        for (int s = 0; s < 50; s++) {
            int classes = 2 + r.nextInt(20);
            float[] x = new float[classes];
            for (int c = 0; c < classes; c++) {
                x[c] = (float) r.nextDouble(-30, 30) + (s % 10 == 0 ? 1000f : 0f); // large logits must not overflow
            }
            int label = r.nextInt(classes);
            float smoothing = s % 3 == 0 ? 0.1f : 0f;
            float invBatch = 1f / (1 + r.nextInt(64));
            Object[] args = new Object[4 + classes];
            args[0] = classes;
            args[1] = label;
            args[2] = smoothing;
            args[3] = invBatch;
            for (int c = 0; c < classes; c++) {
                args[4 + c] = x[c];
            }
            commands.add(cmd("xent", args));
            expected.add(xentReference(x, label, smoothing, invBatch));
        }
        List<String> lines = run(commands);
        float[] deck = parse(lines.get(0));
        assertEquals(0.1328, deck[0], 5e-5, "deck's cross-entropy, to its 4 digits");
        assertEquals(0.1185, deck[1], 5e-5);
        assertEquals(0.0059, deck[2], 5e-5);
        assertEquals(0.8756 - 1, deck[3], 5e-5);
        for (int i = 0; i < commands.size(); i++) {
            // Gradient entries near zero come from exp(logp) - t with t > 0: compare them absolutely at 1e-7.
            float[] e = expected.get(i);
            float[] a = parse(lines.get(i));
            for (int j = 0; j < e.length; j++) {
                if (Math.abs(e[j]) < 1e-1 && Math.abs(a[j] - e[j]) <= 1e-7) {
                    a[j] = e[j];
                }
            }
            assertRelativelyClose(commands.get(i), e, a);
        }
    }

    /** -Σ t_c log softmax(x)_c with t = (1-ε)·onehot + ε/C, and (softmax - t)/N, in double. */
    private static float[] xentReference(float[] x, int label, float smoothing, float invBatch) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        float[] out = new float[x.length + 1];
        double loss = 0;
        for (int c = 0; c < x.length; c++) {
            double t = (c == label ? 1 - smoothing : 0) + (double) smoothing / x.length;
            loss -= t * (x[c] - lse);
            out[c + 1] = (float) ((Math.exp(x[c] - lse) - t) * invBatch);
        }
        out[0] = (float) loss;
        return out;
    }

    @Test
    void binaryCrossEntropyAndSquaredErrorMatchTheirFormulas() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        List<String> commands = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            float z = (float) r.nextDouble(-40, 40);
            float t = s % 2 == 0 ? (float) r.nextInt(2) : (float) r.nextDouble();
            float inv = 1f / (1 + r.nextInt(100));
            commands.add(cmd("bce", z, t, inv));
            // softplus(z) - z·t = -[t log σ(z) + (1-t) log(1-σ(z))], in double.
            double loss = Math.max(z, 0) - (double) z * t + Math.log1p(Math.exp(-Math.abs(z)));
            // σ(z) - t with σ's tail e/(1+e) kept separate: 1 - tiny in double would lose the tiny part.
            double tail = Math.exp(-Math.abs(z)) / (1 + Math.exp(-Math.abs(z)));
            double sigmaMinusT = z >= 0 ? (1 - t) - tail : tail - t;
            expected.add(new float[] {(float) loss, (float) (sigmaMinusT * inv)});
            float p = (float) r.nextDouble(-3, 3);
            commands.add(cmd("mse", p, t, inv));
            expected.add(new float[] {(p - t) * (p - t), 2f * (p - t) * inv});
        }
        check(commands, expected);
    }

    @Test
    void customActivationsAndTheirDerivativesMatchTheirFormulas() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        List<String> commands = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            float x = (float) r.nextDouble(-20, 20);
            float alpha = (float) r.nextDouble(0.01, 1.5);
            double sig = 1 / (1 + Math.exp(-x));
            commands.add(cmd("act", 0, alpha, x));
            expected.add(new float[] {x > 0 ? x : alpha * x, x > 0 ? 1 : alpha});
            commands.add(cmd("act", 1, alpha, x));
            expected.add(new float[] {(float) (x > 0 ? x : alpha * Math.expm1(x)), (float) (x > 0 ? 1 : alpha * Math.exp(x))});
            commands.add(cmd("act", 2, alpha, x));
            expected.add(new float[] {(float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))), (float) sig});
            commands.add(cmd("act", 3, alpha, x));
            expected.add(new float[] {(float) (x * sig), (float) (sig * (1 + x * (1 - sig)))});
        }
        check(commands, expected);
    }

    /**
     * The label rule of softmax_xent_rows and topk_hits against the CPU backend's: an integer in
     * [0, classes), NaN and fractions refused; and the NaN the kernels mark a bad row with is a NaN.
     */
    @Test
    void classIndexRuleMatchesTheCpuBackend() throws Exception {
        float[] labels = {0f, 2f, 9f, 10f, -1f, 2.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, 1e10f};
        List<String> commands = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (float label : labels) {
            boolean cpu = label >= 0 && label < 10 && label == Math.rint(label);
            commands.add(cmd("label", label, 10));
            expected.add(new float[] {cpu ? 1f : 0f, 1f});
        }
        check(commands, expected);
    }
}
