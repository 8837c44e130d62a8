package dev.cortado.backend.cpu;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.tensor.Shape;

/**
 * Every extent an NCHW convolution needs, derived once per call from the input, weight and output
 * shapes. The im2col matrix of one sample has {@link #colRows()} rows, one per (channel, kernel row,
 * kernel column), and {@link #colCols()} columns, one per output pixel, so that the convolution of
 * group g is the GEMM {@code y_g[Kg × OH·OW] = W_g[Kg × Cg·kh·kw] · col_g[Cg·kh·kw × OH·OW]}.
 */
record ConvGeometry(int batch, int channels, int height, int width, int outChannels, int outHeight, int outWidth,
                    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                    int dilationH, int dilationW, int groups) {

    static ConvGeometry of(Shape input, Shape output, Conv2dSpec s) {
        return new ConvGeometry(input.batch(), input.channels(), input.dim(2), input.dim(3),
                output.channels(), output.dim(2), output.dim(3), s.kernelH(), s.kernelW(), s.strideH(), s.strideW(),
                s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups());
    }

    int inputPlane() {
        return height * width;
    }

    int outputPlane() {
        return outHeight * outWidth;
    }

    int channelsPerGroup() {
        return channels / groups;
    }

    int outChannelsPerGroup() {
        return outChannels / groups;
    }

    /** Cg·kh·kw: the inner dimension of each group's GEMM, and the length of one filter. */
    int patchSize() {
        return channelsPerGroup() * kernelH * kernelW;
    }

    int colRows() {
        return channels * kernelH * kernelW;
    }

    int colCols() {
        return outputPlane();
    }

    int colSize() {
        return colRows() * colCols();
    }

    /** For log lines and errors: [N, C, H, W] → [N, K, OH, OW], then kernel, stride, padding, dilation, groups. */
    @Override
    public String toString() {
        return "[" + batch + ", " + channels + ", " + height + ", " + width + "] → [" + batch + ", " + outChannels
                + ", " + outHeight + ", " + outWidth + "], kernel " + kernelH + "×" + kernelW
                + ", stride " + strideH + "×" + strideW + ", padding " + padH + "×" + padW
                + ", dilation " + dilationH + "×" + dilationW + ", groups " + groups;
    }

    /** A 1×1 kernel at stride 1 without padding reads each input pixel once: x itself is the im2col matrix. */
    boolean isPointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }
}
