package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.Pointer;
import org.junit.jupiter.api.Test;

/**
 * cudaMalloc's out-of-memory answer, as JCuda gives it with its exceptions on: the allocator gets null (and
 * frees its cache and retries), the error is cleared with cudaGetLastError, whose own exception is the
 * expected answer — and JCuda's exceptions stay on for every other thread.
 */
class CudaMallocTest {
    /** 2 is cudaErrorMemoryAllocation. */
    private static final int OUT_OF_MEMORY = 2;

    private static final class FakeRuntime implements CudaMemoryPool.RuntimeMemory {
        final boolean throwing;
        int mallocStatus;
        int lastErrorCalls;

        FakeRuntime(boolean throwing, int mallocStatus) {
            this.throwing = throwing;
            this.mallocStatus = mallocStatus;
        }

        private int answer(int status) {
            if (throwing && status != 0) {
                throw new jcuda.CudaException(jcuda.runtime.cudaError.stringFor(status));
            }
            return status;
        }

        @Override
        public int malloc(Pointer p, long bytes) {
            return answer(mallocStatus);
        }

        @Override
        public int getLastError() {
            lastErrorCalls++;
            int status = mallocStatus;
            mallocStatus = 0;
            return answer(status);
        }

        @Override
        public int free(Pointer p) {
            return 0;
        }

        @Override
        public int memGetInfo(long[] free, long[] total) {
            return 0;
        }
    }

    @Test
    void outOfMemoryWithExceptionsOnIsNullAndTheErrorIsCleared() {
        FakeRuntime runtime = new FakeRuntime(true, OUT_OF_MEMORY);
        assertNull(new CudaMemoryPool.CudaMalloc(runtime).malloc(1 << 30));
        assertEquals(1, runtime.lastErrorCalls);
    }

    @Test
    void outOfMemoryAsAStatusIsNullToo() {
        FakeRuntime runtime = new FakeRuntime(false, OUT_OF_MEMORY);
        assertNull(new CudaMemoryPool.CudaMalloc(runtime).malloc(1 << 30));
        assertEquals(1, runtime.lastErrorCalls);
    }

    @Test
    void anotherErrorNamesTheCallAndASuccessIsAPointer() {
        CudaException e = assertThrows(CudaException.class,
                () -> new CudaMemoryPool.CudaMalloc(new FakeRuntime(true, 700)).malloc(64));
        assertTrue(e.getMessage().contains("cudaMalloc(64)"), e.getMessage());
        assertNotNull(new CudaMemoryPool.CudaMalloc(new FakeRuntime(true, 0)).malloc(64));
    }
}
