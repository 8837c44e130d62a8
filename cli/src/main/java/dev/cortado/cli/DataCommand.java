package dev.cortado.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cortado data}: dataset utilities. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Dataset utilities.",
        subcommands = DataCommand.Download.class)
final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** {@code cortado data download NAME [--dir DIR]}. */
    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download fashion-mnist, mnist or cifar10 from the official location, SHA-256 verified.")
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DATASET", description = "fashion-mnist, mnist or cifar10.")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR", description = "Target directory. Default: data/<dataset>.")
        Path dir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "Base URL of a mirror holding the same files (checksums are still verified).")
        List<String> mirrors;

        @Override
        public Integer call() throws Exception {
            DatasetDownloader.Source source = DatasetDownloader.source(dataset);
            Path target = dir != null ? dir : Path.of("data", source.name());
            new DatasetDownloader().download(source, target, mirrors);
            spec.commandLine().getOut().println(target.toAbsolutePath()
                    + "  (train with: cortado train --data " + trainDir(source, target)
                    + ")");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }

        private static Path trainDir(DatasetDownloader.Source source, Path target) {
            return source.archive() ? target.resolve("cifar-10-batches-bin") : target;
        }
    }
}
