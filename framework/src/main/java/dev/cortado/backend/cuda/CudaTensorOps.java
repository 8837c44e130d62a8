package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.PixelNormalization;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.backend.TensorOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/** Copies through pinned staging, cuBLAS for scal and axpy, kernels of tensor_ops.cu for the rest. */
final class CudaTensorOps implements TensorOps {
    private final CudaContext ctx;
    private final CudaReductions reductions;

    CudaTensorOps(CudaContext ctx, CudaReductions reductions) {
        this.ctx = ctx;
        this.reductions = reductions;
    }

    @Override
    public void copyFromHost(float[] source, int offset, Tensor destination) {
        ShapeCheck.hostRange("copyFromHost", source, offset, destination);
        ctx.staging.upload(source, offset, destination.shape().intSize(), ptr(destination));
    }

    /**
     * The pixels and the channel statistics go up in one pooled buffer (stats first, then bytes), and
     * normalize_pixels writes the floats: four times less host-to-device traffic than a float batch.
     */
    @Override
    public void normalizePixels(byte[] pixels, int offset, float[] mean, float[] std, Tensor destination) {
        PixelNormalization.check("normalizePixels", pixels, offset, mean, std, destination);
        int n = destination.shape().intSize();
        int channels = mean.length;
        float[] stats = new float[2 * channels];
        System.arraycopy(mean, 0, stats, 0, channels);
        System.arraycopy(std, 0, stats, channels, channels);
        try (CudaBuffer buffer = ctx.memory.allocate(stats.length + (n + Float.BYTES - 1) / Float.BYTES,
                "normalizePixels")) {
            Pointer bytes = buffer.pointer().withByteOffset((long) stats.length * Float.BYTES);
            ctx.staging.upload(stats, 0, stats.length, buffer.pointer());
            ctx.staging.uploadBytes(pixels, offset, n, bytes);
            ctx.kernels.launch("normalizePixels", Kernel.NORMALIZE_PIXELS, n, bytes, ptr(destination), (long) n,
                    channels, (long) destination.shape().spatialSize(), buffer.pointer());
        }
    }

    @Override
    public void copyToHost(Tensor source, float[] destination, int offset) {
        ShapeCheck.hostRange("copyToHost", destination, offset, source);
        ctx.staging.download(ptr(source), destination, offset, source.shape().intSize());
    }

    @Override
    public void copy(Tensor source, Tensor destination) {
        ShapeCheck.sameSize("copy", "source", source, "destination", destination);
        CudaCalls.runtime("copy", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(ptr(destination), ptr(source),
                source.size() * Float.BYTES, cudaMemcpyKind.cudaMemcpyDeviceToDevice, ctx.stream));
    }

    @Override
    public void fill(Tensor t, float value) {
        ctx.kernels.launch("fill", Kernel.FILL, t.size(), ptr(t), t.size(), value);
    }

    private static int blasLength(String op, Tensor t) {
        if (t.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": cuBLAS takes at most 2^31-1 elements, tensor " + t.shape()
                    + " has " + t.size());
        }
        return (int) t.size();
    }

    @Override
    public void scale(Tensor t, float alpha) {
        int n = blasLength("scale", t);
        CudaCalls.cublas("scale", "cublasSscal", () -> JCublas2.cublasSscal(ctx.cublas, n,
                Pointer.to(new float[] {alpha}), ptr(t), 1));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        ShapeCheck.same("axpy", "x", x, "y", y);
        int n = blasLength("axpy", x);
        CudaCalls.cublas("axpy", "cublasSaxpy", () -> JCublas2.cublasSaxpy(ctx.cublas, n,
                Pointer.to(new float[] {alpha}), ptr(x), 1, ptr(y), 1));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        ShapeCheck.same("add", "a", a, "b", b);
        ShapeCheck.same("add", "a", a, "out", out);
        ctx.kernels.launch("add", Kernel.ADD, a.size(), ptr(a), ptr(b), ptr(out), a.size());
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        ShapeCheck.same("multiply", "a", a, "b", b);
        ShapeCheck.same("multiply", "a", a, "out", out);
        ctx.kernels.launch("multiply", Kernel.MULTIPLY, a.size(), ptr(a), ptr(b), ptr(out), a.size());
    }

    @Override
    public void clamp(Tensor t, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: bounds [" + lo + ", " + hi + "] for " + t
                    + " are not an interval; lo must be at most hi");
        }
        ctx.kernels.launch("clamp", Kernel.CLAMP, t.size(), ptr(t), t.size(), lo, hi);
    }

    @Override
    public void addChannelBias(Tensor y, Tensor bias) {
        requireChannelAxis("addChannelBias", "y", y);
        ShapeCheck.perChannel("addChannelBias", "bias", bias, y);
        ctx.kernels.launch("addChannelBias", Kernel.ADD_CHANNEL_BIAS, y.size(), ptr(y), ptr(bias), y.size(),
                y.shape().channels(), (long) y.shape().spatialSize());
    }

    @Override
    public void channelBiasGradient(Tensor dy, Tensor db) {
        requireChannelAxis("channelBiasGradient", "dy", dy);
        ShapeCheck.perChannel("channelBiasGradient", "db", db, dy);
        ctx.kernels.launchBlocks("channelBiasGradient", Kernel.CHANNEL_BIAS_GRADIENT, dy.shape().channels(),
                ptr(dy), ptr(db), (long) dy.shape().batch(), dy.shape().channels(), (long) dy.shape().spatialSize());
    }

    private static void requireChannelAxis(String op, String name, Tensor t) {
        if (t.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": " + name + " must be [N, C, ...] with rank at least 2, got "
                    + t.shape());
        }
    }

    /** The CPU backend's checks and messages: parts agree with the whole outside dimension 1 and fill its channels. */
    private static void checkChannelParts(String op, String partsName, List<Tensor> parts, String wholeName,
                                          Tensor whole) {
        requireChannelAxis(op, wholeName, whole);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(op + ": " + partsName + " is empty; give at least one tensor");
        }
        Shape w = whole.shape();
        long total = 0;
        StringBuilder shapes = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            Shape p = parts.get(i).shape();
            if (p.rank() != w.rank() || !p.withChannels(w.channels()).equals(w)) {
                throw new ShapeMismatchException(op + ": " + partsName + "[" + i + "] " + p + " and " + wholeName
                        + " " + w + " must agree in every dimension but 1");
            }
            total += p.channels();
            shapes.append(i == 0 ? "" : " + ").append(p);
        }
        if (total != w.channels()) {
            throw new ShapeMismatchException(op + ": " + partsName + " " + shapes + " have " + total
                    + " channels together but " + wholeName + " " + w + " has " + w.channels());
        }
    }

    private void channels(String op, List<Tensor> parts, Tensor whole, boolean toWhole) {
        int offset = 0;
        for (Tensor p : parts) {
            ctx.kernels.launch(op, Kernel.COPY_CHANNELS, p.size(), ptr(whole), ptr(p), (long) whole.shape().batch(),
                    whole.shape().channels(), p.shape().channels(), offset, (long) whole.shape().spatialSize(),
                    toWhole ? 1 : 0);
            offset += p.shape().channels();
        }
    }

    @Override
    public void concatChannels(List<Tensor> inputs, Tensor out) {
        checkChannelParts("concatChannels", "inputs", inputs, "out", out);
        channels("concatChannels", inputs, out, true);
    }

    @Override
    public void splitChannels(Tensor input, List<Tensor> outputs) {
        checkChannelParts("splitChannels", "outputs", outputs, "input", input);
        channels("splitChannels", outputs, input, false);
    }

    @Override
    public float sum(Tensor t) {
        return (float) reductions.reduce("sum", CudaReductions.SUM, t);
    }

    @Override
    public float mean(Tensor t) {
        if (t.size() == 0) {
            throw new IllegalArgumentException("mean: tensor " + t + " is empty; the mean of no elements is undefined");
        }
        return (float) (reductions.reduce("mean", CudaReductions.SUM, t) / t.size());
    }

    @Override
    public float max(Tensor t) {
        if (t.size() == 0) {
            throw new IllegalArgumentException("max: tensor " + t + " is empty; the maximum of no elements is undefined");
        }
        return (float) reductions.reduce("max", CudaReductions.MAX, t);
    }

    @Override
    public void argmax(Tensor x, Tensor out) {
        ShapeCheck.rank("argmax", "x", x, 2);
        ShapeCheck.require("argmax", "out", out, Shape.of(x.shape().dim(0)));
        if (x.shape().dim(1) == 0) {
            throw new IllegalArgumentException("argmax: x " + x.shape() + " has no classes to choose from");
        }
        ctx.kernels.launch("argmax", Kernel.ARGMAX_ROWS, x.shape().dim(0), ptr(x), (long) x.shape().dim(0),
                x.shape().dim(1), ptr(out));
    }

    @Override
    public int topKCorrect(Tensor scores, Tensor labels, int k) {
        ShapeCheck.rank("topKCorrect", "scores", scores, 2);
        int n = scores.shape().dim(0);
        ShapeCheck.require("topKCorrect", "labels", labels, Shape.of(n));
        if (k < 1) {
            throw new IllegalArgumentException("topKCorrect: k must be at least 1, got " + k);
        }
        try (Tensor hits = Tensor.owning(Shape.of(Math.max(1, n)), ctx.memory.allocate(Math.max(1, n), "topKCorrect"))) {
            ctx.kernels.launch("topKCorrect", Kernel.TOPK_HITS, n, ptr(scores), ptr(labels), (long) n,
                    scores.shape().dim(1), k, ptr(hits));
            double correct = reductions.reduce("topKCorrect", CudaReductions.SUM, hits);
            if (Double.isNaN(correct)) {
                // the kernel marks a row whose label is not a class index with NaN; name it as the CPU does
                float[] y = new float[n];
                ctx.staging.download(ptr(labels), y, 0, n);
                for (int row = 0; row < n; row++) {
                    int c = (int) y[row];
                    if (c != y[row] || c < 0 || c >= scores.shape().dim(1)) {
                        throw new IllegalArgumentException("topKCorrect: label " + y[row] + " of row " + row
                                + " is not a class index for scores " + scores.shape() + " (expected an integer in [0, "
                                + scores.shape().dim(1) + "))");
                    }
                }
            }
            return (int) Math.round(correct);
        }
    }

    @Override
    public float globalL2Norm(List<Tensor> tensors) {
        double total = 0;
        for (double s : reductions.reduce("globalL2Norm", CudaReductions.SUM_SQUARES, tensors)) {
            total += s;
        }
        return (float) Math.sqrt(total);
    }
}
