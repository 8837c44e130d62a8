package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.CounterRng;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's dropout draws (CounterRng) are SplitMix64's published sequence: the test vectors that
 * the kernels module's KernelMathHostTest pins dropout_rng.cuh to, so that both backends draw one mask
 * even where no GPU is at hand to compare them.
 */
class CounterRngVectorsTest {
    /** The first five outputs of SplitMix64 from seed 1234567 (the reference implementation's vectors). */
    private static final String[] FROM_SEED_1234567 = {"6457827717110365317", "3203168211198807973",
            "9817491932198370423", "4593380528125082431", "16408922859458223821"};

    @Test
    void drawIOfASeedIsSplitMix64sOutputIFromThatSeed() {
        for (int i = 0; i < FROM_SEED_1234567.length; i++) {
            assertEquals(FROM_SEED_1234567[i], Long.toUnsignedString(CounterRng.hash(1234567, i)), "draw " + i);
        }
        assertEquals(0xE220A8397B1DCDAFL, CounterRng.hash(0, 0), "first draw from seed 0");
    }

    @Test
    void uniformIsTheTop24BitsScaledIntoTheUnitInterval() {
        long hash = Long.parseUnsignedLong(FROM_SEED_1234567[0]);
        assertEquals((hash >>> 40) * 0x1.0p-24f, CounterRng.uniform(1234567, 0), 0f);
    }
}
