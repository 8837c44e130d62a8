package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cuda.CudnnOptions;
import picocli.CommandLine.Option;

/** Where to run: --backend, --threads, --deterministic, --tf32. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda",
            description = "auto (the GPU when CUDA works, else the CPU), cpu or cuda. Default: auto.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads. Default: all cores.")
    Integer threads;

    @Option(names = "--deterministic", description = "Deterministic cuDNN algorithms (the CPU always is).")
    Boolean deterministic;

    @Option(names = "--tf32", description = "Let cuDNN and cuBLAS use TF32 tensor cores on Ampere and newer GPUs"
            + " (PyTorch's default for convolutions): about twice as fast, with products of inputs rounded to"
            + " 10-bit mantissas. Default: full fp32. No effect on the CPU.")
    Boolean tf32;

    static Backend open(String choice, Integer threads, boolean deterministic, boolean tf32) {
        String name = choice == null ? "auto" : choice.strip().toLowerCase();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserInputException("--threads must be at least 1, got " + n);
        }
        return Backends.select(name, n, CudnnOptions.DEFAULT.withDeterministic(deterministic).withTf32(tf32));
    }

    Backend open() {
        return open(backend, threads, Boolean.TRUE.equals(deterministic), Boolean.TRUE.equals(tf32));
    }
}
