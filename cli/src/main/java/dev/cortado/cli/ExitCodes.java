package dev.cortado.cli;

import dev.cortado.backend.BackendUnavailableException;
import dev.cortado.backend.cuda.CudaException;
import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.data.DatasetFormatException;
import dev.cortado.data.DatasetReadException;
import dev.cortado.distributed.ReplicaFailedException;
import dev.cortado.models.ConfigException;
import dev.cortado.nn.InsufficientMemoryException;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.train.DivergenceException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The command's exit codes, and which failure maps to which: 1 when training itself failed (the loss
 * diverged, the GPU ran out of memory or failed), 2 when the input was wrong (flags, configs, data
 * files, checkpoints, a backend this machine lacks). The cause chain is searched, because loaders and
 * listeners wrap what they catch.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int TRAINING_FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }

    /** The failure that explains {@code error}, and its exit code. */
    public record Classified(int exitCode, String message, Throwable cause) {
    }

    public static Classified classify(Throwable error) {
        // A data-parallel replica's failure: say which device failed, whatever the failure.
        String where = "";
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ReplicaFailedException r) {
                where = "replica " + r.replica() + " on " + r.device() + ": ";
                break;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return new Classified(TRAINING_FAILED, where + outOfMemory(oom), t);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DivergenceException || t instanceof CudaException) {
                return new Classified(TRAINING_FAILED, "training failed: " + where + t.getMessage(), t);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof DatasetFormatException || t instanceof DatasetReadException
                    || t instanceof CheckpointFormatException || t instanceof BackendUnavailableException
                    || t instanceof UserInputException || t instanceof ShapeMismatchException
                    || t instanceof InsufficientMemoryException) {
                return new Classified(USAGE, where + t.getMessage(), t);
            }
            if (t instanceof NoSuchFileException e) {
                return new Classified(USAGE, e.getFile() + ": no such file or directory", t);
            }
            if (t instanceof AccessDeniedException e) {
                return new Classified(USAGE, e.getFile() + ": permission denied", t);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return new Classified(USAGE, where + t.getMessage(), t);
            }
            // Unreadable or unwritable files: the user's paths, disks or permissions.
            if (t instanceof IOException) {
                return new Classified(USAGE, t.getMessage(), t);
            }
        }
        if (!where.isEmpty()) {
            return new Classified(TRAINING_FAILED, "training failed: " + error.getMessage(), error);
        }
        return new Classified(TRAINING_FAILED, "unexpected error: " + error, error);
    }

    /** What ran out, where, the limit, and the two ways out. */
    static String outOfMemory(OutOfMemoryError e) {
        String where = "";
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.cortado.")) {
                String cls = frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1);
                where = " in " + cls + "." + frame.getMethodName();
                break;
            }
        }
        double gib = Runtime.getRuntime().maxMemory() / (double) (1L << 30);
        return String.format(java.util.Locale.ROOT, "out of memory: the Java heap (at most %.1f GiB) is full (%s%s); "
                + "give Java more with CORTADO_JAVA_OPTS=-Xmx<size> (e.g. -Xmx%dg), or use a smaller --batch-size",
                gib, e.getMessage(), where, Math.max(2, 2 * (int) Math.ceil(gib)));
    }
}
