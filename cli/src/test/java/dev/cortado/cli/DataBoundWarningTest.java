package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.train.EpochResult;
import org.junit.jupiter.api.Test;

class DataBoundWarningTest {
    @Test
    void warnsOnceWhenAnEpochWaitedForDataMoreThanAQuarterOfTheTime() {
        DataBoundWarning w = new DataBoundWarning("raise --workers", System::nanoTime);
        w.onEpochEnd(null, new EpochResult(0, 10, 1, 0.5, 100, 1, null, 0.2));
        assertFalse(w.warned(), "20% is below the threshold");
        w.onEpochEnd(null, new EpochResult(1, 20, 1, 0.5, 100, 1, null, Double.NaN));
        assertFalse(w.warned(), "not measured");
        try (LogCapture log = new LogCapture()) {
            w.onEpochEnd(null, new EpochResult(2, 30, 1, 0.5, 100, 1, null, 0.62));
            w.onEpochEnd(null, new EpochResult(3, 40, 1, 0.5, 100, 1, null, 0.7));
            assertTrue(w.warned());
            String text = log.text();
            assertTrue(text.contains("WARN  the data loader cannot keep up") && text.contains("62% of the time in epoch 3")
                    && text.contains("raise --workers"), text);
            assertTrue(text.indexOf("cannot keep up") == text.lastIndexOf("cannot keep up"), "once: " + text);
        }
    }
}
