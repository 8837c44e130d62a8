package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Updates parameters from their gradients with one fused backend op per parameter tensor, and
 * holds the per-parameter state tensors (velocity, moments) on the backend's device.
 *
 * <p>What all update rules share lives here: the step counter, the per-parameter multipliers
 * (Caffe's lr_mult and decay_mult: a parameter gets lr·lrMultiplier and
 * weightDecay·weightDecayMultiplier; as in Caffe the decay multiplier also scales the L1
 * strength, so biases are not L1-penalized either), the L1 gradient, lazy zero-initialized state,
 * and state export and import for checkpoints. Subclasses supply only the fused update.
 *
 * <p>A parameter with learning-rate multiplier 0 is frozen: it is skipped and its state does not
 * move. State is keyed by parameter name; every parameter list passed to {@link #step} must use the
 * same names for the same tensors.
 */
public abstract class Optimizer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Optimizer.class);

    /** Metadata keys of {@link #stateMetadata()}. */
    public static final String TYPE_KEY = "type";
    public static final String STEPS_KEY = "steps";

    protected final Backend backend;
    private final OptimizerSpec spec;
    private final List<String> slotNames;
    private final Map<String, Tensor[]> state = new LinkedHashMap<>();
    private long steps;

    protected Optimizer(Backend backend, OptimizerSpec spec, List<String> slotNames) {
        this.backend = backend;
        this.spec = spec;
        this.slotNames = List.copyOf(slotNames);
    }

    /** The optimizer the spec describes: SGD, momentum and Nesterov are one class, Adam and AdamW another. */
    public static Optimizer create(OptimizerSpec spec, Backend backend) {
        Optimizer o = switch (spec.type()) {
            case SGD, MOMENTUM, NESTEROV -> new Sgd(backend, spec);
            case ADAGRAD -> new AdaGrad(backend, spec);
            case ADADELTA -> new AdaDelta(backend, spec);
            case RMSPROP -> new RmsProp(backend, spec);
            case ADAM, ADAMW -> new Adam(backend, spec);
        };
        LOG.debug("optimizer {} on {}: {}", spec.type(), backend.name(), spec.hyperparameters());
        return o;
    }

    public OptimizerSpec spec() {
        return spec;
    }

    /** Updates taken so far (Adam's t after the last update). */
    public long steps() {
        return steps;
    }

    /**
     * One update of every parameter at the global learning rate {@code learningRate} (the schedule's
     * value for this step). Adds the L1 gradient to each gradient in place when L1 is configured;
     * gradients are overwritten by the next backward pass, so nothing else sees the change.
     */
    public final void step(List<Parameter> params, float learningRate) {
        if (!(learningRate >= 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("optimizer " + spec.type() + ": learning rate must be a finite number >= 0, got "
                    + learningRate);
        }
        // Allocate (first step) and check every parameter's state before anything moves.
        for (Parameter p : params) {
            slotsFor(p);
        }
        steps++;
        for (Parameter p : params) {
            Tensor[] slots = state.get(p.name());
            if (p.learningRateMultiplier() == 0f) {
                continue;
            }
            float decayMultiplier = p.weightDecayMultiplier();
            float l1 = spec.l1Strength() * decayMultiplier;
            if (l1 != 0f) {
                backend.optimizers().addL1Gradient(p.value(), l1, p.gradient());
            }
            update(p.value(), p.gradient(), slots, learningRate * p.learningRateMultiplier(),
                    spec.weightDecay() * decayMultiplier, steps);
        }
    }

    /**
     * One fused update of {@code w} from {@code g}, with this parameter's effective learning rate
     * and weight decay; {@code step} counts from 1.
     */
    protected abstract void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step);

    /**
     * The state tensors keyed "parameterName.slot" ("conv1.weight.adam_m"), in parameter order:
     * the live tensors on the backend's device, not copies; do not close them. Empty before the
     * first step and for plain SGD.
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor[]> e : state.entrySet()) {
            for (int i = 0; i < slotNames.size(); i++) {
                out.put(e.getKey() + "." + slotNames.get(i), e.getValue()[i]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The scalar state: the optimizer type and the step count, as strings for checkpoint metadata. */
    public Map<String, String> stateMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TYPE_KEY, spec.type().configName());
        m.put(STEPS_KEY, Long.toString(steps));
        return m;
    }

    /**
     * Restores the state {@link #state()} and {@link #stateMetadata()} exported, for these
     * parameters. The tensors must live on this backend's device; they are copied, so the caller
     * keeps ownership. Everything is validated before anything changes: a different optimizer
     * type, a missing or unexpected tensor, or a shape that differs from the parameter's raises an
     * {@link IllegalArgumentException} naming the first mismatch. A checkpoint taken before the
     * first update (no tensors, steps 0) restores the fresh state.
     */
    public void loadState(List<Parameter> params, Map<String, Tensor> tensors, Map<String, String> metadata) {
        String type = metadata.get(TYPE_KEY);
        if (!spec.type().configName().equals(type)) {
            throw new IllegalArgumentException("optimizer state: the checkpoint holds " + (type == null ? "no optimizer type" : type)
                    + " state, this optimizer is " + spec.type());
        }
        long loadedSteps = parseSteps(metadata.get(STEPS_KEY));
        boolean fresh = tensors.isEmpty() && loadedSteps == 0;
        if (!fresh) {
            validate(params, tensors);
        }
        clearState();
        steps = loadedSteps;
        if (fresh) {
            return;
        }
        for (Parameter p : params) {
            Tensor[] slots = slotsFor(p);
            for (int i = 0; i < slotNames.size(); i++) {
                backend.tensors().copy(tensors.get(p.name() + "." + slotNames.get(i)), slots[i]);
            }
        }
    }

    private void validate(List<Parameter> params, Map<String, Tensor> tensors) {
        Set<String> expected = new HashSet<>();
        for (Parameter p : params) {
            for (String slot : slotNames) {
                String key = p.name() + "." + slot;
                expected.add(key);
                Tensor t = tensors.get(key);
                if (t == null) {
                    throw new IllegalArgumentException("optimizer state: tensor '" + key + "' is missing");
                }
                if (!t.shape().equals(p.value().shape())) {
                    throw new IllegalArgumentException("optimizer state: tensor '" + key + "' has shape " + t.shape()
                            + ", parameter " + p.name() + " has shape " + p.value().shape());
                }
            }
        }
        for (String key : tensors.keySet()) {
            if (!expected.contains(key)) {
                throw new IllegalArgumentException("optimizer state: unexpected tensor '" + key + "'; " + spec.type()
                        + " keeps " + (slotNames.isEmpty() ? "no state" : "slots " + slotNames)
                        + " for each of the " + params.size() + " parameters");
            }
        }
    }

    private static long parseSteps(String s) {
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ex) {
            // reported below with the value
        }
        throw new IllegalArgumentException("optimizer state: '" + STEPS_KEY + "' must be a whole number >= 0, got " + s);
    }

    private Tensor[] slotsFor(Parameter p) {
        Tensor[] slots = state.get(p.name());
        Shape shape = p.value().shape();
        if (slots == null) {
            slots = new Tensor[slotNames.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = backend.allocate(shape);
            }
            state.put(p.name(), slots);
        } else if (slots.length > 0 && !slots[0].shape().equals(shape)) {
            throw new IllegalArgumentException("optimizer: parameter " + p.name() + " has shape " + shape
                    + " but its optimizer state has shape " + slots[0].shape());
        }
        return slots;
    }

    private void clearState() {
        for (Tensor[] slots : state.values()) {
            for (Tensor t : slots) {
                t.close();
            }
        }
        state.clear();
    }

    /** Frees the state tensors. */
    @Override
    public void close() {
        clearState();
    }

    @Override
    public String toString() {
        return spec.type() + " " + spec.hyperparameters();
    }
}
