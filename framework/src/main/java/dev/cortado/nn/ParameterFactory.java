package dev.cortado.nn;

import dev.cortado.backend.Backend;
import dev.cortado.backend.CounterRng;
import dev.cortado.nn.init.Fans;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Allocates a network's parameters on its backend with initial values drawn on the host. Each
 * parameter gets its own generator seeded from the network seed and the parameter's name, so a
 * weight's values do not depend on which other layers exist or in what order they are built.
 */
public final class ParameterFactory {
    private final Backend backend;
    private final long seed;

    public ParameterFactory(Backend backend, long seed) {
        this.backend = backend;
        this.seed = seed;
    }

    public Backend backend() {
        return backend;
    }

    /** A learnable tensor with a zeroed gradient; {@code decay} false exempts it from weight decay. */
    public Parameter create(String name, Shape shape, InitSpec init, Fans fans, boolean decay) {
        Tensor value = constant(name, shape, init, fans);
        Tensor gradient = backend.allocate(shape);
        return decay ? Parameter.weight(name, value, gradient) : Parameter.withoutDecay(name, value, gradient);
    }

    /** A tensor filled by {@code init} from the generator for {@code name}: a parameter value or a buffer. */
    public Tensor constant(String name, Shape shape, InitSpec init, Fans fans) {
        float[] values = new float[shape.intSize()];
        init.fill(values, fans, random(name));
        return backend.upload(shape, values);
    }

    /** The generator for one name: SplitMix64's finalizer mixes the seed with a 64-bit FNV-1a hash of the name. */
    SplittableRandom random(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return new SplittableRandom(CounterRng.hash(seed, h));
    }
}
