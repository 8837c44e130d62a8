package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** n samples of 1×2×2 whose first pixel is index/255 and whose label is index mod 10. */
    static ByteImageDataset indexed(int n) {
        byte[] pixels = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[4 * i] = (byte) i;
            pixels[4 * i + 1] = (byte) (255 - i);
            pixels[4 * i + 2] = (byte) (i * 3);
            pixels[4 * i + 3] = (byte) (i * 7);
            labels[i] = (byte) (i % 10);
        }
        return new ByteImageDataset("indexed", new SampleShape(1, 2, 2), pixels, labels, 10, null);
    }

    /** A copy of what a batch holds, taken before the loader reuses its buffers. */
    record Snapshot(int epoch, int index, int[] samples, float[] images, float[] labels) {
        static Snapshot of(Batch b) {
            int[] samples = new int[b.size()];
            for (int r = 0; r < b.size(); r++) {
                samples[r] = b.sampleIndex(r);
            }
            return new Snapshot(b.epoch(), b.index(), samples, Arrays.copyOf(b.images(), b.imageLength()),
                    Arrays.copyOf(b.labels(), b.size()));
        }

        void assertSameAs(Snapshot o) {
            assertEquals(epoch, o.epoch);
            assertEquals(index, o.index);
            assertArrayEquals(samples, o.samples, "samples of epoch " + epoch + " batch " + index);
            assertArrayEquals(images, o.images, "images of epoch " + epoch + " batch " + index);
            assertArrayEquals(labels, o.labels);
        }
    }

    static List<Integer> epochOrder(DataLoader loader) {
        List<Integer> order = new ArrayList<>();
        for (Batch b : loader.epoch()) {
            for (int r = 0; r < b.size(); r++) {
                order.add(b.sampleIndex(r));
            }
        }
        return order;
    }

    @Test
    void everySampleExactlyOncePerEpochWithItsOwnPixelsAndLabel() {
        try (DataLoader loader = DataLoader.builder(indexed(23)).batchSize(5).seed(3).build()) {
            assertEquals(5, loader.batchesPerEpoch(), "ceil(23 / 5)");
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Integer> seen = new ArrayList<>();
                int batches = 0;
                for (Batch b : loader.epoch()) {
                    assertEquals(epoch, b.epoch());
                    assertEquals(batches, b.index());
                    assertEquals(batches < 4 ? 5 : 3, b.size(), "last partial batch holds 23 - 20 rows");
                    for (int r = 0; r < b.size(); r++) {
                        int i = b.sampleIndex(r);
                        seen.add(i);
                        assertEquals(i / 255f, b.images()[r * 4], 0f);
                        assertEquals(i * 7 / 255f, b.images()[r * 4 + 3], 0f);
                        assertEquals(i % 10, b.labels()[r], 0f);
                    }
                    batches++;
                }
                assertEquals(5, batches);
                Collections.sort(seen);
                List<Integer> all = new ArrayList<>();
                for (int i = 0; i < 23; i++) {
                    all.add(i);
                }
                assertEquals(all, seen);
                assertEquals(new LoaderPosition(epoch + 1, 0), loader.position());
            }
        }
    }

    @Test
    void sameSeedSameOrderOtherEpochOrSeedAnotherOrder() {
        List<Integer> a0;
        List<Integer> a1;
        List<Integer> b0;
        List<Integer> c0;
        try (DataLoader a = DataLoader.builder(indexed(50)).batchSize(8).seed(11).build()) {
            a0 = epochOrder(a);
            a1 = epochOrder(a);
        }
        try (DataLoader b = DataLoader.builder(indexed(50)).batchSize(8).seed(11).build()) {
            b0 = epochOrder(b);
        }
        try (DataLoader c = DataLoader.builder(indexed(50)).batchSize(8).seed(12).build()) {
            c0 = epochOrder(c);
        }
        assertEquals(a0, b0);
        assertNotEquals(a0, a1, "each epoch has its own permutation");
        assertNotEquals(a0, c0);
    }

    @Test
    void withoutShuffleTheOrderIsTheDatasetOrder() {
        try (DataLoader loader = DataLoader.builder(indexed(7)).batchSize(3).shuffle(false).build()) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), epochOrder(loader));
        }
    }

    @Test
    void dropLastSkipsThePartialBatch() {
        try (DataLoader loader = DataLoader.builder(indexed(23)).batchSize(5).dropLast(true).seed(1).build()) {
            assertEquals(4, loader.batchesPerEpoch(), "floor(23 / 5)");
            assertEquals(20, loader.samplesPerEpoch());
            List<Integer> order = new ArrayList<>();
            for (Batch b : loader.epoch()) {
                assertEquals(5, b.size());
                for (int r = 0; r < 5; r++) {
                    order.add(b.sampleIndex(r));
                }
            }
            assertEquals(20, order.stream().distinct().count());
            assertEquals(new LoaderPosition(1, 0), loader.position());
        }
    }

    @Test
    void fewerSamplesThanOneBatchWithDropLastIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(indexed(3)).batchSize(4).dropLast(true).build());
        assertTrue(e.getMessage().contains("fewer than one batch of 4"), e.getMessage());
    }

    @Test
    void resumingFromAPositionRepeatsTheUninterruptedBatches() {
        AugmentationPipeline augment = AugmentationPipeline.of(new RandomCrop(2, 2, 1), HorizontalFlip.half());
        List<Snapshot> straight = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(indexed(17)).batchSize(4).seed(5).augmentation(augment).build()) {
            for (int i = 0; i < 15; i++) {
                straight.add(Snapshot.of(loader.next()));
            }
        }
        LoaderPosition saved;
        try (DataLoader loader = DataLoader.builder(indexed(17)).batchSize(4).seed(5).augmentation(augment).build()) {
            for (int i = 0; i < 7; i++) {
                straight.get(i).assertSameAs(Snapshot.of(loader.next()));
            }
            saved = loader.position();
        }
        assertEquals(new LoaderPosition(1, 2), saved, "7 batches of a 5-batch epoch");
        try (DataLoader resumed = DataLoader.builder(indexed(17)).batchSize(4).seed(5).augmentation(augment).build()) {
            resumed.seek(saved);
            for (int i = 7; i < 15; i++) {
                straight.get(i).assertSameAs(Snapshot.of(resumed.next()));
            }
            // Seeking back after prefetching discards the stale batches.
            resumed.seek(0, 1);
            straight.get(1).assertSameAs(Snapshot.of(resumed.next()));
        }
    }

    @Test
    void seekingPastTheLastBatchMeansTheNextEpoch() {
        try (DataLoader loader = DataLoader.builder(indexed(10)).batchSize(5).build()) {
            loader.seek(2, 2);
            assertEquals(new LoaderPosition(3, 0), loader.position());
            assertThrows(IllegalArgumentException.class, () -> loader.seek(0, 3));
        }
    }

    @Test
    void batchBuffersComeFromASmallRing() {
        Map<float[], Boolean> arrays = new IdentityHashMap<>();
        try (DataLoader loader = DataLoader.builder(indexed(40)).batchSize(2).prefetch(2).build()) {
            for (int i = 0; i < 60; i++) {
                arrays.put(loader.next().images(), Boolean.TRUE);
            }
        }
        assertTrue(arrays.size() <= 4, "prefetch 2 + filling + held = 4 buffers, saw " + arrays.size());
    }

    @Test
    void anErrorOnTheLoaderThreadSurfacesWithItsCause() {
        IllegalStateException broken = new IllegalStateException("sample 6 is unreadable");
        ByteImageDataset good = indexed(12);
        Dataset failing = new ByteImageDataset("failing", good.sampleShape(), new byte[12 * 4], new byte[12], 10, null) {
            @Override
            public int readPixels(int index, ByteImage image) {
                if (index == 6) {
                    throw broken;
                }
                return super.readPixels(index, image);
            }
        };
        try (DataLoader loader = DataLoader.builder(failing).batchSize(4).shuffle(false).build()) {
            assertEquals(0, loader.next().index(), "batches before the failure are delivered");
            DataLoaderException e = assertThrows(DataLoaderException.class, loader::next);
            assertSame(broken, e.getCause());
            assertTrue(e.getMessage().contains("batch 1 of epoch 0") && e.getMessage().contains("failing")
                    && e.getMessage().contains("sample 6 is unreadable"), e.getMessage());
            assertThrows(DataLoaderException.class, loader::next, "the failure persists until a seek");
            loader.seek(0, 0);
            assertEquals(0, loader.next().index());
        }
    }

    @Test
    void closeStopsTheBackgroundThread() throws InterruptedException {
        DataLoader loader = DataLoader.builder(indexed(100)).batchSize(2).build();
        loader.next();
        loader.close();
        assertThrows(IllegalStateException.class, loader::next);
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("cortado-data-loader") && t.isAlive());
        assertTrue(!alive, "no loader thread survives close()");
    }

    /** Every batch of {@code epochs} epochs from a loader over {@code data}, as copies. */
    static List<Snapshot> batches(Dataset data, AugmentationPipeline augment, int workers, int epochs) {
        List<Snapshot> out = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(data).batchSize(5).seed(9).augmentation(augment).workers(workers)
                .build()) {
            for (int e = 0; e < epochs; e++) {
                for (Batch b : loader.epoch()) {
                    out.add(Snapshot.of(b));
                }
            }
        }
        return out;
    }

    @Test
    void batchesAreBitIdenticalForOneTwoAndFourWorkers() {
        AugmentationPipeline augment = AugmentationPipeline.of(new RandomCrop(2, 2, 1), HorizontalFlip.half(),
                RandomRotation.upTo(30), new Normalize(new float[] {0.3f}, new float[] {0.2f}));
        List<Snapshot> one = batches(indexed(37), augment, 1, 3);
        for (int workers : new int[] {2, 4}) {
            List<Snapshot> many = batches(indexed(37), augment, workers, 3);
            assertEquals(one.size(), many.size());
            for (int i = 0; i < one.size(); i++) {
                one.get(i).assertSameAs(many.get(i));
            }
        }
    }

    @Test
    void aResumeWithAnotherWorkerCountContinuesBitForBit() {
        AugmentationPipeline augment = AugmentationPipeline.of(new RandomCrop(2, 2, 1), HorizontalFlip.half());
        List<Snapshot> straight = batches(indexed(37), augment, 1, 2);
        try (DataLoader resumed = DataLoader.builder(indexed(37)).batchSize(5).seed(9).augmentation(augment).workers(3)
                .build()) {
            resumed.seek(0, 5);
            for (int i = 5; i < straight.size(); i++) {
                straight.get(i).assertSameAs(Snapshot.of(resumed.next()));
            }
        }
    }

    /** Samples that take a different, arbitrary time each, so that workers finish out of order. */
    static Dataset jittery(ByteImageDataset data) {
        return new ByteImageDataset("jittery", data.sampleShape(), pixelsOf(data), labelsOf(data), 10, null) {
            @Override
            public int readPixels(int index, ByteImage image) {
                try {
                    Thread.sleep((index * 7919L) % 3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.readPixels(index, image);
            }
        };
    }

    private static byte[] pixelsOf(ByteImageDataset data) {
        float[] one = new float[data.sampleShape().size()];
        byte[] pixels = new byte[data.size() * one.length];
        for (int i = 0; i < data.size(); i++) {
            data.read(i, one, 0);
            for (int k = 0; k < one.length; k++) {
                pixels[i * one.length + k] = (byte) Math.round(one[k] * 255);
            }
        }
        return pixels;
    }

    private static byte[] labelsOf(ByteImageDataset data) {
        byte[] labels = new byte[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) data.label(i);
        }
        return labels;
    }

    @Test
    void workersThatFinishOutOfOrderStillDeliverBatchesInOrder() {
        AugmentationPipeline augment = AugmentationPipeline.of(HorizontalFlip.half());
        List<Snapshot> one = batches(indexed(40), augment, 1, 2);
        List<Snapshot> four = batches(jittery(indexed(40)), augment, 4, 2);
        for (int i = 0; i < one.size(); i++) {
            one.get(i).assertSameAs(four.get(i));
        }
    }

    @Test
    void aWorkersFailureStopsTheOthersAndSurfacesOnce() {
        IllegalStateException broken = new IllegalStateException("sample 13 is unreadable");
        ByteImageDataset good = indexed(40);
        Dataset failing = new ByteImageDataset("failing", good.sampleShape(), new byte[40 * 4], new byte[40], 10, null) {
            @Override
            public int readPixels(int index, ByteImage image) {
                if (index == 13) {
                    throw broken;
                }
                return super.readPixels(index, image);
            }
        };
        try (DataLoader loader = DataLoader.builder(failing).batchSize(4).shuffle(false).workers(4).build()) {
            for (int b = 0; b < 3; b++) {
                assertEquals(b, loader.next().index(), "batches before the failing sample are delivered");
            }
            DataLoaderException e = assertThrows(DataLoaderException.class, loader::next);
            assertSame(broken, e.getCause());
            assertTrue(e.getMessage().contains("batch 3 of epoch 0"), e.getMessage());
        }
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("cortado-data-loader") && t.isAlive());
        assertTrue(!alive, "no worker survives the failure and close()");
    }

    @Test
    void theRingDoesNotGrowWithTheWorkers() {
        Map<float[], Boolean> arrays = new IdentityHashMap<>();
        try (DataLoader loader = DataLoader.builder(indexed(40)).batchSize(2).prefetch(2).workers(4).build()) {
            for (int i = 0; i < 60; i++) {
                arrays.put(loader.next().images(), Boolean.TRUE);
            }
        }
        assertTrue(arrays.size() <= 4, "prefetch 2 + filling + held = 4 buffers for any worker count, saw "
                + arrays.size());
    }

    @Test
    void aNonPositiveWorkerCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(indexed(4)).workers(0));
    }
}
