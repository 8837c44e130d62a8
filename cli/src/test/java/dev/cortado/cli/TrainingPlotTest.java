package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.train.EpochResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotTest {
    @TempDir
    Path dir;

    private static EpochResult epoch(int e) {
        return new EpochResult(e, 100L * (e + 1), 1.0 / (e + 1), 0.5 + 0.1 * e, 1000, 1.0, null);
    }

    @Test
    void eachEpochRewritesThePng() throws Exception {
        Path png = dir.resolve("plot.png");
        TrainingPlot plot = new TrainingPlot(png, "lenet5", null);
        plot.onEpochEnd(null, epoch(0));
        plot.onEpochEnd(null, epoch(1));
        byte[] header = Files.readAllBytes(png);
        assertEquals((byte) 0x89, header[0]);
        assertEquals('P', header[1]);
        assertFalse(Files.exists(dir.resolve("plot.png.tmp")), "the temporary file is renamed, not left behind");
    }

    /** A JRE whose font manager cannot load (seen: libharfbuzz.so.0 missing) must not end the training run. */
    @Test
    void aPlotThatCannotBeDrawnIsDroppedWithoutStoppingTraining() {
        AtomicInteger attempts = new AtomicInteger();
        TrainingPlot plot = new TrainingPlot(dir.resolve("plot.png"), "lenet5", null, (file, chart) -> {
            attempts.incrementAndGet();
            throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
        });
        plot.onEpochEnd(null, epoch(0));
        plot.onEpochEnd(null, epoch(1));
        assertEquals(1, attempts.get(), "after the first failure the plot is not tried again");
        assertTrue(Files.notExists(dir.resolve("plot.png")));
    }

    /** A resumed run draws the whole run: the epochs before the resume come from its metrics file. */
    @Test
    void aResumedRunsPlotStartsWithTheEpochsInItsMetricsFile() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.csv"), dev.cortado.train.MetricsCsvLog.HEADER + "\n"
                + "1,10,0.9,0.6,0.8,0.65,0.9,0.001,100.0,1.0\n"
                + "2,20,0.7,0.7,0.6,0.72,0.95,0.001,100.0,1.0\n"
                + "3,30,0.6,0.75,0.5,0.74,0.96,0.001,100.0,1.0\n");
        TrainingPlot plot = new TrainingPlot(dir.resolve("plot.png"), "lenet5", metrics);
        // The checkpoint resumed from was written after epoch 2: epoch 3's row is from after it and is redone.
        plot.addEarlierEpochs(2);
        plot.onEpochEnd(null, epoch(2));
        assertEquals(3, plot.epochs());
    }
}
