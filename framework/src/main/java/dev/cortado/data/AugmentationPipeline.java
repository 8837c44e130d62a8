package dev.cortado.data;

import java.util.Arrays;
import java.util.List;

/**
 * Augmentation steps applied in order (torchvision's Compose). Immutable; the buffers between steps
 * live in a {@link Workspace} that each thread (in practice the loader's background thread) owns.
 */
public final class AugmentationPipeline {
    private static final AugmentationPipeline IDENTITY = new AugmentationPipeline(List.of());

    private final List<Augmentation> steps;

    private AugmentationPipeline(List<Augmentation> steps) {
        this.steps = steps;
    }

    public static AugmentationPipeline of(Augmentation... steps) {
        return new AugmentationPipeline(List.of(steps));
    }

    public static AugmentationPipeline of(List<Augmentation> steps) {
        return new AugmentationPipeline(List.copyOf(steps));
    }

    /** No steps: samples pass unchanged. */
    public static AugmentationPipeline identity() {
        return IDENTITY;
    }

    public List<Augmentation> steps() {
        return steps;
    }

    public boolean isIdentity() {
        return steps.isEmpty();
    }

    /** The shape of samples leaving the pipeline; fails naming the step that cannot take its input. */
    public SampleShape outputShape(SampleShape input) {
        SampleShape shape = input;
        for (Augmentation step : steps) {
            shape = step.outputShape(shape);
        }
        return shape;
    }

    /** Buffers for samples of shape {@code input}, large enough for every intermediate shape. */
    public Workspace newWorkspace(SampleShape input) {
        int largest = input.size();
        SampleShape shape = input;
        for (Augmentation step : steps) {
            shape = step.outputShape(shape);
            largest = Math.max(largest, shape.size());
        }
        return new Workspace(input, largest);
    }

    /**
     * Runs the steps on the sample in {@code workspace.input()} and writes the result to {@code dst}
     * from {@code dstOffset}. The workspace's buffers are overwritten.
     */
    public void apply(Workspace workspace, float[] dst, int dstOffset, SampleRandom random) {
        SampleShape shape = workspace.inputShape;
        if (steps.isEmpty()) {
            System.arraycopy(workspace.a, 0, dst, dstOffset, shape.size());
            return;
        }
        float[] current = workspace.a;
        float[] spare = workspace.b;
        for (int i = 0; i < steps.size(); i++) {
            Augmentation step = steps.get(i);
            SampleShape next = step.outputShape(shape);
            if (i == steps.size() - 1) {
                step.apply(current, 0, shape, dst, dstOffset, random);
            } else {
                step.apply(current, 0, shape, spare, 0, random);
                float[] t = current;
                current = spare;
                spare = t;
            }
            shape = next;
        }
    }

    @Override
    public String toString() {
        return "AugmentationPipeline" + Arrays.toString(steps.toArray());
    }

    /** The two ping-pong buffers one thread uses to run a pipeline on samples of one input shape. */
    public static final class Workspace {
        private final SampleShape inputShape;
        private final float[] a;
        private final float[] b;

        private Workspace(SampleShape inputShape, int capacity) {
            this.inputShape = inputShape;
            this.a = new float[capacity];
            this.b = new float[capacity];
        }

        /** Where to put the input sample (inputShape().size() floats from offset 0) before apply. */
        public float[] input() {
            return a;
        }

        public SampleShape inputShape() {
            return inputShape;
        }
    }
}
