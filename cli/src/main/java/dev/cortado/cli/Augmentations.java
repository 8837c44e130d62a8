package dev.cortado.cli;

import dev.cortado.data.Augmentation;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.CenterCrop;
import dev.cortado.data.HorizontalFlip;
import dev.cortado.data.Normalize;
import dev.cortado.data.RandomCrop;
import dev.cortado.data.RandomResizedCrop;
import dev.cortado.data.RandomRotation;
import dev.cortado.data.SampleShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The augmentations --augment names, as the pipeline that takes the data's samples to the model's input. */
final class Augmentations {
    static final String KNOWN = "crop, resized-crop, flip, rotate";

    private Augmentations() {
    }

    /**
     * The named steps in the order given, then normalization. {@code crop} draws an {@code output}-sized
     * window: from samples of that size padded by an eighth (the CIFAR recipe), from larger samples
     * without padding; {@code resized-crop} is torchvision's RandomResizedCrop to {@code output}. Samples
     * larger than the output and no crop named get a center crop first.
     */
    static AugmentationPipeline training(List<String> names, SampleShape data, SampleShape output, Normalize normalize) {
        if (output.height() > data.height() || output.width() > data.width()) {
            throw new UserInputException("the input size " + output.height() + "x" + output.width() + " is larger than the"
                    + " data's " + data.height() + "x" + data.width() + " samples; choose an input size up to theirs");
        }
        boolean same = output.equals(data);
        List<Augmentation> steps = new ArrayList<>();
        boolean cropped = false;
        for (String raw : names) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "crop" -> {
                    steps.add(new RandomCrop(output.height(), output.width(),
                            same ? Math.max(1, Math.min(output.height(), output.width()) / 8) : 0));
                    cropped = true;
                }
                case "resized-crop" -> {
                    steps.add(RandomResizedCrop.of(output.height(), output.width()));
                    cropped = true;
                }
                case "flip" -> steps.add(HorizontalFlip.half());
                case "rotate" -> steps.add(RandomRotation.upTo(15));
                case "none", "" -> { }
                default -> throw new UserInputException("--augment: unknown augmentation '" + raw + "'; known: " + KNOWN);
            }
        }
        if (!cropped && !same) {
            steps.add(0, new CenterCrop(output.height(), output.width()));
        }
        steps.add(normalize);
        return AugmentationPipeline.of(steps);
    }

    /** What evaluation does to samples: a center crop to the input when they are larger, then normalization. */
    static AugmentationPipeline evaluation(SampleShape data, SampleShape output, Normalize normalize) {
        return output.equals(data) ? AugmentationPipeline.of(normalize)
                : AugmentationPipeline.of(new CenterCrop(output.height(), output.width()), normalize);
    }
}
