package dev.cortado.backend;

import dev.cortado.tensor.Shape;

/**
 * The convolution written as its definition, in double: the seven loops of
 * {@code y[n,k,oy,ox] = Σ_{c,i,j} x[n, g·Cg + c, oy·S − P + i·D, ox·S − P + j·D] · w[k, c, i, j]}
 * with k in group g and out-of-range input cells read as zero. Tests compare the backends with it.
 */
public final class NaiveConvolution {
    private NaiveConvolution() {
    }

    public static double[] forward(float[] x, Shape xs, float[] w, Shape ws, Conv2dSpec s) {
        return withGradients(x, xs, w, ws, new float[s.outputShape(xs, ws).intSize()], s)[0];
    }

    /**
     * {y, dx, dW} for the upstream gradient dy: each product x·w of the sum above also sends w·dy to
     * dx and dy·x to dW, which is the whole of back-propagation through a convolution.
     */
    public static double[][] withGradients(float[] x, Shape xs, float[] w, Shape ws, float[] dy, Conv2dSpec s) {
        Shape ys = s.outputShape(xs, ws);
        int n = xs.batch(), c = xs.channels(), h = xs.dim(2), wd = xs.dim(3);
        int k = ys.channels(), oh = ys.dim(2), ow = ys.dim(3);
        int cg = c / s.groups(), kg = k / s.groups();
        double[] y = new double[ys.intSize()];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < k; o++) {
                int group = o / kg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((b * k + o) * oh + oy) * ow + ox;
                        for (int ci = 0; ci < cg; ci++) {
                            int channel = group * cg + ci;
                            for (int i = 0; i < s.kernelH(); i++) {
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                    int ix = ox * s.strideW() - s.padW() + j * s.dilationW();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        int xi = ((b * c + channel) * h + iy) * wd + ix;
                                        int wi = ((o * cg + ci) * s.kernelH() + i) * s.kernelW() + j;
                                        y[yi] += (double) x[xi] * w[wi];
                                        dx[xi] += (double) w[wi] * dy[yi];
                                        dw[wi] += (double) dy[yi] * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {y, dx, dw};
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
