package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EvaluationResultTest {
    @Test
    void perClassAccuracyIsEachRowsDiagonalOverItsSumAndNaNForAnAbsentClass() {
        EvaluationResult r = new EvaluationResult(4, 0.5, 0.75, 1.0, new long[][] {{2, 1, 0}, {0, 1, 0}, {0, 0, 0}});
        assertArrayEquals(new double[] {2.0 / 3, 1.0, Double.NaN}, r.perClassAccuracy(), 0.0);
    }

    @Test
    void textShowsTheConfusionMatrixNumbers() {
        EvaluationResult r = new EvaluationResult(3, 0.5, 0.75, 1.0, new long[][] {{2, 1}, {0, 1}});
        String text = new EpochResult(0, 10, 0.4, 0.8, 100, 1, r).toString();
        assertTrue(text.contains("confusion=[[2, 1], [0, 1]]"), text);
    }
}
