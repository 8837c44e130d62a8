package dev.cortado.backend.cpu;

import dev.cortado.tensor.Tensor;

/** Access to the host array behind a CPU tensor, rejecting tensors of other devices by name. */
final class HostArrays {
    private HostArrays() {
    }

    static float[] of(String op, Tensor t) {
        if (!(t.buffer() instanceof HostBuffer h)) {
            throw new IllegalArgumentException(op + ": tensor " + t + " is not on the CPU; copy it to the host first");
        }
        return h.array();
    }
}
