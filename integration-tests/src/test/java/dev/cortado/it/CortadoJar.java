package dev.cortado.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real cli/target/cortado.jar as a separate process, as a user would. */
record CortadoJar(int exitCode, String out, String err) {
    static CortadoJar run(Path workDir, String... args) throws IOException, InterruptedException {
        return finish(start(workDir, args), args);
    }

    /** A running command, whose stdout and stderr go to temporary files until {@link #finish}. */
    record Running(Process process, Path out, Path err) {
    }

    static Running start(Path workDir, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("cortado.jar", "../cli/target/cortado.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with mvn package");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cortado-out", ".txt");
        Path err = Files.createTempFile("cortado-err", ".txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new Running(p, out, err);
    }

    static CortadoJar finish(Running running, String... args) throws IOException, InterruptedException {
        Process p = running.process();
        Path out = running.out();
        Path err = running.err();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("cortado " + String.join(" ", args) + " did not finish in 15 minutes");
        }
        CortadoJar r = new CortadoJar(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
