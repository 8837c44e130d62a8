package dev.cortado.cli;

import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.PackedDataset;
import dev.cortado.data.PackedDatasetWriter;
import dev.cortado.data.SampleShape;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cortado data pack DIR --size N --out FILE.cpack}: an image folder decoded and resized once. */
@Command(name = "pack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decode and resize the images of a folder (one subfolder per class) once, into one file of 8-bit "
                + "samples with their labels and class names, read memory-mapped: train with --data FILE.cpack, or "
                + "--data DIR for a DIR holding train.cpack and test.cpack.")
final class PackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The image folder: one subfolder of images per class.")
    Path dir;

    @Option(names = "--size", paramLabel = "H[xW]", required = true,
            description = "The size every image is resized to, e.g. 256 or 256x256 (crops to the model's input happen"
                    + " when training).")
    String size;

    @Option(names = "--out", paramLabel = "FILE.cpack", required = true, description = "The pack to write (atomically).")
    Path out;

    @Option(names = "--channels", paramLabel = "1|3", defaultValue = "3",
            description = "3 for RGB, 1 for grey. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--workers", paramLabel = "N", description = "Decoding threads. Default: all cores.")
    Integer workers;

    @Override
    public Integer call() throws Exception {
        int[] hw = ModelOptions.parseInputSize(size);
        if (channels != 1 && channels != 3) {
            throw new UserInputException("--channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        if (workers != null && workers < 1) {
            throw new UserInputException("--workers must be at least 1, got " + workers);
        }
        if (!out.getFileName().toString().endsWith(PackedDataset.EXTENSION)) {
            throw new UserInputException("--out " + out + ": a pack's name ends in " + PackedDataset.EXTENSION
                    + ", which is how --data recognises it");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": no such folder; pass a folder with one subfolder of images per class");
        }
        if (ImageFolderDataset.looksLikeImageFolder(dir.resolve("train"))) {
            throw new UserInputException(dir + " has a train/ split" + (Files.isDirectory(dir.resolve("test"))
                    ? " and a test/ split" : "") + "; pack each into one folder, e.g. cortado data pack " + dir.resolve("train")
                    + " --size " + size + " --out packs/train.cpack (and test/ to packs/test.cpack), then train with "
                    + "--data packs");
        }
        ImageFolderDataset images = ImageFolderDataset.open(dir, new SampleShape(channels, hw[0], hw[1]));
        DataDirectory.requireReadableImages(images);
        int threads = workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, System.console() != null, images.size(), System::nanoTime);
        long start = System.nanoTime();
        PackedDatasetWriter.pack(images, out, threads, progress::update);
        progress.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter text = spec.commandLine().getOut();
        text.printf(Locale.ROOT, "%s: %,d images of %s in %d classes, %,.1f MB, packed in %.1f s (%,.0f img/s, %d "
                        + "worker(s)); train with: cortado train --data %s%n", out, images.size(),
                images.sampleShape(), images.numClasses(), Files.size(out) / 1e6, seconds, images.size() / seconds,
                threads, out);
        text.flush();
        return ExitCodes.OK;
    }

    /** The packing progress on stderr: a bar redrawn in place on a terminal, a line per tenth otherwise. */
    static final class Progress {
        private static final int BAR_WIDTH = 24;
        private static final long REDRAW_NANOS = 200_000_000L;
        private final PrintWriter err;
        private final boolean interactive;
        private final int total;
        private final LongSupplier clock;
        private final long start;
        private long lastDraw;
        private int nextTenth = 1;
        private boolean open;

        Progress(PrintWriter err, boolean interactive, int total, LongSupplier clock) {
            this.err = err;
            this.interactive = interactive;
            this.total = total;
            this.clock = clock;
            this.start = clock.getAsLong();
        }

        void update(int done) {
            long now = clock.getAsLong();
            if (interactive) {
                if (now - lastDraw >= REDRAW_NANOS || done == total) {
                    err.print("\r" + line(done, now, true));
                    err.flush();
                    lastDraw = now;
                    open = true;
                }
            } else if (10L * done >= (long) nextTenth * total) {
                while (10L * done >= (long) nextTenth * total) {
                    nextTenth++;
                }
                err.println(line(done, now, false));
                err.flush();
            }
        }

        void finish() {
            if (open) {
                err.println();
                err.flush();
            }
        }

        String line(int done, long now, boolean bar) {
            double seconds = (now - start) / 1e9;
            double rate = seconds > 0 ? done / seconds : 0;
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            StringBuilder b = new StringBuilder("packing ");
            if (bar) {
                int filled = (int) ((long) BAR_WIDTH * done / total);
                b.append('[').append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                        .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append("] ");
            } else {
                b.append(String.format(Locale.ROOT, "%3d%% ", 100L * done / total));
            }
            b.append(String.format(Locale.ROOT, "%,d/%,d images %,.0f img/s ETA %d:%02d", done, total, rate, eta / 60,
                    eta % 60));
            return b.toString();
        }
    }
}
