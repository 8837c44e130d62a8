package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cuda.CudnnOptions;
import picocli.CommandLine.Option;

/** Where to run: --backend, --threads, --deterministic. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda",
            description = "auto (the GPU when CUDA works, else the CPU), cpu or cuda. Default: auto.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads. Default: all cores.")
    Integer threads;

    @Option(names = "--deterministic", description = "Deterministic cuDNN algorithms (the CPU always is).")
    Boolean deterministic;

    static Backend open(String choice, Integer threads, boolean deterministic) {
        String name = choice == null ? "auto" : choice.strip().toLowerCase();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserInputException("--threads must be at least 1, got " + n);
        }
        return Backends.select(name, n, CudnnOptions.DEFAULT.withDeterministic(deterministic));
    }

    Backend open() {
        return open(backend, threads, Boolean.TRUE.equals(deterministic));
    }
}
