package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The download progress: plain lines at each quarter off a terminal, one bar redrawn in place on it. */
class DownloadProgressTest {
    private long now;

    @Test
    void offATerminalALineAtEachQuarterThenTheSummary() {
        StringWriter text = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(text), false, () -> now);
        p.start("a.gz", 4_000_000);
        for (int mb = 1; mb <= 4; mb++) {
            now += 500_000_000L;
            p.advance(mb * 1_000_000L);
        }
        p.end();
        assertEquals(String.join(System.lineSeparator(),
                "a.gz  25% 1.0/4.0 MB 2.0 MB/s",
                "a.gz  50% 2.0/4.0 MB 2.0 MB/s",
                "a.gz  75% 3.0/4.0 MB 2.0 MB/s",
                "a.gz 4.0 MB in 2.0 s, 2.0 MB/s") + System.lineSeparator(), text.toString());
    }

    @Test
    void aTransferCutShortSaysHowFarItGot() {
        assertEquals("a.gz stopped after 1.5 of 4.0 MB in 1.0 s, 1.5 MB/s",
                DownloadProgress.summary("a.gz", 1_500_000, 4_000_000, 1.0));
        assertEquals("a.gz 1.5 MB in 1.0 s, 1.5 MB/s", DownloadProgress.summary("a.gz", 1_500_000, -1, 1.0));
    }

    @Test
    void onATerminalOneBarRedrawnInPlace() {
        StringWriter text = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(text), true, () -> now);
        p.start("a.gz", 2_000_000);
        now += 1_000_000_000L;
        p.advance(1_000_000);
        now += 1_000_000_000L;
        p.advance(2_000_000);
        p.end();
        String s = text.toString();
        assertTrue(s.startsWith("\ra.gz [============>           ] 1.0/2.0 MB 1.0 MB/s\ra.gz [========================] 2.0/2.0"
                + " MB 1.0 MB/s\ra.gz 2.0 MB in 2.0 s, 1.0 MB/s"), s);
        assertEquals(1, s.split("\n", -1).length - 1, "one line in all: " + s);
    }
}
