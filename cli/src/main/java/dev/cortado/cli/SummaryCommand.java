package dev.cortado.cli;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.MemoryPlan;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSummary;
import dev.cortado.train.ClassifierHead;
import dev.cortado.optim.OptimizerType;
import dev.cortado.train.TrainingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cortado summary}: the layer table of a model, with parameters and FLOPs. */
@Command(name = "summary", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes, parameters and FLOPs, and the memory training it needs.")
final class SummaryCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(SummaryCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "Print one JSON object (parameters, flops, layers) on stdout.")
    boolean json;

    @Override
    public Integer call() {
        ModelConfig config = ModelOptions.load(model.model, model.variables(), model.inputSize());
        // The summary needs shapes and parameter counts only; one thread builds it.
        try (CpuBackend cpu = new CpuBackend(1);
             Network network = Network.build(NetworkSpecs.from(config), cpu, 0)) {
            NetworkSummary s = network.summary();
            // Without --classes the number of classes is unknown: only a head of the wrong rank is certain.
            String head = ClassifierHead.problem(network, model.classes != null ? model.classes
                    : network.outputShape().intSize());
            if (head != null) {
                LOG.warn("model {}: {}; 'cortado train' refuses it as it is", config.name(), head);
            }
            // At cortado train's defaults; the plan's threads are this machine's, as the CPU backend's default.
            MemoryPlan plan = MemoryPlan.of(network.spec(), TrainingConfig.DEFAULT_BATCH_SIZE, OptimizerType.ADAM);
            if (!json) {
                spec.commandLine().getOut().print(config.name() + (config.description().isEmpty() ? ""
                        : ": " + config.description()) + System.lineSeparator() + s
                        + "Training memory at batch " + plan.batchSize() + " with adam: " + MemoryPlan.bytes(plan.totalBytes())
                        + " (" + plan + ")" + System.lineSeparator());
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", config.name());
            m.put("input", config.input());
            m.put("parameters", s.totalParameters());
            m.put("buffer_values", s.bufferValues());
            m.put("flops", s.totalFlops());
            m.put("training_memory_bytes", plan.totalBytes());
            List<Map<String, Object>> layers = new ArrayList<>();
            for (NetworkSummary.Row r : s.rows()) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("name", r.name());
                l.put("type", r.type());
                l.put("inputs", r.inputs());
                List<Integer> shape = new ArrayList<>();
                for (int d : r.outputShape().dims()) {
                    shape.add(d);
                }
                l.put("output_shape", shape);
                l.put("parameters", r.parameters());
                l.put("flops", r.flops());
                layers.add(l);
            }
            m.put("layers", layers);
            JsonOutput.print(spec.commandLine().getOut(), m);
        }
        return ExitCodes.OK;
    }
}
