package dev.cortado.logging;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.simple.SimpleLoggerContextFactory;
import org.apache.logging.log4j.spi.LoggerContextFactory;

/**
 * The few messages a user of the library must see even when the application has set up no logging:
 * which backend runs, and that a slow fallback is in use. They go to the logger as usual; when
 * Log4j found no logging provider (the Log4j API alone on the class path, so its {@code SimpleLogger}
 * drops everything below ERROR) and the logger would drop the message, it is written once to stderr
 * instead, prefixed "cortado:". An application with a provider (log4j-core, or log4j-to-slf4j for
 * SLF4J and Logback) decides for itself, as for every other message; see "Logging" in the README.
 */
public final class UserNotice {
    private static final Set<String> PRINTED = ConcurrentHashMap.newKeySet();

    private UserNotice() {
    }

    public static void info(Logger log, String message) {
        log(log, Level.INFO, message, LogManager.getFactory(), System.err);
    }

    public static void warn(Logger log, String message) {
        log(log, Level.WARN, message, LogManager.getFactory(), System.err);
    }

    /**
     * The decision, with the logging factory and the fallback stream as arguments so a test can
     * choose them. Returns whether the message went to {@code fallback}.
     */
    static boolean log(Logger log, Level level, String message, LoggerContextFactory factory, PrintStream fallback) {
        if (log.isEnabled(level) || !withoutProvider(factory)) {
            log.log(level, message);
            return false;
        }
        if (PRINTED.add(message)) {
            fallback.println("cortado: " + (level == Level.WARN ? "warning: " : "") + message);
            fallback.flush();
            return true;
        }
        return false;
    }

    /** Whether Log4j runs on its fallback: no provider was found, so it logs through SimpleLogger at ERROR. */
    static boolean withoutProvider(LoggerContextFactory factory) {
        return factory instanceof SimpleLoggerContextFactory;
    }
}
