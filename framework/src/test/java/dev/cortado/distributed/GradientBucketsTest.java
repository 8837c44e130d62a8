package dev.cortado.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A bucket's all-reduce starts as soon as backward has written its last gradient, and buckets start in order. */
class GradientBucketsTest {
    private static final Backend CPU = new CpuBackend(1);

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** Records what was all-reduced, and how many nodes backward had finished by then. */
    private static final class RecordingRank implements Collective {
        final List<List<Tensor>> reduced = new ArrayList<>();
        final List<Integer> nodesDoneAt = new ArrayList<>();
        int nodesDone;

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public Work allReduce(List<Tensor> tensors) {
            reduced.add(tensors);
            nodesDoneAt.add(nodesDone);
            return new Work() {
                @Override
                public void await() {
                }

                @Override
                public boolean isCompleted() {
                    return true;
                }
            };
        }

        @Override
        public void broadcast(List<Tensor> tensors, int root) {
        }

        @Override
        public void barrier() {
        }

        @Override
        public void abort(Throwable cause) {
        }

        @Override
        public long allReduceNanos() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void eachBucketStartsDuringBackwardAsSoonAsItIsComplete() {
        try (Network net = NetworkBuilder.input(Shape.of(1, 6, 6)).conv2d("conv1", 2, 3, 1, 1).relu("relu")
                .conv2d("conv2", 2, 3, 1, 1).flatten("flat").dense("fc", 3).build(CPU, 1);
             Tensor x = CPU.allocate(Shape.of(2, 1, 6, 6));
             Tensor dy = CPU.upload(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)) {
            List<Parameter> params = net.parameters();
            long[] bytes = params.stream().mapToLong(p -> p.value().size() * 4).toArray();
            // fc's weight and bias (72 + 3 floats) exceed 100 bytes together: buckets of one tensor or two small ones.
            BucketPlan plan = BucketPlan.of(bytes, 100);
            RecordingRank rank = new RecordingRank();
            GradientBuckets buckets = new GradientBuckets(params, plan, rank, new GradientBuckets.Exposure(1));
            net.setGradientHook((first, count) -> {
                buckets.gradientsReady(first, count);
                rank.nodesDone++;
            });
            net.forward(x, dev.cortado.nn.Mode.TRAIN);
            buckets.begin();
            net.backward(dy);
            buckets.awaitAll();
            assertEquals(plan.buckets(), rank.reduced.size(), "every bucket, once");
            for (int b = 0; b < plan.buckets(); b++) {
                int[] members = plan.parametersOf(b);
                for (int i = 0; i < members.length; i++) {
                    assertTrue(rank.reduced.get(b).get(i) == params.get(members[i]).gradient());
                }
            }
            // fc's buckets start before conv2's backward, conv2's before conv1's: none waits for the end.
            assertEquals(0, rank.nodesDoneAt.get(0), "fc's gradients go while conv2 still runs backward");
            assertTrue(rank.nodesDoneAt.get(plan.bucketOf()[0]) < 3, "the last bucket at conv1's end");
        }
    }

    @Test
    void bucketsStartInOrderEvenWhenALaterOneIsCompleteFirst() {
        RecordingRank rank = new RecordingRank();
        try (Tensor a = CPU.allocate(Shape.of(4)); Tensor b = CPU.allocate(Shape.of(4));
             Tensor ga = CPU.allocate(Shape.of(4)); Tensor gb = CPU.allocate(Shape.of(4))) {
            List<Parameter> params = List.of(Parameter.weight("a", a, ga), Parameter.weight("b", b, gb));
            BucketPlan plan = BucketPlan.of(new long[] {16, 16}, 16);
            GradientBuckets buckets = new GradientBuckets(params, plan, rank, new GradientBuckets.Exposure(1));
            buckets.begin();
            buckets.gradientsReady(0, 1);
            assertEquals(0, rank.reduced.size(), "bucket 1 waits for bucket 0");
            assertThrows(IllegalStateException.class, buckets::awaitAll);
            buckets.gradientsReady(1, 1);
            assertEquals(List.of(List.of(gb), List.of(ga)), rank.reduced);
            buckets.awaitAll();
        }
    }
}
