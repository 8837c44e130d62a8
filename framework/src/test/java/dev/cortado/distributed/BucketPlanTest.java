package dev.cortado.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Buckets as PyTorch DDP's Reducer fills them: reverse parameter order, a byte cap, never empty. */
class BucketPlanTest {
    @Test
    void everythingFitsInOneBucket() {
        BucketPlan p = BucketPlan.of(new long[] {400, 40, 4000, 16}, 1 << 20);
        assertEquals(1, p.buckets());
        assertArrayEquals(new int[] {0, 0, 0, 0}, p.bucketOf());
        assertArrayEquals(new long[] {4456}, p.bytes());
        assertArrayEquals(new int[] {3, 2, 1, 0}, p.parametersOf(0), "in the order backward produces them");
    }

    @Test
    void bucketsFillInReverseOrderUpToTheCapAndAreUneven() {
        // From the last parameter back: 30 + 50 fit under 100, 60 does not; 60 + 20 fit; 70 starts another.
        BucketPlan p = BucketPlan.of(new long[] {70, 20, 60, 50, 30}, 100);
        assertArrayEquals(new int[] {2, 1, 1, 0, 0}, p.bucketOf());
        assertArrayEquals(new int[] {2, 2, 1}, p.sizes());
        assertArrayEquals(new long[] {80, 80, 70}, p.bytes());
    }

    @Test
    void aParameterLargerThanABucketGetsOneOfItsOwn() {
        BucketPlan p = BucketPlan.of(new long[] {10, 1000, 10}, 100);
        assertArrayEquals(new int[] {2, 1, 0}, p.bucketOf());
        assertArrayEquals(new long[] {10, 1000, 10}, p.bytes());
    }

    @Test
    void zeroSizeParametersJoinTheCurrentBucketAndNoParametersMeanNoBuckets() {
        BucketPlan p = BucketPlan.of(new long[] {0, 100, 0}, 100);
        assertArrayEquals(new int[] {0, 0, 0}, p.bucketOf());
        assertEquals(0, BucketPlan.of(new long[0], 100).buckets());
        assertThrows(IllegalArgumentException.class, () -> BucketPlan.of(new long[] {4}, 0));
    }
}
