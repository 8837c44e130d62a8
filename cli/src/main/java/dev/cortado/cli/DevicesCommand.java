package dev.cortado.cli;

import dev.cortado.backend.cpu.CpuOptions;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cuda.DeviceReport;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cortado devices}: the CPU (cores, SIMD width) and what the CUDA probe found. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Show the CPU (cores, SIMD width) and the CUDA devices and libraries found.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        int simdBits = vectorBits();
        DeviceReport cuda = Backends.deviceReport();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cpu_cores", cores);
            m.put("cpu_arch", System.getProperty("os.arch"));
            m.put("simd_bits", simdBits);
            m.put("java", Runtime.version().toString());
            m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            m.put("cuda_available", cuda.available());
            m.put("cuda_reason", cuda.reason());
            m.put("gpus", cuda.gpus().stream().map(Object::toString).toList());
            JsonOutput.print(out, m);
            return ExitCodes.OK;
        }
        out.printf("CPU: %d cores (%s), Java %s, max heap %d MiB%n", cores, System.getProperty("os.arch"),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        out.println(simdBits > 0 ? "CPU GEMM: Vector API, " + simdBits + "-bit vectors (" + simdBits / 32
                + " floats)" : "CPU GEMM: scalar kernel (start Java with --add-modules jdk.incubator.vector, as "
                + "./cortado does, for the vectorized one)");
        out.println(cuda.render());
        out.flush();
        return ExitCodes.OK;
    }

    /** The preferred float vector width of the Vector API in bits, or 0 when the module is not resolved. */
    static int vectorBits() {
        if (!CpuOptions.vectorApiResolved()) {
            return 0;
        }
        try {
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize")
                    .invoke(species);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }
}
