package dev.cortado.backend.cpu;

import dev.cortado.backend.LrnSpec;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/**
 * Local response normalization across channels (Krizhevsky et al. 2012, section 3.3), with Caffe's
 * convention of dividing alpha by the window size:
 * {@code b_c = a_c·s_c^-β, s_c = k + α/size·Σ_{|j-c| ≤ size/2} a_j²}, the window clipped at the
 * first and last channel. Work is split over (sample, tile of spatial positions); a tile keeps the
 * window's planes contiguous in memory.
 */
final class CpuLocalResponseNorm {
    /** Spatial positions per tile: the backward pass keeps C tiles of this width per thread. */
    private static final int TILE = 512;
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private final ParallelLoop loop;
    /** Per thread: the scales s and the ratios dy·b/s of one tile, C×TILE each. */
    private final ThreadLocal<float[]> tileWorkspace = ThreadLocal.withInitial(() -> new float[0]);

    CpuLocalResponseNorm(ParallelLoop loop) {
        this.loop = loop;
    }

    void forward(Tensor x, LrnSpec spec, Tensor y) {
        String op = "LRN forward";
        ShapeCheck.rank(op, "x", x, 4);
        ShapeCheck.same(op, "x", x, "y", y);
        float[] xs = HostArrays.of(op, x);
        float[] ys = HostArrays.of(op, y);
        if (x.buffer() == y.buffer()) {
            // Each output channel's window reads its neighbours' inputs, so writing in place would corrupt them.
            throw new IllegalArgumentException(op + ": y must not share memory with x " + x.shape());
        }
        Geometry geo = new Geometry(x);
        loop.forRange(geo.units(), geo.grain(), (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int base = geo.base(u);
                int width = geo.width(u);
                for (int c = 0; c < geo.channels; c++) {
                    int at = base + c * geo.spatial;
                    for (int k = 0; k < width; k++) {
                        float s = scale(xs, base, k, c, geo, spec);
                        ys[at + k] = xs[at + k] * negativePower(s, spec.beta());
                    }
                }
            }
        });
    }

    /**
     * Caffe's LRN backward: {@code da_c = dy_c·s_c^-β - (2αβ/size)·a_c·Σ_{|j-c| ≤ size/2} dy_j·b_j/s_j},
     * the second term being the path from a_c through the scales s_j of its neighbours.
     */
    void backward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx) {
        String op = "LRN backward";
        ShapeCheck.rank(op, "x", x, 4);
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
        float[] xs = HostArrays.of(op, x);
        float[] ys = HostArrays.of(op, y);
        float[] dys = HostArrays.of(op, dy);
        float[] dxs = HostArrays.of(op, dx);
        Geometry geo = new Geometry(x);
        int half = spec.size() / 2;
        float cross = 2f * spec.alpha() * spec.beta() / spec.size();
        int tileFloats = geo.channels * geo.tile;
        loop.forRange(geo.units(), geo.grain(), (u0, u1) -> {
            float[] work = tileWorkspace.get();
            if (work.length < 2 * tileFloats) {
                work = new float[2 * tileFloats];
                tileWorkspace.set(work);
            }
            for (int u = u0; u < u1; u++) {
                int base = geo.base(u);
                int width = geo.width(u);
                for (int c = 0; c < geo.channels; c++) {
                    int at = base + c * geo.spatial;
                    for (int k = 0; k < width; k++) {
                        float s = scale(xs, base, k, c, geo, spec);
                        work[c * geo.tile + k] = s;
                        work[tileFloats + c * geo.tile + k] = dys[at + k] * ys[at + k] / s;
                    }
                }
                for (int c = 0; c < geo.channels; c++) {
                    int at = base + c * geo.spatial;
                    int lo = Math.max(0, c - half);
                    int hi = Math.min(geo.channels - 1, c + half);
                    for (int k = 0; k < width; k++) {
                        float ratioSum = 0;
                        for (int j = lo; j <= hi; j++) {
                            ratioSum += work[tileFloats + j * geo.tile + k];
                        }
                        float s = work[c * geo.tile + k];
                        dxs[at + k] = dys[at + k] * negativePower(s, spec.beta()) - cross * xs[at + k] * ratioSum;
                    }
                }
            }
        });
    }

    /** s_c at spatial offset k of the tile starting at {@code base} (the offset of channel 0). */
    private static float scale(float[] xs, int base, int k, int c, Geometry geo, LrnSpec spec) {
        int half = spec.size() / 2;
        int lo = Math.max(0, c - half);
        int hi = Math.min(geo.channels - 1, c + half);
        float sumSquares = 0;
        for (int j = lo; j <= hi; j++) {
            float a = xs[base + j * geo.spatial + k];
            sumSquares += a * a;
        }
        return spec.k() + spec.alpha() / spec.size() * sumSquares;
    }

    /** s^-β; AlexNet's β = 3/4 takes two square roots instead of a general power. */
    private static float negativePower(float s, float beta) {
        if (beta == 0.75f) {
            double r = Math.sqrt(s);
            return (float) (1 / (r * Math.sqrt(r)));
        }
        return (float) Math.pow(s, -beta);
    }

    /** The split of an NCHW tensor into units of (sample, tile of up to TILE spatial positions). */
    private static final class Geometry {
        final int channels;
        final int spatial;
        final int tile;
        final int tilesPerSample;
        final int batch;

        Geometry(Tensor x) {
            batch = x.shape().batch();
            channels = x.shape().channels();
            spatial = x.shape().spatialSize();
            tile = Math.max(1, Math.min(TILE, spatial));
            tilesPerSample = (spatial + tile - 1) / tile;
        }

        int units() {
            return batch * tilesPerSample;
        }

        int grain() {
            return Math.max(1, GRAIN_ELEMENTS / Math.max(1, tile * channels));
        }

        /** Offset of channel 0, first position of the unit's tile. */
        int base(int unit) {
            int n = unit / tilesPerSample;
            int t = unit % tilesPerSample;
            return n * channels * spatial + t * tile;
        }

        int width(int unit) {
            int t = unit % tilesPerSample;
            return Math.min(tile, spatial - t * tile);
        }
    }
}
