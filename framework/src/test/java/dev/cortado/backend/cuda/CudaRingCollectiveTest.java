package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Backends;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.distributed.Collective;
import dev.cortado.distributed.RingSchedule;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The in-process CUDA transport on the GPUs present: three replicas (on one GPU if there is only one) sum
 * in the ring order the schedule promises, bit for bit, and every replica ends with the same bits. Skipped
 * without a GPU; benchmarks/gpu/device_checks.sh runs it where one is lent.
 */
class CudaRingCollectiveTest {
    @Test
    void theRingConnectsCudaBackendsOnly() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            assertThrows(IllegalArgumentException.class, () -> CudaRingCollective.group(List.of(cpu)));
        }
    }

    @Test
    void threeReplicasSumInRingOrderOnEveryRank() throws Exception {
        DeviceReport report = Backends.deviceReport();
        Assumptions.assumeTrue(report.available(), () -> "no usable CUDA device: " + report.reason());
        int ranks = 3;
        // Uneven sizes, and fewer elements in the last tensor than the ring has ranks.
        int[] sizes = {1000, 7, 2};
        int total = 1009;
        List<Backend> backends = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            backends.add(CudaBackend.open(report, r % report.gpus().size(), CudnnOptions.DEFAULT.withDeterministic(true)));
        }
        float[][] host = new float[ranks][total];
        SplittableRandom random = new SplittableRandom(5);
        for (float[] row : host) {
            for (int i = 0; i < total; i++) {
                row[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-3, 4)));
            }
        }
        List<Collective> group = CudaRingCollective.group(backends);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    Backend b = backends.get(rank);
                    List<Tensor> tensors = new ArrayList<>();
                    int offset = 0;
                    for (int n : sizes) {
                        float[] part = java.util.Arrays.copyOfRange(host[rank], offset, offset + n);
                        tensors.add(b.upload(Shape.of(n), part));
                        offset += n;
                    }
                    group.get(rank).allReduce(tensors).await();
                    float[] out = new float[total];
                    offset = 0;
                    for (Tensor t : tensors) {
                        b.tensors().copyToHost(t, out, offset);
                        offset += (int) t.size();
                    }
                    group.get(rank).barrier();
                    return out;
                }));
            }
            RingSchedule ring = new RingSchedule(ranks, total);
            float[] want = new float[total];
            for (int c = 0; c < ranks; c++) {
                for (long i = ring.chunkStart(c); i < ring.chunkStart(c) + ring.chunkSize(c); i++) {
                    float s = host[c][(int) i];
                    for (int j = 1; j < ranks; j++) {
                        s += host[(c + j) % ranks][(int) i];
                    }
                    want[(int) i] = s;
                }
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(want, f.get(), 0f);
            }
            assertTrue(group.get(0).allReduceNanos() > 0);
        } finally {
            pool.shutdownNow();
            group.forEach(Collective::close);
            backends.forEach(Backend::close);
        }
    }
}
