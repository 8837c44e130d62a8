package dev.cortado.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * A page-locked host buffer through which host arrays reach the device: copies from pinned memory are
 * truly asynchronous, so an upload returns once queued and the next batch can be staged while the
 * current one computes. An event marks when the device has read the buffer, so it is refilled only then.
 */
final class PinnedStaging implements AutoCloseable {
    /** Copies larger than this go through in chunks, bounding the pinned memory held. */
    static final int MAX_CHUNK_FLOATS = 16 << 20;

    private final cudaStream_t stream;
    private final cudaEvent_t consumed = new cudaEvent_t();
    private Pointer host = new Pointer();
    private ByteBuffer bytes;
    private FloatBuffer view;
    private int capacity;

    PinnedStaging(cudaStream_t stream) {
        this.stream = stream;
        CudaCalls.runtime("staging", "cudaEventCreate", () -> JCuda.cudaEventCreate(consumed));
        CudaCalls.runtime("staging", "cudaEventRecord", () -> JCuda.cudaEventRecord(consumed, stream));
    }

    private void ensure(int floats) {
        if (floats <= capacity) {
            return;
        }
        CudaCalls.runtime("staging", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(consumed));
        if (capacity > 0) {
            Pointer old = host;
            CudaCalls.runtime("staging", "cudaFreeHost", () -> JCuda.cudaFreeHost(old));
        }
        host = new Pointer();
        long size = (long) floats * Float.BYTES;
        CudaCalls.runtime("staging", "cudaHostAlloc(" + size + ")",
                () -> JCuda.cudaHostAlloc(host, size, JCuda.cudaHostAllocDefault));
        bytes = host.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        view = bytes.asFloatBuffer();
        capacity = floats;
    }

    void upload(float[] source, int offset, int count, Pointer device) {
        for (int from = 0; from < count; from += MAX_CHUNK_FLOATS) {
            int n = Math.min(MAX_CHUNK_FLOATS, count - from);
            ensure(n);
            CudaCalls.runtime("copyFromHost", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(consumed));
            view.clear();
            view.put(source, offset + from, n);
            Pointer target = device.withByteOffset((long) from * Float.BYTES);
            CudaCalls.runtime("copyFromHost", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(target, host,
                    (long) n * Float.BYTES, cudaMemcpyKind.cudaMemcpyHostToDevice, stream));
            CudaCalls.runtime("copyFromHost", "cudaEventRecord", () -> JCuda.cudaEventRecord(consumed, stream));
        }
    }

    /** As {@link #upload}, for {@code count} bytes (8-bit pixels) rather than floats. */
    void uploadBytes(byte[] source, int offset, int count, Pointer device) {
        int chunk = MAX_CHUNK_FLOATS * Float.BYTES;
        for (int from = 0; from < count; from += chunk) {
            int n = Math.min(chunk, count - from);
            ensure((n + Float.BYTES - 1) / Float.BYTES);
            CudaCalls.runtime("copyFromHost", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(consumed));
            bytes.clear();
            bytes.put(source, offset + from, n);
            Pointer target = device.withByteOffset(from);
            CudaCalls.runtime("copyFromHost", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(target, host, n,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, stream));
            CudaCalls.runtime("copyFromHost", "cudaEventRecord", () -> JCuda.cudaEventRecord(consumed, stream));
        }
    }

    void download(Pointer device, float[] destination, int offset, int count) {
        for (int from = 0; from < count; from += MAX_CHUNK_FLOATS) {
            int n = Math.min(MAX_CHUNK_FLOATS, count - from);
            ensure(n);
            Pointer source = device.withByteOffset((long) from * Float.BYTES);
            CudaCalls.runtime("copyToHost", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(host, source,
                    (long) n * Float.BYTES, cudaMemcpyKind.cudaMemcpyDeviceToHost, stream));
            CudaCalls.runtime("copyToHost", "cudaStreamSynchronize", () -> JCuda.cudaStreamSynchronize(stream));
            view.clear();
            view.get(destination, offset + from, n);
        }
    }

    @Override
    public void close() {
        JCuda.cudaEventSynchronize(consumed);
        if (capacity > 0) {
            JCuda.cudaFreeHost(host);
        }
        JCuda.cudaEventDestroy(consumed);
        capacity = 0;
    }
}
