package dev.cortado.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    /**
     * Schedules compute in double and round once to float, so the result is within one float ulp
     * of the exact value; two ulps leave room for the rounding of the expected literal.
     */
    private static void assertRate(double expected, float actual, String what) {
        assertEquals(expected, actual, 2 * Math.ulp((float) expected) + Float.MIN_VALUE, what);
    }

    @Test
    void constantIsTheBaseRateAtEveryStep() {
        LearningRateSchedule s = ScheduleSpec.constant().build(0.1f);
        assertRate(0.1, s.rate(0), "t=0");
        assertRate(0.1, s.rate(1_000_000), "t=1e6");
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepSize() {
        // lr·γ^⌊t/s⌋ with lr 0.1, s 3, γ 0.5
        LearningRateSchedule s = ScheduleSpec.step(3, 0.5f).build(0.1f);
        assertRate(0.1, s.rate(0), "t=0");
        assertRate(0.1, s.rate(2), "t=2");
        assertRate(0.05, s.rate(3), "t=3");
        assertRate(0.025, s.rate(6), "t=6");
        assertRate(0.025, s.rate(8), "t=8");
    }

    @Test
    void multiStepDropsByGammaOnReachingEachMilestone() {
        // lr·γ^(number of milestones ≤ t), milestones 2 and 5, γ 0.1
        LearningRateSchedule s = ScheduleSpec.multiStep(List.of(2L, 5L), 0.1f).build(1f);
        assertRate(1, s.rate(1), "t=1");
        assertRate(0.1, s.rate(2), "t=2");
        assertRate(0.1, s.rate(4), "t=4");
        assertRate(0.01, s.rate(5), "t=5");
        assertRate(0.01, s.rate(100), "t=100");
    }

    @Test
    void exponentialIsGammaToTheStep() {
        LearningRateSchedule s = ScheduleSpec.exponential(0.9f).build(0.1f);
        assertRate(0.1, s.rate(0), "t=0");
        assertRate(0.1 * 0.9f, s.rate(1), "t=1");
        assertRate(0.1 * 0.9f * 0.9f, s.rate(2), "t=2");
    }

    @Test
    void inverseTimeIsCaffesInv() {
        // lr/(1 + γt)^p; with p = 1 the decks' α₀/(1 + kt)
        LearningRateSchedule oneOverT = ScheduleSpec.inverseTime(0.5f, 1f).build(0.1f);
        assertRate(0.1, oneOverT.rate(0), "t=0");
        assertRate(0.05, oneOverT.rate(2), "t=2: 0.1/(1 + 1)");
        assertRate(0.1 / 3, oneOverT.rate(4), "t=4: 0.1/(1 + 2)");
        LearningRateSchedule inv = ScheduleSpec.inverseTime(1f, 0.75f).build(0.1f);
        assertRate(0.0125, inv.rate(15), "t=15: 0.1·16^-0.75 = 0.1/8");
    }

    @Test
    void polynomialIsCaffesPolyAndStaysAtZeroAfterTheEnd() {
        // lr·(1 − t/T)^p with T 4, p 2
        LearningRateSchedule s = ScheduleSpec.polynomial(4, 2f).build(0.1f);
        assertRate(0.1, s.rate(0), "t=0");
        assertRate(0.025, s.rate(2), "t=2: 0.1·(1/2)²");
        assertRate(0.00625, s.rate(3), "t=3: 0.1·(1/4)²");
        assertRate(0, s.rate(4), "t=T");
        assertRate(0, s.rate(10), "t>T");
    }

    @Test
    void cosineAnnealingFollowsHalfACosineToTheMinimum() {
        // η_min + (η₀ − η_min)(1 + cos(πt/T))/2 with η₀ 0.1, η_min 0.01, T 4
        LearningRateSchedule s = ScheduleSpec.cosine(4, 0.01f).build(0.1f);
        assertRate(0.1, s.rate(0), "t=0");
        assertRate(0.01 + 0.09 * (1 + Math.sqrt(0.5)) / 2, s.rate(1), "t=1: cos(π/4) = √½");
        assertRate(0.055, s.rate(2), "t=T/2: halfway");
        assertRate(0.01, s.rate(4), "t=T");
        assertRate(0.01, s.rate(8), "t>T stays at η_min");
    }

    @Test
    void warmupRisesLinearlyFromStartFactorThenStartsTheInnerScheduleAtItsStepZero() {
        // PyTorch SequentialLR([LinearLR(start_factor=0.25, total_iters=4), CosineAnnealingLR(T_max=4)], milestones=[4])
        LearningRateSchedule s = ScheduleSpec.cosine(4, 0f).withWarmup(4, 0.25f).build(0.1f);
        assertInstanceOf(LinearWarmup.class, s);
        assertRate(0.025, s.rate(0), "t=0: 0.25·lr");
        assertRate(0.0625, s.rate(2), "t=2: (0.25 + 0.75·2/4)·lr");
        assertRate(0.08125, s.rate(3), "t=3: (0.25 + 0.75·3/4)·lr");
        assertRate(0.1, s.rate(4), "t=W: cosine step 0");
        assertRate(0.05, s.rate(6), "t=W+2: cosine halfway");
        assertRate(0, s.rate(8), "t=W+T: cosine end");
    }

    @Test
    void warmupComposesWithAStepSchedule() {
        LearningRateSchedule s = ScheduleSpec.step(2, 0.5f).withWarmup(2, 0.5f).build(1f);
        assertRate(0.5, s.rate(0), "warmup start");
        assertRate(0.75, s.rate(1), "warmup middle");
        assertRate(1, s.rate(2), "step schedule t=0");
        assertRate(0.5, s.rate(4), "step schedule t=2");
    }

    @Test
    void multiStepMilestonesCountFromTheStartOfTrainingWithAWarmup() {
        // Detectron2's WarmupMultiStepLR: lr·w(t)·γ^(milestones ≤ t), w(t) = s + (1 − s)·t/W below W, else 1.
        // Milestones 1 and 3, γ 0.1, warmup W = 1 from s = 1/3: the drops come at steps 1 and 3, not 2 and 4.
        LearningRateSchedule s = ScheduleSpec.multiStep(List.of(1L, 3L), 0.1f).withWarmup(1, 1f / 3).build(0.1f);
        assertRate(0.1 / 3, s.rate(0), "t=0: warmup start, no milestone reached");
        assertRate(0.01, s.rate(1), "t=1: warmup over, first milestone");
        assertRate(0.01, s.rate(2), "t=2");
        assertRate(0.001, s.rate(3), "t=3: second milestone");
        assertRate(0.001, s.rate(4), "t=4");
    }

    @Test
    void aMilestoneInsideTheWarmupScalesTheWarmupToo() {
        // Milestone 2 inside a warmup of 4 from s = 0.5: w(t)·γ^k, with k counted at the same step t.
        LearningRateSchedule s = ScheduleSpec.multiStep(List.of(2L), 0.5f).withWarmup(4, 0.5f).build(1f);
        assertRate(0.5, s.rate(0), "t=0: 0.5·1");
        assertRate(0.625, s.rate(1), "t=1: 0.625·1");
        assertRate(0.375, s.rate(2), "t=2: 0.75·0.5");
        assertRate(0.4375, s.rate(3), "t=3: 0.875·0.5");
        assertRate(0.5, s.rate(4), "t=4: 1·0.5");
    }

    @Test
    void noWarmupBuildsTheInnerScheduleItself() {
        assertInstanceOf(CosineAnnealing.class, ScheduleSpec.cosine(10, 0f).build(1f));
    }

    @Test
    void theSpecCarriesItsStepUnit() {
        assertEquals(StepUnit.ITERATION, ScheduleSpec.constant().unit());
        assertEquals(StepUnit.EPOCH, ScheduleSpec.constant().per(StepUnit.parse("epoch")).unit());
    }

    @Test
    void caffeNamesAreAliases() {
        assertEquals(ScheduleType.INVERSE_TIME, ScheduleType.parse("inv"));
        assertEquals(ScheduleType.POLYNOMIAL, ScheduleType.parse("poly"));
        assertEquals(ScheduleType.CONSTANT, ScheduleType.parse("fixed"));
        assertEquals(ScheduleType.COSINE, ScheduleType.parse("Cosine"));
        String m = assertThrows(IllegalArgumentException.class, () -> ScheduleType.parse("cyclic")).getMessage();
        assertTrue(m.contains("'cyclic'") && m.contains("multistep") && m.contains("cosine"), m);
    }

    @Test
    void invalidFieldsAreNamedWithTheirValues() {
        assertMessage("step schedule: stepSize must be >= 1, got 0", () -> ScheduleSpec.step(0, 0.5f));
        assertMessage("exponential schedule: gamma must be in (0, 1], got 0.0", () -> ScheduleSpec.exponential(0f));
        assertMessage("multistep schedule: milestones must be increasing and >= 1, got [5, 3]",
                () -> ScheduleSpec.multiStep(List.of(5L, 3L), 0.1f));
        assertMessage("cosine schedule: totalSteps must be >= 1, got 0", () -> ScheduleSpec.cosine(0, 0f));
        assertMessage("polynomial schedule: power must be a finite number >= 0, got -1.0", () -> ScheduleSpec.polynomial(5, -1f));
        assertMessage("warmup: warmupStartFactor must be in [0, 1], got 1.5", () -> ScheduleSpec.constant().withWarmup(5, 1.5f));
        assertMessage("warmup: warmupSteps must be >= 0, got -2", () -> ScheduleSpec.constant().withWarmup(-2, 0.1f));
        assertMessage("constant schedule: baseRate must be a finite number >= 0, got -0.1", () -> ScheduleSpec.constant().build(-0.1f));
        assertMessage("cosine schedule: step must be >= 0, got -1", () -> ScheduleSpec.cosine(4, 0f).build(1f).rate(-1));
    }

    @Test
    void specsRoundTripThroughJsonForCheckpoints() {
        List<ScheduleSpec> specs = List.of(
                ScheduleSpec.constant(),
                ScheduleSpec.step(30, 0.1f).per(StepUnit.EPOCH),
                ScheduleSpec.multiStep(List.of(100L, 150L), 0.1f),
                ScheduleSpec.exponential(0.95f),
                ScheduleSpec.inverseTime(1e-4f, 0.75f),
                ScheduleSpec.polynomial(10_000, 0.9f),
                ScheduleSpec.cosine(200, 1e-5f).withWarmup(5, 0.1f));
        for (ScheduleSpec spec : specs) {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = (Map<String, Object>) Json.parse(Json.write(spec.parameters()));
            ScheduleSpec back = ScheduleSpec.fromParameters(parsed);
            assertEquals(spec.parameters(), back.parameters(), spec.type().configName());
            for (long t : new long[] {0, 3, 7, 120, 10_000}) {
                assertEquals(spec.build(0.1f).rate(t), back.build(0.1f).rate(t), spec.type() + " at " + t);
            }
        }
        assertEquals("{\"type\":\"cosine\",\"unit\":\"iteration\",\"totalSteps\":200,\"minRate\":1.0E-5,"
                + "\"warmupSteps\":5,\"warmupStartFactor\":0.1}", Json.write(specs.get(6).parameters()));
        assertMessage("schedule parameters: unknown key 'period'",
                () -> ScheduleSpec.fromParameters(Map.of("type", "step", "period", 3)));
    }

    private static void assertMessage(String expected, Runnable r) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, r::run).getMessage());
    }
}
