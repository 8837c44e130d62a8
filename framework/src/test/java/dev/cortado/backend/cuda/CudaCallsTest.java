package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Error mapping: a failing status, returned or thrown by JCuda, becomes a CudaException naming op and call. */
class CudaCallsTest {
    @Test
    void aReturnedStatusIsNamedWithTheOpAndTheCall() {
        CudaException e = assertThrows(CudaException.class,
                () -> CudaCalls.cudnn("conv2d forward", "cudnnConvolutionForward", () -> 3));
        assertEquals("conv2d forward: cudnnConvolutionForward failed: CUDNN_STATUS_BAD_PARAM", e.getMessage());
        assertEquals("conv2d forward", e.op());
        assertEquals("cudnnConvolutionForward", e.call());
        assertEquals("CUDNN_STATUS_BAD_PARAM", e.status());
    }

    @Test
    void eachLibraryNamesItsOwnStatuses() {
        assertEquals("cudaErrorMemoryAllocation", CudaCalls.Library.RUNTIME.statusName(2));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", CudaCalls.Library.CUBLAS.statusName(7));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaCalls.Library.DRIVER.statusName(2));
        assertEquals("NVRTC_ERROR_COMPILATION", CudaCalls.Library.NVRTC.statusName(6));
    }

    @Test
    void aThrownJCudaExceptionIsWrappedWithItsMessageAndCause() {
        jcuda.CudaException thrown = new jcuda.CudaException("CUBLAS_STATUS_EXECUTION_FAILED");
        CudaException e = assertThrows(CudaException.class, () -> CudaCalls.cublas("dense forward", "cublasSgemm",
                () -> { throw thrown; }));
        assertEquals("dense forward: cublasSgemm failed: CUBLAS_STATUS_EXECUTION_FAILED", e.getMessage());
        assertSame(thrown, e.getCause());
    }

    /** Status 0 is success in all five libraries: the call runs once and nothing is raised. */
    @Test
    void successRunsTheCallOnceAndRaisesNothing() {
        for (CudaCalls.Library library : CudaCalls.Library.values()) {
            AtomicInteger runs = new AtomicInteger();
            assertDoesNotThrow(() -> CudaCalls.check(library, "op", "call", () -> {
                runs.incrementAndGet();
                return 0;
            }), library + " status 0");
            assertEquals(1, runs.get(), library + ": the native call runs exactly once");
        }
    }
}
