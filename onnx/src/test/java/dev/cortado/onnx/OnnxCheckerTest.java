package dev.cortado.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * ONNX's own checker accepts every exported file: Debian's python3-onnx runs
 * {@code onnx.checker.check_model(model, full_check=True)} (which adds strict shape inference) on all
 * of them in one process ({@code src/test/python/check_onnx.py}). Skipped, saying why, where python3
 * cannot import onnx.
 */
class OnnxCheckerTest {
    @Test
    void onnxCheckerAcceptsEveryExportedModel() throws IOException, InterruptedException {
        String python = System.getProperty("cortado.python",
                Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
        Assumptions.assumeTrue(imports(python, "onnx"), "skipped: " + python + " cannot import onnx (Debian: apt-get"
                + " install python3-onnx); CI installs it");
        List<String> command = new ArrayList<>(List.of(python, "src/test/python/check_onnx.py"));
        for (ExportedModels.Model model : ExportedModels.all()) {
            command.add(ExportedModels.file(model).toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, finished ? p.exitValue() : -1, "onnx.checker.check_model(full_check=True):\n" + output);
    }

    private static boolean imports(String python, String module) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
