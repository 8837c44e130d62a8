package dev.cortado.backend.cuda;

import java.util.Arrays;

/**
 * The virtual architecture NVRTC compiles the kernels for. The device's own ({@code compute_86} on
 * compute capability 8.6) when this NVRTC knows it; otherwise the newest one it knows below the device,
 * whose PTX the driver JIT-compiles for the newer GPU (an NVRTC 11.7 on an sm_89 or sm_90 card, say,
 * rejects {@code --gpu-architecture=compute_89} outright).
 */
public final class NvrtcArchitecture {
    private NvrtcArchitecture() {
    }

    /**
     * @param device the device's compute capability as major·10 + minor (86 for 8.6)
     * @param supported what {@code nvrtcGetSupportedArchs} lists, in the same encoding
     * @return the architecture flag value, e.g. {@code compute_86}
     */
    public static String choose(int device, int[] supported) {
        int best = -1;
        for (int a : supported) {
            if (a <= device && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("NVRTC supports the architectures " + Arrays.toString(supported)
                    + ", none of them at or below the device's compute capability " + device / 10 + "." + device % 10
                    + ": install an NVRTC (CUDA 11.x) that supports this GPU");
        }
        return "compute_" + best;
    }
}
