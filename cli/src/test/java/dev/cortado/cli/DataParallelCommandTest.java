package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cuda.DeviceReport;
import dev.cortado.backend.cuda.GpuInfo;
import dev.cortado.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --devices} and {@code --replicas}: training and benchmarking on CPU replicas, and every bad input. */
class DataParallelCommandTest {
    @TempDir
    Path tmp;

    private static final Supplier<DeviceReport> NO_GPU = () -> new DeviceReport("11.7.0", 0, 0, 8401, 0, List.of(),
            List.of("no NVIDIA driver"));
    private static final Supplier<DeviceReport> FOUR_GPUS = () -> new DeviceReport("11.7.0", 12000, 11070, 8401, 8401,
            List.of(gpu(0), gpu(1), gpu(2), gpu(3)), List.of());

    private static GpuInfo gpu(int ordinal) {
        return new GpuInfo(ordinal, "NVIDIA A100", 40L << 30, 8, 0, 108);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CliRunner r) {
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "--json prints one line on stdout:\n" + r.out());
        return (Map<String, Object>) Json.parse(lines[0]);
    }

    private static void assertUsageError(CliRunner r, String... fragments) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
    }

    @Test
    void trainsOnTwoCpuReplicasAndResumesOnOneAndOnThree() throws Exception {
        Path data = TinyData.idx(tmp.resolve("idx"), 48);
        Path run = tmp.resolve("run");
        CliRunner first = CliRunner.run("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "12",
                "--replicas", "2", "--backend", "cpu", "--threads", "2", "--json", "--checkpoint-dir", run.toString());
        Map<String, Object> m = json(first);
        assertEquals("cpu,cpu", m.get("backend"), "the summary names the devices");
        assertEquals(4L, m.get("iterations"), "48 samples in global batches of 12");
        // The saved run records the devices --replicas named: a plain resume continues on them.
        String last = run.resolve("last.safetensors").toString();
        try (LogCapture log = new LogCapture()) {
            Map<String, Object> again = json(CliRunner.run("train", "--resume", last, "--epochs", "2", "--json"));
            assertEquals("cpu,cpu", again.get("backend"));
            assertEquals(8L, again.get("iterations"));
            assertFalse(log.text().contains("resuming with --devices"), log.text());
        }
        try (LogCapture log = new LogCapture()) {
            Map<String, Object> three = json(CliRunner.run("train", "--resume", last, "--epochs", "3", "--devices",
                    "cpu,cpu,cpu", "--json"));
            assertEquals("cpu,cpu,cpu", three.get("backend"));
            assertEquals(12L, three.get("iterations"), "the global sample position carries over");
            assertTrue(log.text().contains("resuming with --devices 'cpu,cpu,cpu' instead of the saved run's 'cpu,cpu'"),
                    log.text());
        }
        Map<String, Object> one = json(CliRunner.run("train", "--resume", last, "--epochs", "4", "--devices", "cpu",
                "--json"));
        assertEquals("cpu", one.get("backend"));
        assertEquals(16L, one.get("iterations"));
    }

    @Test
    void aGlobalBatchThatDoesNotSplitEvenlyOrIsSmallerThanTheDevicesIsAUsageError() throws Exception {
        Path data = TinyData.idx(tmp.resolve("idx"), 20);
        assertUsageError(CliRunner.run("train", "--data", data.toString(), "--batch-size", "9", "--devices", "cpu,cpu",
                        "--checkpoint-dir", tmp.resolve("a").toString()),
                "--batch-size 9 does not split evenly over the 2 devices (cpu, cpu)", "multiple of 2");
        assertUsageError(CliRunner.run("train", "--data", data.toString(), "--batch-size", "2", "--devices",
                        "cpu,cpu,cpu", "--checkpoint-dir", tmp.resolve("b").toString()),
                "--batch-size 2 is smaller than the 3 devices (cpu, cpu, cpu)");
        assertUsageError(CliRunner.run("benchmark", "--model", "lenet5", "--batch-size", "5", "--replicas", "2",
                "--backend", "cpu"), "--batch-size 5 does not split evenly over the 2 devices");
    }

    @Test
    void aGpuThatIsNotThereIsAUsageErrorNamingTheDevicesFound() {
        UserInputException missing = assertThrows(UserInputException.class,
                () -> DeviceList.parse("--devices", List.of("cuda:0", "cuda:7"), FOUR_GPUS));
        assertTrue(missing.getMessage().startsWith("--devices cuda:7: no such device; devices found: cpu, cuda:0 (NVIDIA"
                + " A100), cuda:1"), missing.getMessage());
        assertTrue(missing.getMessage().contains("cuda:3 (NVIDIA A100)"), missing.getMessage());
        UserInputException none = assertThrows(UserInputException.class,
                () -> DeviceList.parse("--devices", List.of("all"), NO_GPU));
        assertEquals("--devices all: no usable GPU (no NVIDIA driver); devices found: cpu", none.getMessage());
        // The real command on this machine: whatever it has, it has no cuda:7 that works.
        assertUsageError(CliRunner.run("train", "--devices", "cuda:0,cuda:7", "--checkpoint-dir",
                tmp.resolve("c").toString()), "--devices cuda:", "devices found: cpu");
    }

    @Test
    void devicesAreParsedAndCheckedBeforeAnythingIsBuilt() {
        assertEquals(List.of("cuda:0", "cuda:1", "cuda:2", "cuda:3"),
                DeviceList.parse("--devices", List.of("all"), FOUR_GPUS).names());
        assertEquals(List.of("cuda:0", "cuda:2"), DeviceList.parse("--devices", List.of("cuda", " CUDA:2"), FOUR_GPUS)
                .names());
        assertEquals(List.of("cuda:0", "cuda:1", "cuda:2"), DeviceList.replicas(3, "auto", FOUR_GPUS).names());
        assertEquals(List.of("cpu", "cpu"), DeviceList.replicas(2, "auto", NO_GPU).names());
        assertTrue(assertThrows(UserInputException.class,
                () -> DeviceList.parse("--devices", List.of("cpu", "cuda:0"), FOUR_GPUS)).getMessage()
                .contains("the replicas must all be CPUs or all GPUs"));
        assertTrue(assertThrows(UserInputException.class,
                () -> DeviceList.parse("--devices", List.of("gpu1"), FOUR_GPUS)).getMessage()
                .contains("'gpu1' is not a device"));
        assertTrue(assertThrows(UserInputException.class,
                () -> DeviceList.replicas(5, "cuda", FOUR_GPUS)).getMessage()
                .startsWith("--replicas 5 cuda:4: no such device"));
    }

    @Test
    void aGpuNamedTwiceIsAllowedWithAWarning() {
        try (LogCapture log = new LogCapture()) {
            assertEquals(List.of("cuda:0", "cuda:0"),
                    DeviceList.parse("--devices", List.of("cuda:0", "cuda:0"), FOUR_GPUS).names());
            assertTrue(log.text().contains("WARN  --devices names cuda:0 more than once") && log.text()
                    .contains("no speed-up"), log.text());
        }
    }

    @Test
    void devicesAndReplicasExcludeEachOther() {
        assertUsageError(CliRunner.run("benchmark", "--model", "lenet5", "--devices", "cpu,cpu", "--replicas", "2"),
                "--devices and --replicas exclude each other");
    }

    @Test
    void benchmarkOnTwoCpuReplicasReportsTheAllReduce() {
        Map<String, Object> m = json(CliRunner.run("benchmark", "--model", "lenet5", "--batch-size", "8",
                "--iterations", "2", "--runs", "1", "--warmup", "0", "--devices", "cpu,cpu", "--threads", "2",
                "--bucket-mb", "0.1", "--no-layers", "--json"));
        assertEquals("cpu,cpu", m.get("backend"));
        assertTrue(((Number) m.get("train_images_per_second")).doubleValue() > 0);
        assertTrue(((Number) m.get("allreduce_ms_per_step")).doubleValue() > 0);
        // LeNet-5's 241 KiB of gradients in buckets of at most 0.1 MiB: fc1's weight alone, and the rest.
        assertTrue(((Number) m.get("gradient_buckets")).intValue() >= 3, String.valueOf(m));
        double hidden = ((Number) m.get("allreduce_hidden_fraction")).doubleValue();
        assertTrue(hidden >= 0 && hidden <= 1, String.valueOf(hidden));
    }
}
