package dev.cortado.data;

import java.util.SplittableRandom;

/** Seeded permutations shared by the split and the loader. */
final class Permutations {
    private Permutations() {
    }

    /** Fisher–Yates (Durstenfeld) shuffle: each of the n! orders is equally likely given a uniform source. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
