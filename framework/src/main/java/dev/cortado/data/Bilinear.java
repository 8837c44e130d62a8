package dev.cortado.data;

/**
 * Bilinear interpolation on one CHW image plane, with pixel centres at integer coordinates. Shared by
 * resizing (image folders, random resized crop) and rotation.
 */
final class Bilinear {
    private Bilinear() {
    }

    /**
     * The value at (y, x) of the h×w plane starting at {@code offset}; neighbours outside the image count
     * as zero, so content fades to the zero fill at the border (as torch's grid_sample with zero padding).
     */
    static float sampleZeroFill(float[] src, int offset, int h, int w, double y, double x) {
        double fy = Math.floor(y);
        double fx = Math.floor(x);
        int y0 = (int) fy;
        int x0 = (int) fx;
        double dy = y - fy;
        double dx = x - fx;
        double v = 0;
        v += (1 - dy) * (1 - dx) * at(src, offset, h, w, y0, x0);
        v += (1 - dy) * dx * at(src, offset, h, w, y0, x0 + 1);
        v += dy * (1 - dx) * at(src, offset, h, w, y0 + 1, x0);
        v += dy * dx * at(src, offset, h, w, y0 + 1, x0 + 1);
        return (float) v;
    }

    private static float at(float[] src, int offset, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : src[offset + y * w + x];
    }

    /**
     * Resizes the region (top, left, regionH, regionW) of a C×h×w image to C×outH×outW with half-pixel
     * centres (align_corners = false, as PIL and torchvision's Resize without antialiasing): output pixel
     * centre y+0.5 maps to top + (y+0.5)·regionH/outH in the source, and coordinates past the edge clamp
     * to the border pixel.
     */
    static void resize(float[] src, int srcOffset, SampleShape in, double top, double left, double regionH,
            double regionW, float[] dst, int dstOffset, int outH, int outW) {
        int h = in.height();
        int w = in.width();
        double scaleY = regionH / outH;
        double scaleX = regionW / outW;
        for (int c = 0; c < in.channels(); c++) {
            int plane = srcOffset + c * h * w;
            int out = dstOffset + c * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                double sy = clamp(top + (oy + 0.5) * scaleY - 0.5, h - 1);
                int y0 = (int) sy;
                int y1 = Math.min(y0 + 1, h - 1);
                double dy = sy - y0;
                for (int ox = 0; ox < outW; ox++) {
                    double sx = clamp(left + (ox + 0.5) * scaleX - 0.5, w - 1);
                    int x0 = (int) sx;
                    int x1 = Math.min(x0 + 1, w - 1);
                    double dx = sx - x0;
                    double top0 = src[plane + y0 * w + x0] * (1 - dx) + src[plane + y0 * w + x1] * dx;
                    double bottom = src[plane + y1 * w + x0] * (1 - dx) + src[plane + y1 * w + x1] * dx;
                    dst[out + oy * outW + ox] = (float) (top0 * (1 - dy) + bottom * dy);
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
