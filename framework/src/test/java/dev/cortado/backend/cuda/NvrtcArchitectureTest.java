package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NvrtcArchitectureTest {
    /** What NVRTC 11.7 lists: it knows neither 8.9 (Ada) nor 9.0 (Hopper). */
    private static final int[] NVRTC_11_7 = {35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87};

    @Test
    void aDeviceNvrtcKnowsGetsItsOwnArchitecture() {
        assertEquals("compute_75", NvrtcArchitecture.choose(75, NVRTC_11_7));
        assertEquals("compute_86", NvrtcArchitecture.choose(86, NVRTC_11_7));
    }

    @Test
    void aNewerDeviceGetsTheNewestArchitectureBelowIt() {
        assertEquals("compute_87", NvrtcArchitecture.choose(89, NVRTC_11_7), "Ada on NVRTC 11.7: PTX the driver JITs");
        assertEquals("compute_87", NvrtcArchitecture.choose(90, NVRTC_11_7));
    }

    @Test
    void aDeviceOlderThanEveryArchitectureIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NvrtcArchitecture.choose(30, new int[] {35, 50}));
        assertTrue(e.getMessage().contains("compute capability 3.0"), e.getMessage());
    }
}
