package dev.cortado.backend.cuda;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;

/** What a convolution's algorithm choice and descriptors depend on: direction, input, weight, geometry. */
public record ConvKey(Direction direction, Shape input, Shape weight, Conv2dSpec spec) {

    public enum Direction {
        FORWARD("conv2d forward", "Forward"),
        BACKWARD_DATA("conv2d backwardData", "BackwardData"),
        BACKWARD_FILTER("conv2d backwardFilter", "BackwardFilter");

        private final String op;
        private final String cudnnName;

        Direction(String op, String cudnnName) {
            this.op = op;
            this.cudnnName = cudnnName;
        }

        public String op() {
            return op;
        }

        /** The direction's part of cuDNN's function names: cudnnConvolution{@code BackwardData}, ... */
        public String cudnnName() {
            return cudnnName;
        }
    }

    /** The output shape (validated by {@link Conv2dSpec#outputShape}). */
    public Shape output() {
        return spec.outputShape(input, weight);
    }

    /**
     * Validates the input/weight pair and the output-side tensor as the CPU backend does, with its messages:
     * the op, the geometry problem, and every shape involved.
     *
     * @param inputName x, or dx for backward data
     * @param outputName y, or dy for the backward passes
     */
    public Shape validate(String inputName, String outputName, Shape actualOutput) {
        Shape expected;
        try {
            expected = output();
        } catch (ShapeMismatchException e) {
            String detail = e.getMessage().startsWith("conv2d: ") ? e.getMessage().substring(8) : e.getMessage();
            throw new ShapeMismatchException(direction.op() + ": " + detail + " [" + inputName + " " + input
                    + ", weight " + weight + ", " + spec + "]");
        }
        if (!actualOutput.equals(expected)) {
            throw new ShapeMismatchException(direction.op() + ": " + outputName + " must have shape " + expected
                    + ", got " + actualOutput);
        }
        return expected;
    }

    @Override
    public String toString() {
        return direction.op() + " of input " + input + " with weight " + weight + " (" + spec + ")";
    }
}
