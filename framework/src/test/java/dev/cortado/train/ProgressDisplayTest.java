package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    /** 20 batches of 10 images, one per second: plain mode prints a line at every tenth, and no \r. */
    @Test
    void plainModePrintsTenLinesPerEpochWithoutControlCodes() {
        StringWriter text = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressDisplay p = new ProgressDisplay(new PrintWriter(text), false, clock::get);
        p.start(3);
        for (int b = 0; b < 20; b++) {
            clock.addAndGet(1_000_000_000L);
            p.onIteration(new IterationResult(0, b + 1, b, 20, 10, 0.5f, 8, 0.1f, 1f, false));
        }
        p.onEpoch(new EpochResult(0, 20, 0.5, 0.8, 10.0, 20.0, null, 0.62), true);
        String[] lines = text.toString().split("\n");
        assertEquals(11, lines.length, text.toString());
        assertFalse(text.toString().contains("\r"));
        // After batch 2 of 20: 20 images in 2 s (10 img/s), 18 batches left at 1 s each.
        assertEquals("epoch 1/3  10% 2/20 loss 0.5000 acc 80.00% 10 img/s ETA 0:18", lines[0]);
        assertTrue(lines[9].contains("100% 20/20") && lines[9].endsWith("ETA 0:00"), lines[9]);
        assertTrue(lines[10].startsWith("epoch 1/3 done in 20.0 s: train loss 0.5000 acc 80.00%"), lines[10]);
        assertTrue(lines[10].endsWith(", 10 img/s, data-bound: 62% of step time"), lines[10]);
    }

    @Test
    void terminalModeRedrawsOneLine() {
        String bar = ProgressDisplay.line(1, 5, 6, 12, 0.25, 0.5, 600, 3.0, true);
        assertEquals("epoch 2/5 [============>           ] 6/12 loss 0.2500 acc 50.00% 200 img/s ETA 0:03", bar);
    }
}
