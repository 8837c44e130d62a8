package dev.cortado.data;

import java.util.Arrays;

/**
 * Per-channel standardisation x' = (x − mean_c) / std_c of samples in [0, 1]. The constants below are
 * the per-pixel statistics of each training set.
 */
public record Normalize(float[] mean, float[] std) implements Augmentation {
    /** Fashion-MNIST training set: mean 0.2860, std 0.3530. */
    public static final Normalize FASHION_MNIST = new Normalize(new float[] {0.2860f}, new float[] {0.3530f});
    /** MNIST training set: mean 0.1307, std 0.3081. */
    public static final Normalize MNIST = new Normalize(new float[] {0.1307f}, new float[] {0.3081f});
    /**
     * CIFAR-10 training set, per RGB channel. The std is the per-pixel one (0.2470, 0.2435, 0.2616), not
     * the often copied (0.2023, 0.1994, 0.2010), which are standard deviations of per-image means.
     */
    public static final Normalize CIFAR10 = new Normalize(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    /** CIFAR-100 training set, per RGB channel. */
    public static final Normalize CIFAR100 = new Normalize(
            new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f});
    /** ImageNet, as used by torchvision's pretrained models. */
    public static final Normalize IMAGENET = new Normalize(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    public Normalize {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("normalize needs one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("normalize std must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        if (input.channels() != mean.length) {
            throw new IllegalArgumentException("normalize has statistics for " + mean.length + " channel(s) but the "
                    + "samples are " + input);
        }
        return input;
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        outputShape(shape);
        int plane = shape.planeSize();
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                dst[dstOffset + base + i] = (src[srcOffset + base + i] - m) / s;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalize[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
