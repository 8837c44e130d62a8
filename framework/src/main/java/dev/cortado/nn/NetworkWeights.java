package dev.cortado.nn;

import dev.cortado.backend.Backend;
import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network's parameters and buffers by name, and copying them in from a safetensors file. The
 * trainer's checkpoints, fine-tuning and {@link Network#load} all read weights through here, so a
 * mismatch reads the same wherever it happens.
 */
public final class NetworkWeights {
    private NetworkWeights() {
    }

    /** Parameters and buffers by name, in network order. */
    public static Map<String, Tensor> of(Network network) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) {
            out.put(p.name(), p.value());
        }
        out.putAll(network.buffers());
        return out;
    }

    /**
     * Copies {@code f}'s tensors into {@code network}. {@code sourceNames} maps a name of the network
     * to the file's name for it (a name it does not map is looked up as it is). Every parameter and
     * buffer must be in the file with its shape, else the message names the first mismatch; with
     * {@code exact}, the file may hold nothing else but optimizer state.
     */
    public static void copy(Path file, SafeTensorsFile f, Network network, boolean exact,
                            Map<String, String> sourceNames) throws CheckpointFormatException {
        Map<String, Tensor> targets = of(network);
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            String source = sourceNames.getOrDefault(e.getKey(), e.getKey());
            String described = source.equals(e.getKey()) ? "'" + source + "'"
                    : "'" + source + "' (this model's '" + e.getKey() + "')";
            TensorData d = f.tensors().get(source);
            if (d == null) {
                throw new CheckpointFormatException(file, "it has no tensor " + described + " that this model needs"
                        + " (is it a checkpoint of another architecture?)");
            }
            if (!d.shape().equals(e.getValue().shape())) {
                throw new CheckpointFormatException(file, "tensor " + described + " has shape " + d.shape()
                        + " in the file but " + e.getValue().shape() + " in this model (another architecture,"
                        + " or another number of classes or input size?)");
            }
        }
        if (exact) {
            for (String name : f.tensors().keySet()) {
                if (!name.startsWith(CheckpointLayout.OPTIMIZER_PREFIX) && !targets.containsKey(name)) {
                    throw new CheckpointFormatException(file, "it holds tensor '" + name + "', which this model does not"
                            + " have (a checkpoint of another architecture?)");
                }
            }
        }
        Backend backend = network.backend();
        targets.forEach((name, t) -> backend.tensors().copyFromHost(
                f.tensors().get(sourceNames.getOrDefault(name, name)).data(), t));
    }

    /** See {@link Network#load}. */
    static Network load(Path file, Backend backend) throws IOException {
        Map<String, String> meta = SafeTensors.readHeader(file).metadata();
        CheckpointLayout.requireSupportedFormat(file, meta);
        String json = meta.get(CheckpointLayout.NETWORK_KEY);
        if (json == null) {
            throw new CheckpointFormatException(file, "it does not record its architecture (no '"
                    + CheckpointLayout.NETWORK_KEY + "' metadata; written before checkpoints recorded it): build the"
                    + " network from its config and load the weights with TrainingCheckpoint.loadWeights");
        }
        NetworkSpec spec;
        try {
            spec = NetworkSpecJson.read(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "its '" + CheckpointLayout.NETWORK_KEY + "' metadata is not a"
                    + " network this Cortado can build: " + e.getMessage(), e);
        }
        Network network = Network.build(spec, backend, 0);
        try {
            copy(file, SafeTensors.read(file, name -> !name.startsWith(CheckpointLayout.OPTIMIZER_PREFIX)), network,
                    true, Map.of());
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }
}
