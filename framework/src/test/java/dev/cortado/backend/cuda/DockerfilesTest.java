package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No Docker engine runs here, so this checks what can be checked: the base images, that every COPY source
 * exists in the repository or is the CLI jar the cli module builds, and that the entry point is the
 * launcher's command.
 */
class DockerfilesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent(); // framework/ -> root
    private static final String ENTRYPOINT =
            "ENTRYPOINT [\"java\", \"--add-modules\", \"jdk.incubator.vector\", \"-XX:+UseSerialGC\", \"-jar\", \"/opt/cortado/cortado.jar\"]";

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cuda", "Dockerfile.cpu"})
    void copiesExistingFilesAndLaunchesTheCli(String name) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("docker").resolve(name));
        String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
        assertEquals(name.endsWith("cuda") ? "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04"
                : "FROM eclipse-temurin:17-jre", from);
        assertTrue(lines.contains(ENTRYPOINT), name + " must launch " + ENTRYPOINT);
        Pattern copy = Pattern.compile("^COPY (\\S+) (\\S+)$");
        int copies = 0;
        for (String l : lines) {
            Matcher m = copy.matcher(l);
            if (m.matches()) {
                copies++;
                String source = m.group(1);
                if (source.equals("cli/target/cortado.jar")) {
                    String cliPom = Files.readString(ROOT.resolve("cli/pom.xml"));
                    assertTrue(cliPom.contains("${project.build.directory}/cortado.jar"),
                            "the cli module must build cli/target/cortado.jar");
                } else {
                    assertTrue(Files.exists(ROOT.resolve(source)), name + " copies missing " + source);
                }
            }
        }
        assertTrue(copies > 0, name + " copies the CLI jar");
    }

    @Test
    void theReadmeShowsAGpuRun() throws IOException {
        String readme = Files.readString(ROOT.resolve("docker/README.md"));
        assertTrue(readme.contains("docker run --rm --gpus all cortado:cuda"), readme);
        assertTrue(readme.contains("java --add-modules jdk.incubator.vector -XX:+UseSerialGC -jar"), readme);
    }
}
