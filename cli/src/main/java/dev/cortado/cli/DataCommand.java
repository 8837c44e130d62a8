package dev.cortado.cli;

import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.ImageFileCheck;
import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.PackedDataset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cortado data}: dataset utilities. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Dataset utilities.",
        subcommands = {DataCommand.Download.class, DataCommand.Check.class, PackCommand.class})
final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** {@code cortado data download NAME [--dir DIR]}: into the dataset cache, or into DIR. */
    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download fashion-mnist, mnist or cifar10 from the official location, SHA-256 verified, into"
                    + " the dataset cache that train and evaluate look in (or into --dir).")
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DATASET", description = "fashion-mnist, mnist or cifar10.")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR", description = "Target directory. Default: <dataset> in the"
                + " dataset cache (~/.cache/cortado/datasets or $CORTADO_DATA_DIR).")
        Path dir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "Base URL of a mirror holding the same files (checksums are still verified).")
        List<String> mirrors;

        @Override
        public Integer call() throws Exception {
            DatasetDownloader.Source source = DatasetDownloader.source(dataset);
            PrintWriter err = spec.commandLine().getErr();
            if (dir == null) {
                DatasetLocator locator = DatasetLocator.fromEnvironment();
                boolean present = Files.isDirectory(locator.cacheDirectory(source));
                Path cached = locator.download(source, mirrors, err);
                if (present) {
                    err.println(source.title() + " is already in the dataset cache");
                    err.flush();
                }
                spec.commandLine().getOut().println(cached + "  (train with: cortado train --data " + source.name()
                        + ")");
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            new DatasetDownloader(new DownloadProgress(err, System.console() != null, System::nanoTime))
                    .download(source, dir, mirrors);
            spec.commandLine().getOut().println(dir.toAbsolutePath()
                    + "  (train with: cortado train --data " + trainDir(source, dir)
                    + ")");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }

        private static Path trainDir(DatasetDownloader.Source source, Path target) {
            return source.archive() ? target.resolve("cifar-10-batches-bin") : target;
        }
    }

    /** {@code cortado data check DIR [--full]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check that every image of a dataset directory can be read: its header (format and size) "
                    + "by default, every pixel with --full. Prints each bad file with the reason and a summary line; "
                    + "exit code 2 if any file is bad.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "The dataset directory.")
        Path dir;

        @Option(names = "--full", description = "Decode every image completely (finds files truncated in their "
                + "pixel data; slower).")
        boolean full;

        @Option(names = "--format", paramLabel = "FORMAT", description = "Force the data format.")
        String format;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            DatasetFormat f = DataDirectory.format(dir, format);
            if (f != DatasetFormat.IMAGE_FOLDER) {
                // IDX and CIFAR files are read whole when opened, which checks their sizes, headers and labels;
                // a pack's header is checked when opened, and every sample's checksum here.
                DatasetSplits splits = f.open(dir, null);
                if (f == DatasetFormat.PACKED) {
                    ((PackedDataset) splits.train()).verify();
                    splits.test().ifPresent(t -> ((PackedDataset) t).verify());
                }
                int images = splits.train().size() + splits.test().map(Dataset::size).orElse(0);
                out.println(String.format(Locale.ROOT, "%s: %,d images (%s), read whole: 0 bad", dir, images,
                        f.name().toLowerCase(Locale.ROOT).replace('_', '-')));
                out.flush();
                return ExitCodes.OK;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(p -> !hidden(dir.relativize(p))).filter(Files::isRegularFile)
                        .filter(ImageFolderDataset::isImageFile).sorted().toList();
            }
            List<ImageFileCheck.Problem> problems = ImageFileCheck.check(files, full);
            for (ImageFileCheck.Problem p : problems) {
                out.println(p);
            }
            out.println(String.format(Locale.ROOT, "%s: %,d images, %s: %,d bad", dir, files.size(),
                    full ? "fully decoded" : "headers checked", problems.size()));
            out.flush();
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.USAGE;
        }

        /** Hidden files and folders (".git", ".DS_Store") are not part of an image folder. */
        private static boolean hidden(Path relative) {
            for (Path part : relative) {
                if (part.toString().startsWith(".")) {
                    return true;
                }
            }
            return false;
        }
    }
}
