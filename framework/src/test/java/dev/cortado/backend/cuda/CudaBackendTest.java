package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.BackendUnavailableException;
import dev.cortado.backend.Backends;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.backend.TestTensors;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The CUDA-specific cases. Selection on this machine always runs; the rest need a GPU and are skipped,
 * naming what is missing, elsewhere.
 */
class CudaBackendTest {

    private static DeviceReport requireGpu() {
        DeviceReport r = Backends.deviceReport();
        Assumptions.assumeTrue(r.available(), () -> "no usable CUDA device: " + r.reason());
        return r;
    }

    @Test
    void selectionOnThisMachineFollowsTheProbe() {
        DeviceReport r = Backends.deviceReport();
        assertTrue(r == Backends.deviceReport(), "the probe runs once and is cached");
        try (Backend cpu = Backends.select("cpu", 1)) {
            assertEquals("cpu", cpu.name());
        }
        if (r.available()) {
            try (Backend auto = Backends.select("auto", 1)) {
                assertTrue(auto instanceof CudaBackend);
            }
        } else {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Backends.select("cuda", 1));
            assertEquals("--backend cuda: " + r.reason(), e.getMessage());
            try (Backend auto = Backends.select("auto", 1)) {
                assertTrue(auto instanceof CpuBackend, "auto without a GPU uses the CPU");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu", 1));
    }

    @Test
    void selectionDecisionsForEachProbeOutcome() {
        DeviceReport noDriver = new DeviceReport("11.7.0", 0, 0, 8401, 0, List.of(),
                List.of("no NVIDIA driver: libcuda.so.1 is not installed or cannot be loaded"));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("cuda", 1, CudnnOptions.DEFAULT, noDriver));
        assertEquals("--backend cuda: no NVIDIA driver: libcuda.so.1 is not installed or cannot be loaded", e.getMessage());
        try (Backend auto = Backends.select("auto", 1, CudnnOptions.DEFAULT, noDriver)) {
            assertTrue(auto instanceof CpuBackend);
        }
        DeviceReport noCudnn = new DeviceReport("11.7.0", 11080, 11070, 8401, 0,
                List.of(new GpuInfo(0, "T4", 16L << 30, 7, 5, 40)), List.of("cuDNN could not load: libcudnn.so.8 not found"));
        assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda", 1, CudnnOptions.DEFAULT, noCudnn));
        assertThrows(BackendUnavailableException.class, () -> CudaBackend.open(noCudnn, 0, CudnnOptions.DEFAULT));
    }

    @Test
    void aSmallWorkspaceLimitStillConvolvesCorrectly() {
        DeviceReport r = requireGpu();
        float[] x = TestTensors.uniform(1, 2 * 8 * 16 * 16, -1, 1);
        float[] w = TestTensors.uniform(2, 16 * 8 * 3 * 3, -1, 1);
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1);
        Shape xs = Shape.nchw(2, 8, 16, 16);
        Shape ws = Shape.of(16, 8, 3, 3);
        Shape ys = spec.outputShape(xs, ws);
        float[] expected;
        try (CpuBackend cpu = new CpuBackend(1); Tensor xt = cpu.upload(xs, x); Tensor wt = cpu.upload(ws, w);
             Tensor yt = cpu.allocate(ys)) {
            cpu.convolution().forward(xt, wt, spec, yt);
            expected = cpu.download(yt);
        }
        try (CudaBackend gpu = CudaBackend.open(r, 0, CudnnOptions.DEFAULT.withWorkspaceLimit(0));
             Tensor xt = gpu.upload(xs, x); Tensor wt = gpu.upload(ws, w); Tensor yt = gpu.allocate(ys)) {
            gpu.convolution().forward(xt, wt, spec, yt);
            // fp32 sums of 72 products in another order: a few ulps of the largest partial sums.
            TestTensors.assertClose("conv under a zero workspace limit", expected, gpu.download(yt), 1e-4, 1e-4);
        }
    }

    /**
     * TF32 rounds each input of a product to a 10-bit mantissa (relative error up to 2^-11 per input), so
     * a sum of 576 products of U(-1,1) values, of size about 8, may move by a few hundredths.
     */
    @Test
    void tf32ConvolutionAndGemmComputeTheSameFunctionToTf32Precision() {
        DeviceReport r = requireGpu();
        Shape xs = Shape.nchw(8, 64, 16, 16);
        Shape ws = Shape.of(64, 64, 3, 3);
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1);
        Shape ys = spec.outputShape(xs, ws);
        float[] x = TestTensors.uniform(11, (int) xs.size(), -1, 1);
        float[] w = TestTensors.uniform(12, (int) ws.size(), -1, 1);
        float[] a = TestTensors.uniform(13, 128 * 576, -1, 1);
        float[] b = TestTensors.uniform(14, 576 * 96, -1, 1);
        float[] conv;
        float[] gemm;
        try (CpuBackend cpu = new CpuBackend(2); Tensor xt = cpu.upload(xs, x); Tensor wt = cpu.upload(ws, w);
             Tensor yt = cpu.allocate(ys); Tensor at = cpu.upload(Shape.of(128, 576), a);
             Tensor bt = cpu.upload(Shape.of(576, 96), b); Tensor ct = cpu.allocate(Shape.of(128, 96))) {
            cpu.convolution().forward(xt, wt, spec, yt);
            cpu.blas().gemm(false, false, 1f, at, bt, 0f, ct);
            conv = cpu.download(yt);
            gemm = cpu.download(ct);
        }
        try (CudaBackend gpu = CudaBackend.open(r, 0, CudnnOptions.DEFAULT.withTf32(true));
             Tensor xt = gpu.upload(xs, x); Tensor wt = gpu.upload(ws, w); Tensor yt = gpu.allocate(ys);
             Tensor at = gpu.upload(Shape.of(128, 576), a); Tensor bt = gpu.upload(Shape.of(576, 96), b);
             Tensor ct = gpu.allocate(Shape.of(128, 96))) {
            gpu.convolution().forward(xt, wt, spec, yt);
            gpu.blas().gemm(false, false, 1f, at, bt, 0f, ct);
            TestTensors.assertClose("TF32 convolution", conv, gpu.download(yt), 5e-2, 1e-2);
            TestTensors.assertClose("TF32 GEMM", gemm, gpu.download(ct), 5e-2, 1e-2);
        }
    }

    @Test
    void deterministicModeGivesIdenticalResultsTwice() {
        DeviceReport r = requireGpu();
        Shape xs = Shape.nchw(4, 16, 12, 12);
        Shape ws = Shape.of(32, 16, 3, 3);
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1);
        try (CudaBackend gpu = CudaBackend.open(r, 0, CudnnOptions.DEFAULT.withDeterministic(true));
             Tensor x = gpu.upload(xs, TestTensors.uniform(3, (int) xs.size(), -1, 1));
             Tensor dy = gpu.upload(spec.outputShape(xs, ws), TestTensors.uniform(4, (int) spec.outputShape(xs, ws).size(), -1, 1));
             Tensor dw = gpu.allocate(ws)) {
            gpu.convolution().backwardFilter(x, dy, spec, dw);
            float[] first = gpu.download(dw);
            gpu.convolution().backwardFilter(x, dy, spec, dw);
            assertArrayEquals(first, gpu.download(dw), "bit-identical backward filter in deterministic mode");
        }
    }

    @Test
    void aTrainingStepAllocatesNothingAfterTheFirst() {
        DeviceReport r = requireGpu();
        try (CudaBackend gpu = CudaBackend.open(r, 0, CudnnOptions.DEFAULT)) {
            Shape xs = Shape.nchw(8, 3, 16, 16);
            Shape ws = Shape.of(4, 3, 3, 3);
            Conv2dSpec spec = Conv2dSpec.of(3, 1, 1);
            try (Tensor w = gpu.upload(ws, TestTensors.uniform(5, (int) ws.size(), -0.5f, 0.5f));
                 Tensor m = gpu.allocate(ws); Tensor v = gpu.allocate(ws)) {
                long mallocsAfterFirst = -1;
                for (int step = 1; step <= 3; step++) {
                    try (Tensor x = gpu.upload(xs, TestTensors.uniform(step, (int) xs.size(), -1, 1));
                         Tensor y = gpu.allocate(spec.outputShape(xs, ws));
                         Tensor logits = y.reshape(Shape.of(8, (int) (y.size() / 8)));
                         Tensor labels = gpu.upload(Shape.of(8), 0, 1, 2, 3, 4, 5, 6, 7);
                         Tensor grad = gpu.allocate(logits.shape()); Tensor dw = gpu.allocate(ws)) {
                        gpu.convolution().forward(x, w, spec, y);
                        gpu.losses().softmaxCrossEntropy(logits, labels, 0f, grad);
                        gpu.convolution().backwardFilter(x, grad.reshape(y.shape()), spec, dw);
                        gpu.optimizers().adam(w, dw, m, v, new OptimizerUpdate.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0, false, step));
                        gpu.synchronize();
                    }
                    if (step == 1) {
                        mallocsAfterFirst = gpu.memory().systemMallocs();
                    }
                }
                assertEquals(mallocsAfterFirst, gpu.memory().systemMallocs(), "no cudaMalloc after the first step");
            }
        }
    }
}
