package dev.cortado.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.simple.SimpleLoggerContextFactory;
import org.junit.jupiter.api.Test;

class UserNoticeTest {

    @Test
    void withoutAProviderADroppedNoticeGoesToTheFallbackStreamOnce() {
        SimpleLoggerContextFactory simple = new SimpleLoggerContextFactory();
        // SimpleLogger's default level is ERROR: INFO and WARN are dropped, as with no provider at all.
        Logger dropping = simple.getContext(UserNoticeTest.class.getName(), null, null, false)
                .getLogger("dev.cortado.test");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String message = "a notice only this test writes " + System.nanoTime();
        assertTrue(UserNotice.log(dropping, Level.WARN, message, simple, err));
        assertFalse(UserNotice.log(dropping, Level.WARN, message, simple, err), "each notice is printed once");
        assertEquals("cortado: warning: " + message + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withAProviderTheApplicationsConfigurationDecides() {
        // The tests run with log4j-core, a provider: nothing bypasses its configuration.
        assertFalse(UserNotice.withoutProvider(LogManager.getFactory()));
        Logger log = LogManager.getLogger(UserNoticeTest.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertFalse(UserNotice.log(log, Level.INFO, "x", LogManager.getFactory(), new PrintStream(bytes)));
        assertEquals(0, bytes.size());
    }

    /** The situation itself: a forked JVM with the framework and log4j-api only, no provider. */
    @Test
    void aProgramWithTheFrameworkAloneSeesTheScalarFallbackWarningOnce() throws Exception {
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.equals("classes") || name.equals("test-classes") || name.startsWith("log4j-api-")) {
                cp.add(entry);
            }
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, cp), WithoutLoggingSetup.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String warning = "cortado: warning: CPU backend: module jdk.incubator.vector is not resolved";
        assertTrue(out.contains(warning), out);
        assertEquals(out.indexOf(warning), out.lastIndexOf(warning), "printed once:\n" + out);
    }
}
