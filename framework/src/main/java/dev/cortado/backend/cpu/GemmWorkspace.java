package dev.cortado.backend.cpu;

/**
 * One thread's packing buffers for {@link CpuGemm}: the packed block of A, the packed panel of B
 * and a tile for the edges of C. They grow to the largest block seen and are then reused, so a
 * GEMM of a size met before allocates nothing.
 */
final class GemmWorkspace {
    float[] packedA = new float[0];
    float[] packedB = new float[0];
    float[] edgeTile = new float[0];

    void ensure(int aSize, int bSize, int tileSize) {
        if (packedA.length < aSize) {
            packedA = new float[aSize];
        }
        if (packedB.length < bSize) {
            packedB = new float[bSize];
        }
        if (edgeTile.length < tileSize) {
            edgeTile = new float[tileSize];
        }
    }
}
