package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.backend.cuda.CudaBackend;
import dev.cortado.backend.cuda.CudnnOptions;
import dev.cortado.backend.cuda.DeviceReport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The devices of a data-parallel run, as {@code --devices} names them ({@code cuda:0,cuda:1}, {@code all},
 * {@code cpu,cpu}) or {@code --replicas N} implies: checked against this machine before anything is
 * built, then opened, one backend per replica. A device that does not exist, a mix of CPUs and GPUs or a
 * global batch that does not split evenly is a usage error naming the flag and the devices found.
 */
record DeviceList(List<String> names) {
    private static final Logger LOG = LogManager.getLogger(DeviceList.class);

    DeviceList {
        names = List.copyOf(names);
    }

    /**
     * The devices {@code items} (the values of {@code flag}) name, checked against the CUDA probe, which is
     * asked only when a GPU is named.
     */
    static DeviceList parse(String flag, List<String> items, Supplier<DeviceReport> probe) {
        List<String> names = new ArrayList<>();
        for (String raw : items) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            if (item.equals("all")) {
                if (items.size() > 1) {
                    throw new UserInputException(flag + " all stands alone: it means every GPU");
                }
                DeviceReport report = probe.get();
                if (!report.available()) {
                    throw new UserInputException(flag + " all: no usable GPU (" + report.reason() + "); devices found: "
                            + found(report));
                }
                for (int i = 0; i < report.gpus().size(); i++) {
                    names.add("cuda:" + i);
                }
            } else if (item.equals("cpu")) {
                names.add("cpu");
            } else if (item.equals("cuda") || item.startsWith("cuda:")) {
                int ordinal = item.equals("cuda") ? 0 : ordinal(flag, raw, item.substring(5));
                DeviceReport report = probe.get();
                if (!report.available()) {
                    throw new UserInputException(flag + " " + raw.strip() + ": CUDA cannot run here (" + report.reason()
                            + "); devices found: " + found(report));
                }
                if (ordinal >= report.gpus().size()) {
                    throw new UserInputException(flag + " " + raw.strip() + ": no such device; devices found: "
                            + found(report));
                }
                names.add("cuda:" + ordinal);
            } else {
                throw new UserInputException(flag + ": '" + raw.strip() + "' is not a device; name cpu, cuda:N (for example"
                        + " cuda:0,cuda:1) or all");
            }
        }
        if (names.isEmpty()) {
            throw new UserInputException(flag + " names no device");
        }
        Set<Boolean> kinds = new LinkedHashSet<>();
        names.forEach(n -> kinds.add(n.equals("cpu")));
        if (kinds.size() > 1) {
            throw new UserInputException(flag + " " + String.join(",", names) + ": the replicas must all be CPUs or all"
                    + " GPUs");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            if (!n.equals("cpu") && !seen.add(n)) {
                LOG.warn("{} names {} more than once: its replicas share one GPU, which exercises data parallelism but"
                        + " brings no speed-up", flag, n);
            }
        }
        return new DeviceList(names);
    }

    /** {@code --replicas n} on the kind of device {@code backend} (auto, cpu, cuda) names. */
    static DeviceList replicas(int n, String backend, Supplier<DeviceReport> probe) {
        if (n < 1) {
            throw new UserInputException("--replicas must be at least 1, got " + n);
        }
        String kind = backend == null ? "auto" : backend.strip().toLowerCase(Locale.ROOT);
        boolean gpu = switch (kind) {
            case "cpu" -> false;
            case "cuda" -> true;
            case "auto" -> probe.get().available();
            default -> throw new UserInputException("unknown backend '" + backend + "': use auto, cpu or cuda");
        };
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(gpu ? "cuda:" + i : "cpu");
        }
        return parse("--replicas " + n, items, probe);
    }

    private static int ordinal(String flag, String raw, String digits) {
        try {
            int v = Integer.parseInt(digits);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserInputException(flag + ": '" + raw.strip() + "' is not a device; a GPU is cuda:N with N from 0");
    }

    /** What this machine has, for messages: "cpu" and each GPU the probe found. */
    private static String found(DeviceReport report) {
        List<String> all = new ArrayList<>(List.of("cpu"));
        for (int i = 0; i < report.gpus().size(); i++) {
            all.add("cuda:" + i + " (" + report.gpus().get(i).name() + ")");
        }
        return String.join(", ", all);
    }

    int size() {
        return names.size();
    }

    /** The global batch must give every replica the same number of rows. */
    void requireEvenSplit(String flag, int batchSize) {
        int k = size();
        if (k == 1) {
            return;
        }
        if (batchSize < k) {
            throw new UserInputException(flag + " " + batchSize + " is smaller than the " + k + " devices ("
                    + String.join(", ", names) + "): every replica needs at least one sample of the global batch");
        }
        if (batchSize % k != 0) {
            throw new UserInputException(flag + " " + batchSize + " does not split evenly over the " + k + " devices ("
                    + String.join(", ", names) + "); it is the global batch: use a multiple of " + k + ", such as "
                    + (batchSize / k) * k + " or " + (batchSize / k + 1) * k);
        }
    }

    /**
     * One backend per replica: each CPU replica with its share of {@code threads}, each GPU replica on its
     * device. The list closes them all.
     */
    Opened open(int threads, CudnnOptions options) {
        List<Backend> backends = new ArrayList<>();
        try {
            int perCpu = Math.max(1, threads / size());
            for (String n : names) {
                backends.add(n.equals("cpu") ? new CpuBackend(perCpu)
                        : CudaBackend.open(Backends.deviceReport(), Integer.parseInt(n.substring(5)), options));
            }
            if (names.get(0).equals("cpu") && size() > 1) {
                LOG.info("{} CPU replicas of {} thread(s) each", size(), perCpu);
            }
            return new Opened(List.copyOf(backends));
        } catch (RuntimeException e) {
            backends.forEach(Backend::close);
            throw e;
        }
    }

    /** The backends of the replicas, closed together. */
    record Opened(List<Backend> backends) implements AutoCloseable {
        @Override
        public void close() {
            backends.forEach(Backend::close);
        }
    }
}
