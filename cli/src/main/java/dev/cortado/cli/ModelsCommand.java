package dev.cortado.cli;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.ModelZoo;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cortado models}: the zoo with input shape, parameters and GFLOPs per image. Each network is
 * built on the CPU and closed before the next, so at most one model's weights (VGG-19's 0.57 GB) is
 * held at a time.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the model zoo: input, parameters, forward GFLOPs per image, description.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-10s  %-11s  %13s  %8s  %s%n";
        out.printf(Locale.ROOT, format, "model", "input", "parameters", "GFLOPs", "description");
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
            for (String name : ModelZoo.NAMES) {
                ModelConfig config = ModelZoo.load(name, Map.of());
                try (Network network = Network.build(NetworkSpecs.from(config), cpu, 0)) {
                    NetworkSummary s = network.summary();
                    out.printf(Locale.ROOT, format, name, config.input().get(0) + "x" + config.input().get(1) + "x"
                                    + config.input().get(2), String.format(Locale.ROOT, "%,d", s.totalParameters()),
                            String.format(Locale.ROOT, "%.3f", s.totalFlops() / 1e9), config.description());
                    out.flush();
                }
            }
        }
        out.println("VGG models also come with batch norm: vgg11-bn, vgg13-bn, vgg16-bn, vgg19-bn.");
        return ExitCodes.OK;
    }
}
