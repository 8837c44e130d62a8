package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.Pointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel declarations of {@link Kernel} against the kernels themselves: their declarations in the .cu sources (which
 * tell a pointer from a 64-bit count) and, where nvcc exists, the {@code .entry} declarations of the PTX it
 * compiles (which are what cuLaunchKernel actually reads). A kernel renamed, added or re-typed on one side
 * only fails here instead of misreading its arguments on the first GPU run.
 */
class KernelSignaturesTest {
    private static final Path NVCC = Path.of("/usr/local/cuda/bin/nvcc");
    private static final Pattern KERNEL =
            Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PTX_PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)");

    /** kernel → parameters, as declared in the module's .cu source. */
    private static Map<String, List<KernelParam>> declaredIn(String module) {
        Map<String, List<KernelParam>> out = new TreeMap<>();
        Matcher m = KERNEL.matcher(KernelSources.load(module).source());
        while (m.find()) {
            List<KernelParam> params = new ArrayList<>();
            for (String p : m.group(2).split(",")) {
                String decl = p.trim();
                String type = decl.substring(0, decl.length() - decl.replaceAll("^.*?(\\w+)$", "$1").length());
                params.add(KernelParam.ofC(type));
            }
            out.put(m.group(1), params);
        }
        return out;
    }

    private static Map<String, List<KernelParam>> declaredInJava(String module) {
        Map<String, List<KernelParam>> out = new TreeMap<>();
        for (Kernel k : Kernel.values()) {
            if (k.module().equals(module)) {
                out.put(k.kernelName(), k.params());
            }
        }
        return out;
    }

    @Test
    void theJavaDeclarationsMatchEveryKernelDeclaredInTheSources() {
        int kernels = 0;
        for (String module : KernelSources.MODULES) {
            Map<String, List<KernelParam>> declared = declaredIn(module);
            assertTrue(!declared.isEmpty(), module + ".cu declares kernels");
            assertEquals(declared, declaredInJava(module), "kernels of " + module + ".cu: source vs Kernel");
            kernels += declared.size();
        }
        assertEquals(Kernel.values().length, kernels, "every Kernel constant belongs to a shipped module");
    }

    @Test
    void cTypesMapToTheirLaunchMarshalling() {
        assertEquals(KernelParam.POINTER, KernelParam.ofC("const float* "));
        assertEquals(KernelParam.POINTER, KernelParam.ofC("double *"));
        assertEquals(KernelParam.LONG, KernelParam.ofC("cortado_index "));
        assertEquals(KernelParam.LONG, KernelParam.ofC("cortado_u64"));
        assertEquals(KernelParam.INT, KernelParam.ofC("int"));
        assertEquals(KernelParam.FLOAT, KernelParam.ofC("float"));
        assertThrows(IllegalArgumentException.class, () -> KernelParam.ofC("double"),
                "a by-value double has no marshalling in CudaKernels");
    }

    @Test
    void aLaunchWithTheWrongCountOrTypeIsRefusedBeforeItReachesTheDevice() {
        Pointer p = new Pointer();
        assertDoesNotThrow(() -> Kernel.SGD_UPDATE.check("sgd", p, p, 10L, 0.1f, 0f));
        assertDoesNotThrow(() -> Kernel.MOMENTUM_UPDATE.check("momentum", p, p, p, 10L, 0.1f, 0.9f, true, 0f),
                "a boolean travels as an int");
        assertDoesNotThrow(() -> Kernel.SOFTMAX_XENT_ROWS.check("loss", p, p, 4L, 3, 0f, 0.25f, p, null),
                "null is a NULL device pointer");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Kernel.SGD_UPDATE.check("sgd", p, p, 10L, 0.1f));
        assertEquals("sgd: kernel sgd_update takes 5 arguments [POINTER, POINTER, LONG, FLOAT, FLOAT], the launch"
                + " passes 4", count.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> Kernel.SGD_UPDATE.check("sgd", p, p, 10, 0.1f, 0f));
        assertEquals("sgd: kernel sgd_update argument 2 is LONG in the kernel, the launch passes Integer",
                width.getMessage(), "an int count where the kernel reads 64 bits");
        assertThrows(IllegalArgumentException.class, () -> Kernel.FILL.check("fill", p, 3L, 1.0),
                "a double is not a float");
    }

    @Test
    void aKernelsCNameIsItsConstantsNameInLowerCase() {
        assertEquals("sgd_update", Kernel.SGD_UPDATE.kernelName());
        assertEquals("topk_hits", Kernel.TOPK_HITS.kernelName());
        assertEquals("tensor_ops", Kernel.TOPK_HITS.module());
    }

    /** The PTX nvcc emits for compute_75, the build's check target; NVRTC emits the same entries. */
    @Test
    void thePtxEntriesMatchTheTable(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(NVCC),
                NVCC + " is absent: the PTX entries are not compared with the launch signatures");
        List<String> command = new ArrayList<>(List.of(NVCC.toString(), "-ptx", "-arch=compute_75",
                "-I" + dir, "--output-directory", dir.toString()));
        for (String module : KernelSources.MODULES) {
            KernelProgram p = KernelSources.load(module);
            Files.writeString(dir.resolve(p.fileName()), p.source());
            for (int i = 0; i < p.headerNames().size(); i++) {
                Files.writeString(dir.resolve(p.headerNames().get(i)), p.headerSources().get(i));
            }
            command.add(dir.resolve(p.fileName()).toString());
        }
        Process nvcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(nvcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!nvcc.waitFor(120, TimeUnit.SECONDS) || nvcc.exitValue() != 0) {
            fail("nvcc could not compile the kernels:\n" + log);
        }
        for (String module : KernelSources.MODULES) {
            String ptx = Files.readString(dir.resolve(module + ".ptx"));
            Map<String, List<String>> entries = new TreeMap<>();
            Matcher m = ENTRY.matcher(ptx);
            while (m.find()) {
                List<String> types = new ArrayList<>();
                Matcher t = PTX_PARAM.matcher(m.group(2));
                while (t.find()) {
                    types.add(t.group(1));
                }
                entries.put(m.group(1), types);
            }
            Map<String, List<String>> expected = new TreeMap<>();
            declaredInJava(module).forEach((k, ps) -> expected.put(k, ps.stream().map(KernelParam::ptxType).toList()));
            assertEquals(expected, entries, "PTX entries of " + module + ".cu (name → .param types) vs Kernel");
        }
    }
}
