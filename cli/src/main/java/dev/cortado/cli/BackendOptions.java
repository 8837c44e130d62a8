package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cuda.CudnnOptions;
import dev.cortado.distributed.DataParallel;
import java.util.List;
import picocli.CommandLine.Option;

/** Where to run: --backend, --threads, --deterministic, --tf32, and for data parallelism --devices, --replicas, --bucket-mb. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda",
            description = "auto (the GPU when CUDA works, else the CPU), cpu or cuda. Default: auto.")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads, shared evenly among CPU replicas (--devices cpu,cpu). Default: all cores.")
    Integer threads;

    @Option(names = "--deterministic", description = "Deterministic cuDNN algorithms (the CPU always is).")
    Boolean deterministic;

    @Option(names = "--tf32", description = "Let cuDNN and cuBLAS use TF32 tensor cores on Ampere and newer GPUs"
            + " (PyTorch's default for convolutions): about twice as fast, with products of inputs rounded to"
            + " 10-bit mantissas. Default: full fp32. No effect on the CPU.")
    Boolean tf32;

    @Option(names = "--devices", paramLabel = "LIST", split = ",",
            description = "Train one model data parallel on these devices, one replica each: cuda:0,cuda:1 (or all, every"
                    + " GPU), or cpu,cpu for CPU replicas, each with its share of --threads. --batch-size stays the global"
                    + " batch and must split evenly. Default: one device, as --backend chooses.")
    List<String> devices;

    @Option(names = "--replicas", paramLabel = "N",
            description = "As --devices, N replicas on the --backend's kind of device: N CPU replicas, or cuda:0 to"
                    + " cuda:N-1.")
    Integer replicas;

    @Option(names = "--bucket-mb", paramLabel = "MB",
            description = "Data parallel: the gradient bucket size in MiB; each bucket is all-reduced as soon as"
                    + " backward has produced it. Default: 25.")
    Double bucketMb;

    /** The replicas' devices from --devices or --replicas, checked against this machine; null for one device. */
    DeviceList deviceList() {
        if (devices != null && replicas != null) {
            throw new UserInputException("--devices and --replicas exclude each other; give one");
        }
        if (replicas != null) {
            return DeviceList.replicas(replicas, backend, Backends::deviceReport);
        }
        return devices == null ? null : DeviceList.parse("--devices", devices, Backends::deviceReport);
    }

    /** The backends of the replicas {@code list} names, or the one --backend chooses when it is null. */
    DeviceList.Opened open(DeviceList list) {
        if (list == null) {
            return new DeviceList.Opened(List.of(open()));
        }
        return list.open(threads(threads), CudnnOptions.DEFAULT.withDeterministic(Boolean.TRUE.equals(deterministic))
                .withTf32(Boolean.TRUE.equals(tf32)));
    }

    /** The largest gradient bucket of data-parallel training, in bytes. */
    long bucketBytes() {
        if (bucketMb == null) {
            return DataParallel.DEFAULT_BUCKET_BYTES;
        }
        if (!(bucketMb > 0) || bucketMb > 1 << 20) {
            throw new UserInputException("--bucket-mb must be a positive number of MiB, got " + bucketMb);
        }
        return Math.max(1, (long) (bucketMb * (1 << 20)));
    }

    private static int threads(Integer threads) {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserInputException("--threads must be at least 1, got " + n);
        }
        return n;
    }

    static Backend open(String choice, Integer threads, boolean deterministic, boolean tf32) {
        String name = choice == null ? "auto" : choice.strip().toLowerCase();
        int n = threads(threads);
        return Backends.select(name, n, CudnnOptions.DEFAULT.withDeterministic(deterministic).withTf32(tf32));
    }

    Backend open() {
        return open(backend, threads, Boolean.TRUE.equals(deterministic), Boolean.TRUE.equals(tf32));
    }
}
