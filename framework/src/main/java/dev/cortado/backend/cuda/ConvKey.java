package dev.cortado.backend.cuda;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.tensor.Shape;

/** What a convolution's algorithm choice and descriptors depend on: direction, input, weight, geometry. */
public record ConvKey(Direction direction, Shape input, Shape weight, Conv2dSpec spec) {

    public enum Direction {
        FORWARD("conv2d forward"), BACKWARD_DATA("conv2d backward data"), BACKWARD_FILTER("conv2d backward filter");

        private final String op;

        Direction(String op) {
            this.op = op;
        }

        public String op() {
            return op;
        }
    }

    /** The output shape (validated by {@link Conv2dSpec#outputShape}). */
    public Shape output() {
        return spec.outputShape(input, weight);
    }

    @Override
    public String toString() {
        return direction.op() + " of input " + input + " with weight " + weight + " (" + spec + ")";
    }
}
