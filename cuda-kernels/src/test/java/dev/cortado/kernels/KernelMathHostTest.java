package dev.cortado.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels' math, compiled for the host with g++ from the very headers NVRTC compiles for the device
 * ({@code __host__}, {@code __device__} and {@code __forceinline__} defined away), run on random inputs
 * and compared with Java references written beside it: the optimizer updates in float, with the same
 * operations in the same order as the CPU backend's loops (whose results OptimizerConformanceTest pins to
 * the lecture decks' worked values); SplitMix64 and its published test vectors for dropout (the CPU
 * backend's CounterRng draws the same sequence); the stable loss and activation formulas in double; and
 * the element, index, reduction and row rules of tensor_ops.cu. Relative differences must stay under 1e-6
 * (the float updates are in fact bit-identical: IEEE float arithmetic and a correctly rounded sqrt on both
 * sides, no FMA contraction on x86-64 without -march); indices, rules and double sums must match exactly.
 * The block-wide tree reduction itself needs a GPU: the CUDA backend's conformance tests check it there.
 */
class KernelMathHostTest {
    private static final double RELATIVE = 1e-6;
    private static final int SAMPLES = 200;
    /** The headers as the kernels module ships them (its main resources). */
    private static final String HEADERS = "/dev/cortado/kernels/";
    private static Path driver;

    @BeforeAll
    static void compileDriver(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("g++"), "g++ is not installed: the host test of the kernel math headers is skipped");
        for (String name : List.of("cortado_common.cuh", "optimizer_math.cuh", "dropout_rng.cuh", "loss_math.cuh",
                "activation_math.cuh", "tensor_math.cuh")) {
            try (InputStream in = KernelMathHostTest.class.getResourceAsStream(HEADERS + name)) {
                if (in == null) {
                    fail("kernel header " + name + " is missing from the resources under " + HEADERS);
                }
                Files.write(dir.resolve(name), in.readAllBytes());
            }
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
            v[i] = (float) number(parts[i]);
        }
        return v;
    }

    /** A number as printf's %a writes it, nan and inf included (Java spells them NaN and Infinity). */
    private static double number(String text) {
        String t = text.trim();
        if (t.matches("[-+]?nan")) {
            return Double.NaN;
        }
        return Double.parseDouble(t.replace("inf", "Infinity"));
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

    /**
     * The updates of one element in float, each the CPU backend's loop body (CpuOptimizers): the same
     * operations in the same order, the square root correctly rounded as sqrtf. Each returns the weight,
     * then the state values.
     */
    private static final class OptimizerReference {
        static float sqrt(float x) {
            return (float) Math.sqrt(x);
        }

        static float[] sgd(float w, float g, float lr, float wd) {
            float dx = g + wd * w;
            return new float[] {w - lr * dx};
        }

        static float[] momentum(float w, float v, float g, float lr, float rho, boolean nesterov, float wd) {
            float dx = g + wd * w;
            float vNew = rho * v - lr * dx;
            return new float[] {nesterov ? w + (-rho * v + (1 + rho) * vNew) : w + vNew, vNew};
        }

        static float[] adaGrad(float w, float cache, float g, float lr, float eps, float wd) {
            float dx = g + wd * w;
            float c = cache + dx * dx;
            return new float[] {w - lr * dx / (sqrt(c) + eps), c};
        }

        static float[] adaDelta(float w, float sqGrad, float sqDelta, float g, float lr, float rho, float eps,
                                float wd) {
            float dx = g + wd * w;
            float g2 = rho * sqGrad + (1 - rho) * dx * dx;
            float delta = -sqrt(sqDelta + eps) / sqrt(g2 + eps) * dx;
            float d2 = rho * sqDelta + (1 - rho) * delta * delta;
            return new float[] {w + lr * delta, g2, d2};
        }

        static float[] rmsProp(float w, float cache, float g, float lr, float rho, float eps, float wd) {
            float dx = g + wd * w;
            float c = rho * cache + (1 - rho) * dx * dx;
            return new float[] {w - lr * dx / (sqrt(c) + eps), c};
        }

        static float[] adam(float w, float m, float v, float g, float lr, float beta1, float beta2, float eps,
                            float wd, boolean decoupled, float bc1, float bc2) {
            float x = w;
            float dx = g;
            if (decoupled) {
                x = x - lr * wd * x;
            } else {
                dx = dx + wd * x;
            }
            float m1 = beta1 * m + (1 - beta1) * dx;
            float m2 = beta2 * v + (1 - beta2) * dx * dx;
            float mHat = m1 / bc1;
            float vHat = m2 / bc2;
            return new float[] {x - lr * mHat / (sqrt(vHat) + eps), m1, m2};
        }

        static float l1Gradient(float g, float w, float strength) {
            return g + strength * Math.signum(w);
        }
    }

    @Test
    void optimizerUpdatesMatchTheirFloatReferences() throws Exception {
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
            expected.add(OptimizerReference.sgd(w, g, lr, wd));

            for (int nesterov = 0; nesterov < 2; nesterov++) {
                commands.add(cmd("momentum", w, sv, g, lr, rho, nesterov, wd));
                expected.add(OptimizerReference.momentum(w, sv, g, lr, rho, nesterov == 1, wd));
            }

            commands.add(cmd("adagrad", w, st1, g, lr, eps, wd));
            expected.add(OptimizerReference.adaGrad(w, st1, g, lr, eps, wd));

            commands.add(cmd("adadelta", w, st1, st2, g, 1f, rho, 1e-6f, wd));
            expected.add(OptimizerReference.adaDelta(w, st1, st2, g, 1f, rho, 1e-6f, wd));

            commands.add(cmd("rmsprop", w, st1, g, lr, rho, eps, wd));
            expected.add(OptimizerReference.rmsProp(w, st1, g, lr, rho, eps, wd));

            long step = 1 + r.nextInt(1000);
            float b1 = 0.9f;
            float b2 = 0.999f;
            // The kernel receives the bias corrections, computed once per step in double by the host.
            float bc1 = (float) (1 - Math.pow(b1, step));
            float bc2 = (float) (1 - Math.pow(b2, step));
            for (int decoupled = 0; decoupled < 2; decoupled++) {
                commands.add(cmd("adam", w, sv, st1, g, lr, b1, b2, eps, wd, decoupled, bc1, bc2));
                expected.add(OptimizerReference.adam(w, sv, st1, g, lr, b1, b2, eps, wd, decoupled == 1, bc1, bc2));
            }

            commands.add(cmd("l1", g, w, 1e-3f));
            expected.add(new float[] {OptimizerReference.l1Gradient(g, w, 1e-3f)});
        }
        commands.add(cmd("l1", 0.5f, 0f, 1e-3f));
        expected.add(new float[] {0.5f}); // sign(0) = 0: no L1 pull on a zero weight
        check(commands, expected);
    }

    /** SplitMix64's output for state seed + (index+1)·γ (Steele, Lea and Flood 2014), as CounterRng.hash. */
    private static long splitMix64(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * SplitMix64's published test vectors: the first five outputs from seed 1234567 (the reference
     * implementation's), and the first from seed 0. Draw i of the sequence is the kernels' hash of index i.
     */
    @Test
    void dropoutHashIsSplitMix64WithItsPublishedVectors() throws Exception {
        String[] fromSeed1234567 = {"6457827717110365317", "3203168211198807973", "9817491932198370423",
                "4593380528125082431", "16408922859458223821"};
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < fromSeed1234567.length; i++) {
            commands.add(cmd("rng", 1234567, i, 0.5f, 2f));
        }
        commands.add(cmd("rng", 0, 0, 0.5f, 2f));
        List<String> lines = run(commands);
        for (int i = 0; i < fromSeed1234567.length; i++) {
            assertEquals(fromSeed1234567[i], lines.get(i).split(" ")[0], "draw " + i + " from seed 1234567");
            assertEquals(fromSeed1234567[i], Long.toUnsignedString(splitMix64(1234567, i)), "the Java reference too");
        }
        assertEquals(Long.toUnsignedString(0xE220A8397B1DCDAFL), lines.get(5).split(" ")[0], "first draw from seed 0");
    }

    @Test
    void dropoutMaskIsTheTop24BitsOfTheHashAgainstP() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        List<String> commands = new ArrayList<>();
        List<long[]> inputs = new ArrayList<>();
        float p = 0.3f;
        float scale = 1f / (1f - p);
        for (int s = 0; s < SAMPLES; s++) {
            long seed = s < 3 ? s - 1 : r.nextLong();   // includes seed -1: all 64 bits set
            long index = s < 3 ? (1L << 40) + s : r.nextLong(1L << 33);
            commands.add(cmd("rng", Long.toUnsignedString(seed), index, p, scale));
            inputs.add(new long[] {seed, index});
        }
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            long hash = splitMix64(inputs.get(i)[0], inputs.get(i)[1]);
            assertEquals(Long.toUnsignedString(hash), parts[0], commands.get(i));
            float u = (hash >>> 40) * 0x1.0p-24f;
            assertEquals(u, (float) number(parts[1]), 0f, commands.get(i));
            assertEquals(u >= p ? scale : 0f, (float) number(parts[2]), 0f, commands.get(i));
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
     * The label rule of softmax_xent_rows and topk_hits, the CPU backend's (LossOps.checkClassIndices): an
     * integer in [0, classes), NaN and fractions refused; and the NaN the kernels mark a bad row with is a NaN.
     */
    @Test
    void classIndexRuleIsAnIntegerInRange() throws Exception {
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

    // ---- tensor_math.cuh: the math of tensor_ops.cu ----

    /** Same value, NaN included (C prints NaN as nan or -nan; either is a NaN). */
    private static void assertSameFloat(float expected, float actual, String what) {
        if (!(Float.isNaN(expected) && Float.isNaN(actual))) {
            assertEquals(expected, actual, 0f, what);
        }
    }

    /**
     * normalize_pixels gives what the host's Normalize gives a pixel read as b / 255f, bit for bit: every
     * byte value, with dataset statistics and random ones.
     */
    @Test
    void aPixelIsNormalizedAsOnTheHost() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        List<float[]> stats = new ArrayList<>(List.of(new float[] {0.485f, 0.229f}, new float[] {0.2860f, 0.3530f},
                new float[] {0.5f, 0.5f}, new float[] {0f, 1f}));
        for (int s = 0; s < 4; s++) {
            stats.add(new float[] {(float) r.nextDouble(), (float) r.nextDouble(0.01, 1)});
        }
        List<String> commands = new ArrayList<>();
        List<Float> expected = new ArrayList<>();
        for (float[] ms : stats) {
            for (int p = 0; p < 256; p++) {
                commands.add(cmd("normalize_pixel", p, ms[0], ms[1]));
                expected.add((p / 255f - ms[0]) / ms[1]);
            }
        }
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            assertSameFloat(expected.get(i), parse(lines.get(i))[0], commands.get(i));
        }
    }

    @Test
    void clampKeepsNanAndOtherwiseBoundsTheValue() throws Exception {
        SplittableRandom r = new SplittableRandom(13);
        List<float[]> cases = new ArrayList<>(List.of(
                new float[] {Float.NaN, -1f, 1f}, new float[] {Float.POSITIVE_INFINITY, -1f, 1f},
                new float[] {Float.NEGATIVE_INFINITY, -1f, 1f}, new float[] {1f, -1f, 1f}, new float[] {-0f, 0f, 0f}));
        for (int s = 0; s < SAMPLES; s++) {
            float lo = (float) r.nextDouble(-2, 1);
            cases.add(new float[] {(float) r.nextDouble(-3, 3), lo, lo + (float) r.nextDouble(0, 2)});
        }
        List<String> commands = new ArrayList<>();
        for (float[] c : cases) {
            commands.add(cmd("clamp", c[0], c[1], c[2]));
        }
        List<String> lines = run(commands);
        for (int i = 0; i < cases.size(); i++) {
            float v = cases.get(i)[0];
            float lo = cases.get(i)[1];
            float hi = cases.get(i)[2];
            float expected = Float.isNaN(v) ? v : Math.min(Math.max(v, lo), hi);
            assertSameFloat(expected, parse(lines.get(i))[0], commands.get(i));
        }
    }

    /**
     * In a [N, C, S] tensor, channel c's j-th element (j in [0, N·S)) lies in channel c, and walking j over
     * [0, N·S) for every c visits each element exactly once: the per-channel reductions miss and repeat nothing.
     */
    @Test
    void channelIndexingVisitsEachElementOfEachChannelOnce() throws Exception {
        int[][] shapes = {{1, 1, 1}, {2, 3, 4}, {3, 5, 1}, {1, 7, 9}, {4, 2, 6}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int channels = shape[1];
            int spatial = shape[2];
            long size = (long) n * channels * spatial;
            List<String> commands = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < n * spatial; j++) {
                    commands.add(cmd("channel_element", j, c, channels, spatial));
                }
            }
            for (long i = 0; i < size; i++) {
                commands.add(cmd("channel_of", i, channels, spatial));
            }
            List<String> lines = run(commands);
            boolean[] seen = new boolean[(int) size];
            int line = 0;
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < n * spatial; j++) {
                    int element = Integer.parseInt(lines.get(line++));
                    String what = "channel " + c + " element " + j + " of " + Arrays.toString(shape);
                    assertEquals(c, (element / spatial) % channels, what + " lies in its channel");
                    assertFalse(seen[element], what + " is visited once");
                    seen[element] = true;
                }
            }
            for (long i = 0; i < size; i++) {
                assertEquals((i / spatial) % channels, Long.parseLong(lines.get(line++)), "channel of element " + i);
            }
        }
    }

    /** Concatenating parts of 2, 1 and 3 channels along dimension 1 fills the whole once, each part at its offset. */
    @Test
    void partsOfAChannelConcatFillTheWholeOnce() throws Exception {
        int n = 3;
        int spatial = 5;
        int[] partChannels = {2, 1, 3};
        int whole = 6;
        List<String> commands = new ArrayList<>();
        for (int p = 0, offset = 0; p < partChannels.length; offset += partChannels[p], p++) {
            for (long i = 0; i < (long) n * partChannels[p] * spatial; i++) {
                commands.add(cmd("part_in_whole", i, whole, partChannels[p], offset, spatial));
            }
        }
        List<String> lines = run(commands);
        boolean[] seen = new boolean[n * whole * spatial];
        int line = 0;
        for (int p = 0, offset = 0; p < partChannels.length; offset += partChannels[p], p++) {
            for (long i = 0; i < (long) n * partChannels[p] * spatial; i++) {
                int w = Integer.parseInt(lines.get(line++));
                long batch = i / ((long) partChannels[p] * spatial);
                long channel = (i / spatial) % partChannels[p];
                String what = "part " + p + " element " + i;
                assertEquals(batch, w / (whole * spatial), what + ": same batch index");
                assertEquals(offset + channel, (w / spatial) % whole, what + ": channel moved by the offset");
                assertEquals(i % spatial, w % spatial, what + ": same position");
                assertFalse(seen[w], what + " lands where no other element does");
                seen[w] = true;
            }
        }
        assertEquals(seen.length, line, "every element of the whole is filled");
    }

    /**
     * Both passes of a reduction over one partial, against Java in double in the same order: sums exact,
     * the maximum NaN-propagating like Math.max, sums of squares summed as sums; no elements give 0 or -inf.
     */
    @Test
    void reductionsMatchDoubleArithmeticAndPropagateNan() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        List<float[]> inputs = new ArrayList<>(List.of(new float[0], new float[] {-0f},
                new float[] {1f, Float.NaN, 2f}, new float[] {Float.NaN, 1f}, new float[] {3f, Float.NEGATIVE_INFINITY}));
        for (int s = 0; s < 50; s++) {
            float[] x = new float[1 + r.nextInt(40)];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1e3, 1e3);
            }
            inputs.add(x);
        }
        List<String> commands = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        for (float[] x : inputs) {
            for (int op = 0; op < 3; op++) {
                Object[] args = new Object[2 + x.length];
                args[0] = op;
                args[1] = x.length;
                double acc = op == 1 ? Double.NEGATIVE_INFINITY : 0.0;
                for (int i = 0; i < x.length; i++) {
                    args[2 + i] = x[i];
                    double v = x[i];
                    acc = op == 1 ? Math.max(acc, v) : acc + (op == 2 ? v * v : v);
                }
                commands.add(cmd("reduce", args));
                expected.add(acc);
            }
        }
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            double e = expected.get(i);
            double a = number(lines.get(i));
            if (!(Double.isNaN(e) && Double.isNaN(a))) {
                assertEquals(e, a, 0.0, commands.get(i));
            }
        }
    }

    private static Object[] withScores(float[] row, Object... head) {
        Object[] args = new Object[head.length + row.length];
        System.arraycopy(head, 0, args, 0, head.length);
        for (int c = 0; c < row.length; c++) {
            args[head.length + c] = row[c];
        }
        return args;
    }

    /** Rows of 2 to 9 classes over few distinct scores, so that ties are common; every 25th has a NaN. */
    private static List<float[]> rowsWithTies(long seed, boolean withNan) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            float[] row = new float[2 + r.nextInt(8)];
            for (int c = 0; c < row.length; c++) {
                row[c] = r.nextInt(4);
            }
            if (withNan && s % 25 == 0) {
                row[r.nextInt(row.length)] = Float.NaN;
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * argmax takes the first largest score; a top-k hit needs fewer than k classes scoring higher or equal
     * with a lower index. A label that is not a class index gives NaN; a NaN score is never a hit.
     */
    @Test
    void argmaxAndTopKFollowTheCpuBackendsRules() throws Exception {
        SplittableRandom r = new SplittableRandom(19);
        List<String> commands = new ArrayList<>();
        List<Float> expected = new ArrayList<>();
        for (float[] row : rowsWithTies(19, true)) {
            commands.add(cmd("argmax", withScores(row, row.length)));
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            expected.add((float) best);
            for (float label : new float[] {r.nextInt(row.length), best, -1f, row.length, 0.5f, Float.NaN}) {
                int k = 1 + r.nextInt(row.length);
                commands.add(cmd("topk", withScores(row, row.length, label, k)));
                expected.add(topKHit(row, label, k));
            }
        }
        List<String> lines = run(commands);
        for (int i = 0; i < commands.size(); i++) {
            assertSameFloat(expected.get(i), (float) number(lines.get(i)), commands.get(i));
        }
    }

    /** With ties, top-1 must still agree with argmax: a hit exactly for the label argmax names. */
    @Test
    void topOneIsAHitExactlyWhenArgmaxNamesTheLabel() throws Exception {
        List<float[]> rows = rowsWithTies(23, false);
        List<String> commands = new ArrayList<>();
        for (float[] row : rows) {
            commands.add(cmd("argmax", withScores(row, row.length)));
            for (int label = 0; label < row.length; label++) {
                commands.add(cmd("topk", withScores(row, row.length, (float) label, 1)));
            }
        }
        List<String> lines = run(commands);
        int line = 0;
        for (float[] row : rows) {
            int argmax = Integer.parseInt(lines.get(line++));
            for (int label = 0; label < row.length; label++) {
                assertEquals(label == argmax ? 1.0 : 0.0, number(lines.get(line++)),
                        Arrays.toString(row) + ": top-1 of label " + label + " with argmax " + argmax);
            }
        }
    }

    /** The CPU backend's top-k rule: rank = classes scoring higher, or equal with a lower index. */
    private static float topKHit(float[] row, float label, int k) {
        if (!(label >= 0 && label < row.length && label == Math.rint(label))) {
            return Float.NaN;
        }
        int l = (int) label;
        float s = row[l];
        int rank = 0;
        for (int c = 0; c < row.length; c++) {
            if (row[c] > s || (row[c] == s && c < l)) {
                rank++;
            }
        }
        return rank < k && !Float.isNaN(s) ? 1f : 0f;
    }
}
