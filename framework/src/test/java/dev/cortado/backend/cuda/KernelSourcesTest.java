package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSourcesTest {
    private static final List<String> OPTIONS = List.of("--gpu-architecture=compute_80", "--fmad=false");

    @Test
    void everyModuleIsShippedWithTheHeadersItIncludes() {
        for (String module : KernelSources.MODULES) {
            KernelProgram p = KernelSources.load(module);
            assertTrue(p.source().contains("extern \"C\" __global__"), module);
            assertTrue(p.headerNames().contains("cortado_common.cuh"), module + " reaches the common header");
        }
        KernelProgram optimizers = KernelSources.load("optimizers");
        assertEquals(List.of("optimizer_math.cuh", "cortado_common.cuh"), optimizers.headerNames(),
                "direct includes first, then what they include, each once");
        assertEquals(List.of("tensor_math.cuh", "cortado_common.cuh"), KernelSources.load("tensor_ops").headerNames());
    }

    /** The block reduction's shared array is sized for the launches' block: one number on both sides. */
    @Test
    void theKernelsBlockSizeIsTheLaunchBlockSize() {
        String common = KernelSources.readResource("cortado_common.cuh");
        assertTrue(common.contains("#define CORTADO_BLOCK " + CudaKernels.BLOCK + "\n"),
                "cortado_common.cuh must define CORTADO_BLOCK as CudaKernels.BLOCK = " + CudaKernels.BLOCK);
    }

    @Test
    void aMissingHeaderIsNamed() {
        Map<String, String> files = Map.of("k.cu", "#include \"a.cuh\"\n", "a.cuh", "#include \"gone.cuh\"\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelSources.assemble("k", files::get));
        assertTrue(e.getMessage().contains("a.cuh includes \"gone.cuh\""), e.getMessage());
    }

    @Test
    void headersIncludedTwiceAreSentOnceAndStandardHeadersAreLeftToTheGuard() {
        Map<String, String> files = Map.of(
                "k.cu", "#include \"a.cuh\"\n#include \"b.cuh\"\n",
                "a.cuh", "#include \"b.cuh\"\n#include <math.h>\n",
                "b.cuh", "// b\n");
        KernelProgram p = KernelSources.assemble("k", files::get);
        assertEquals(List.of("a.cuh", "b.cuh"), p.headerNames());
    }

    @Test
    void theCacheKeyChangesWithSourceArchitectureDriverAndOptions() {
        KernelProgram p = KernelSources.load("dropout");
        String key = PtxCache.key(p, "compute_80", 12020, OPTIONS);
        assertTrue(key.matches("dropout-compute_80-cuda12\\.2-[0-9a-f]{16}"), key);
        assertEquals(key, PtxCache.key(KernelSources.load("dropout"), "compute_80", 12020, OPTIONS), "stable");
        assertNotEquals(key, PtxCache.key(p, "compute_86", 12020, OPTIONS));
        assertNotEquals(key, PtxCache.key(p, "compute_80", 11080, OPTIONS));
        assertNotEquals(key, PtxCache.key(p, "compute_80", 12020, List.of("--gpu-architecture=compute_80")));
        KernelProgram edited = new KernelProgram(p.module(), p.source() + "\n", p.headerNames(), p.headerSources());
        assertNotEquals(key, PtxCache.key(edited, "compute_80", 12020, OPTIONS));
        List<String> headers = p.headerSources().stream().map(h -> h + " ").toList();
        assertNotEquals(key, PtxCache.key(new KernelProgram(p.module(), p.source(), p.headerNames(), headers),
                "compute_80", 12020, OPTIONS), "a header edit invalidates the PTX too");
    }

    @Test
    void theCacheDirectoryComesFromPropertyThenEnvironmentThenXdgThenHome() {
        assertEquals(Path.of("/p"), PtxCache.defaultDirectory("/p", Map.of(PtxCache.DIRECTORY_ENV, "/e"), "/home/u"));
        assertEquals(Path.of("/e"), PtxCache.defaultDirectory(null, Map.of(PtxCache.DIRECTORY_ENV, "/e"), "/home/u"));
        assertEquals(Path.of("/x/cortado/ptx"), PtxCache.defaultDirectory("", Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/cortado/ptx"), PtxCache.defaultDirectory(null, Map.of(), "/home/u"));
    }

    @Test
    void storedPtxIsLoadedBackAndAbsentKeysAreEmpty(@TempDir Path dir) throws IOException {
        PtxCache cache = new PtxCache(dir.resolve("nested/ptx"));
        assertFalse(cache.load("k").isPresent());
        cache.store("k", ".version 7.0\n");
        assertEquals(".version 7.0\n", cache.load("k").orElseThrow());
        cache.store("k", ".version 7.8\n");
        assertEquals(".version 7.8\n", cache.load("k").orElseThrow());
        try (var files = Files.list(cache.directory())) {
            assertEquals(List.of(cache.path("k")), files.toList(), "no temporary file is left behind");
        }
    }
}
