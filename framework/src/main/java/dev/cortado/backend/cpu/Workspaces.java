package dev.cortado.backend.cpu;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Scratch arrays kept across calls so that a training step, which asks for the same sizes every
 * time, allocates nothing after its first run. Each concurrently running chunk of a parallel loop
 * takes its own array and gives it back; an array too small for a request is dropped and replaced
 * by a larger one, so the pool settles at one array per thread of the largest size in use.
 */
final class Workspaces {
    private final ConcurrentLinkedDeque<float[]> free = new ConcurrentLinkedDeque<>();

    /** An array of at least {@code size} floats with undefined contents; return it with {@link #give}. */
    float[] take(int size) {
        float[] a = free.pollFirst();
        return a != null && a.length >= size ? a : new float[size];
    }

    void give(float[] array) {
        free.offerFirst(array);
    }
}
