package dev.cortado.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The bytes of a download on stderr, file by file: on a terminal one bar redrawn in place with
 * {@code \r}; otherwise (a log file, CI) a plain line at every quarter of a file whose size the
 * server sent, with no control codes. Each file ends with one line: its size, time and rate.
 */
final class DownloadProgress {
    /** Reports nothing (the downloader still logs each verified file). */
    static final DownloadProgress SILENT = new DownloadProgress(new PrintWriter(Writer.nullWriter()), false,
            System::nanoTime);

    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean interactive;
    private final LongSupplier clock;
    private String file;
    private long total;
    private long done;
    private long start;
    private long lastDraw;
    private int nextQuarter;
    private int drawnWidth;

    DownloadProgress(PrintWriter err, boolean interactive, LongSupplier nanoClock) {
        this.err = err;
        this.interactive = interactive;
        this.clock = nanoClock;
    }

    /** A file's transfer begins; {@code bytes} is its size, or -1 when the server did not say. */
    void start(String name, long bytes) {
        file = name;
        total = bytes;
        done = 0;
        start = clock.getAsLong();
        lastDraw = 0;
        nextQuarter = 1;
        drawnWidth = 0;
    }

    /** {@code bytes} of the file have arrived so far. */
    void advance(long bytes) {
        done = bytes;
        long now = clock.getAsLong();
        if (interactive) {
            if (now - lastDraw >= REDRAW_NANOS) {
                draw(line(file, done, total, seconds(now), true));
                lastDraw = now;
            }
        } else if (total > 0 && 4 * done >= nextQuarter * total && done < total) {
            while (4 * done >= nextQuarter * total) {
                nextQuarter++;
            }
            err.println(line(file, done, total, seconds(now), false));
            err.flush();
        }
    }

    /** The file's transfer is over, complete or not: its closing line. */
    void end() {
        if (file == null) {
            return;
        }
        String summary = summary(file, done, total, seconds(clock.getAsLong()));
        if (interactive) {
            draw(summary);
            err.println();
        } else {
            err.println(summary);
        }
        err.flush();
        file = null;
    }

    private void draw(String line) {
        // Blanks over the rest of a longer line drawn before.
        err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        err.flush();
        drawnWidth = line.length();
    }

    private double seconds(long now) {
        return (now - start) / 1e9;
    }

    /** "train-images-idx3-ubyte.gz [=====>     ] 6.6/26.4 MB 3.1 MB/s", or " 25% " in place of the bar. */
    static String line(String file, long done, long total, double seconds, boolean bar) {
        StringBuilder b = new StringBuilder(file).append(' ');
        if (total > 0) {
            if (bar) {
                int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
                b.append('[').append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                        .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append("] ");
            } else {
                b.append(String.format(Locale.ROOT, "%3d%% ", 100 * done / total));
            }
            b.append(String.format(Locale.ROOT, "%.1f/%.1f MB", done / 1e6, total / 1e6));
        } else {
            b.append(String.format(Locale.ROOT, "%.1f MB", done / 1e6));
        }
        return b.append(' ').append(rate(done, seconds)).toString();
    }

    /** "train-images-idx3-ubyte.gz 26.4 MB in 8.5 s, 3.1 MB/s", or what arrived of a transfer cut short. */
    static String summary(String file, long done, long total, double seconds) {
        String size = total > 0 && done < total
                ? String.format(Locale.ROOT, "stopped after %.1f of %.1f MB", done / 1e6, total / 1e6)
                : String.format(Locale.ROOT, "%.1f MB", done / 1e6);
        return String.format(Locale.ROOT, "%s %s in %.1f s, %s", file, size, seconds, rate(done, seconds));
    }

    private static String rate(long bytes, double seconds) {
        return String.format(Locale.ROOT, "%.1f MB/s", seconds > 0 ? bytes / 1e6 / seconds : 0);
    }
}
