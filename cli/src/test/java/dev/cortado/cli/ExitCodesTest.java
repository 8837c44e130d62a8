package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    /** The heap running out is a failed run in one line that says how to give Java more, not 20 frames. */
    @Test
    void javaHeapExhaustionIsOneLineNamingWhereAndTheWayOut() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        oom.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.util.Arrays", "copyOf", "Arrays.java", 1),
            new StackTraceElement("dev.cortado.backend.cpu.HostMemoryPool", "allocate", "HostMemoryPool.java", 40)});
        StringWriter text = new StringWriter();
        int code = CortadoCommand.report(new RuntimeException("wrapped", oom), "cortado train", false,
                new PrintWriter(text, true));
        assertEquals(ExitCodes.TRAINING_FAILED, code);
        String line = text.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("Java heap") && line.contains("HostMemoryPool.allocate")
                && line.contains("CORTADO_JAVA_OPTS=-Xmx") && line.contains("--batch-size"), line);
        assertFalse(line.contains("unexpected"), line);
    }

    /** A data-parallel replica that fails stops the run with an error that names its device. */
    @Test
    void aReplicaFailureNamesTheReplicaAndItsDevice() {
        var cuda = new dev.cortado.backend.cuda.CudaException("conv2 forward", "cudnnConvolutionForward",
                "CUDNN_STATUS_EXECUTION_FAILED");
        ExitCodes.Classified c = ExitCodes.classify(new dev.cortado.distributed.ReplicaFailedException(1, "cuda:1", cuda));
        assertEquals(ExitCodes.TRAINING_FAILED, c.exitCode());
        assertTrue(c.message().startsWith("training failed: replica 1 on cuda:1: "), c.message());
        assertTrue(c.message().contains("CUDNN_STATUS_EXECUTION_FAILED"), c.message());
        ExitCodes.Classified other = ExitCodes.classify(new dev.cortado.distributed.ReplicaFailedException(0, "cpu",
                new IllegalStateException("broken")));
        assertEquals(ExitCodes.TRAINING_FAILED, other.exitCode());
        assertEquals("training failed: replica 0 on cpu failed: broken", other.message());
    }
}
