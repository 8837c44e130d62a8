package dev.cortado.cli;

import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetFormatException;
import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.PackedDataset;
import dev.cortado.data.PackedDatasetWriter;
import dev.cortado.data.SampleShape;
import java.io.IOException;
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

/** {@code cortado data pack DIR --size N --out FILE.cpack}: an image folder decoded and resized once, or IDX/CIFAR data repacked. */
@Command(name = "pack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decode and resize the images of a folder (one subfolder per class) once, into one file of 8-bit "
                + "samples with their labels and class names, read memory-mapped: train with --data FILE.cpack, or "
                + "--data DIR for a DIR holding train.cpack and test.cpack.")
final class PackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The image folder (one subfolder of images per class), or IDX or "
            + "CIFAR data, whose training split is packed.")
    Path dir;

    @Option(names = "--size", paramLabel = "H[xW]",
            description = "The size every image is resized to, e.g. 256 or 256x256 (crops to the model's input happen"
                    + " when training). IDX and CIFAR data keep their own size.")
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
        int[] hw = size == null ? null : ModelOptions.parseInputSize(size);
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
        Dataset source = source(hw);
        DatasetFormat format = source instanceof ImageFolderDataset ? DatasetFormat.IMAGE_FOLDER
                : DataDirectory.format(dir, null);
        int threads = workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, System.console() != null, source.size(), System::nanoTime);
        long start = System.nanoTime();
        PackedDatasetWriter.pack(source, out, threads, DataDirectory.normalizeFor(format, source), progress::update);
        progress.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter text = spec.commandLine().getOut();
        text.printf(Locale.ROOT, "%s: %,d images of %s in %d classes, %,.1f MB, packed in %.1f s (%,.0f img/s, %d "
                        + "worker(s)); train with: cortado train --data %s%n", out, source.size(),
                source.sampleShape(), source.numClasses(), Files.size(out) / 1e6, seconds, source.size() / seconds,
                threads, out);
        text.flush();
        return ExitCodes.OK;
    }

    /**
     * What to pack: the image folder {@code dir} resized to --size, or the training split of IDX or
     * CIFAR data at their own size.
     */
    private Dataset source(int[] hw) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": no such folder; pass a folder with one subfolder of images per class");
        }
        if (ImageFolderDataset.looksLikeImageFolder(dir.resolve("train"))) {
            throw new UserInputException(dir + " has a train/ split" + (Files.isDirectory(dir.resolve("test"))
                    ? " and a test/ split" : "") + "; pack each into one folder, e.g. cortado data pack " + dir.resolve("train")
                    + " --size " + (size == null ? "N" : size) + " --out packs/train.cpack (and test/ to packs/test.cpack), "
                    + "then train with --data packs");
        }
        DatasetFormat format = fixedSizeFormat(dir);
        if (format != null) {
            Dataset train = format.open(dir, null).train();
            SampleShape shape = train.sampleShape();
            if (hw != null && (hw[0] != shape.height() || hw[1] != shape.width())) {
                throw new UserInputException("--size " + size + ": " + train.description() + " has fixed " + shape.height()
                        + "x" + shape.width() + " images; leave --size out to pack them as they are");
            }
            return train;
        }
        if (hw == null) {
            throw new UserInputException("--size H[xW] is needed for an image folder: the size every image is resized to");
        }
        ImageFolderDataset images = ImageFolderDataset.open(dir, new SampleShape(channels, hw[0], hw[1]));
        DataDirectory.requireReadableImages(images);
        return images;
    }

    /** IDX, CIFAR or a pack when {@code dir} holds one, else null (an image folder, or nothing usable). */
    private static DatasetFormat fixedSizeFormat(Path dir) {
        try {
            DatasetFormat f = DatasetFormat.detect(dir);
            return f == DatasetFormat.IMAGE_FOLDER ? null : f;
        } catch (DatasetFormatException e) {
            // An image folder's own checks say what is wrong with it.
            return null;
        }
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
