package dev.cortado.models;

import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.nn.Network;
import dev.cortado.nn.Parameter;
import dev.cortado.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Loads weights into a zoo model from a safetensors file that holds them under Cortado's names (any
 * Cortado checkpoint) or under torchvision's (a torchvision state dict saved with safetensors, for the
 * models {@link TorchvisionMapping#models()} lists). The model's name picks the mapping; the file's
 * tensor names decide whether it is needed.
 */
public final class PretrainedWeights {
    private static final Logger LOG = LogManager.getLogger(PretrainedWeights.class);

    private PretrainedWeights() {
    }

    /**
     * Copies the weights of {@code file} into {@code network}, which was built from the zoo model
     * {@code model} (the name as the user gave it: "vgg16-bn", or a config file's path). Every
     * parameter and buffer of the network must be in the file with its shape; a torchvision state dict
     * must hold nothing else besides tensors its mapping ignores.
     */
    public static void load(Path file, Network network, String model) throws IOException {
        Set<String> needed = names(network);
        Set<String> held = SafeTensors.readHeader(file).shapes().keySet();
        Optional<TorchvisionMapping> mapping = TorchvisionMapping.forModel(model);
        if (held.containsAll(needed) || mapping.isEmpty()) {
            TrainingCheckpoint.loadWeights(file, network);
            return;
        }
        TorchvisionMapping m = mapping.get();
        TrainingCheckpoint.loadWeights(file, network, sourceNames(file, m, held, needed));
        LOG.info("loaded the weights of torchvision's {} from {} into {}", m.torchvision(), file, model);
    }

    /** Network name → file name for every tensor of a torchvision state dict, checked against the network. */
    private static Map<String, String> sourceNames(Path file, TorchvisionMapping m, Set<String> held,
                                                   Set<String> needed) throws CheckpointFormatException {
        Map<String, String> source = new HashMap<>();
        for (String name : held) {
            Optional<String> cortado;
            try {
                cortado = m.cortadoName(name);
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(file, "tensor '" + name + "' is neither one of " + m.model()
                        + "'s Cortado tensors nor a tensor of torchvision's " + m.torchvision() + " state dict ("
                        + e.getMessage() + ")");
            }
            if (cortado.isEmpty()) {
                continue;
            }
            if (!needed.contains(cortado.get())) {
                throw new CheckpointFormatException(file, "torchvision tensor '" + name + "' would load into '"
                        + cortado.get() + "', which " + m.model() + " does not have (a state dict of another"
                        + " architecture, or of torchvision's GoogLeNet with its auxiliary classifiers?)");
            }
            String previous = source.put(cortado.get(), name);
            if (previous != null) {
                throw new CheckpointFormatException(file, "torchvision tensors '" + previous + "' and '" + name
                        + "' both map to '" + cortado.get() + "'");
            }
        }
        return source;
    }

    private static Set<String> names(Network network) {
        Set<String> names = new LinkedHashSet<>();
        for (Parameter p : network.parameters()) {
            names.add(p.name());
        }
        names.addAll(network.buffers().keySet());
        return names;
    }
}
