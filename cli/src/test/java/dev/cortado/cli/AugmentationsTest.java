package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.CenterCrop;
import dev.cortado.data.HorizontalFlip;
import dev.cortado.data.Normalize;
import dev.cortado.data.RandomCrop;
import dev.cortado.data.RandomResizedCrop;
import dev.cortado.data.SampleShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentationsTest {
    private static final SampleShape CIFAR = new SampleShape(3, 32, 32);
    private static final SampleShape PACKED = new SampleShape(3, 256, 256);
    private static final SampleShape CROP = new SampleShape(3, 224, 224);

    @Test
    void cropPadsByAnEighthAtTheDataSizeAndCropsLargerSamplesWithoutPadding() {
        AugmentationPipeline same = Augmentations.training(List.of("crop", "flip"), CIFAR, CIFAR, Normalize.CIFAR10);
        assertEquals(List.of(new RandomCrop(32, 32, 4), HorizontalFlip.half(), Normalize.CIFAR10), same.steps());
        AugmentationPipeline larger = Augmentations.training(List.of("crop", "flip"), PACKED, CROP, Normalize.IMAGENET);
        assertEquals(new RandomCrop(224, 224, 0), larger.steps().get(0));
        assertEquals(CROP, larger.outputShape(PACKED));
    }

    @Test
    void resizedCropIsTorchvisionsAndLargerSamplesWithoutACropAreCenterCropped() {
        AugmentationPipeline rrc = Augmentations.training(List.of("resized-crop"), PACKED, CROP, Normalize.IMAGENET);
        assertEquals(RandomResizedCrop.of(224, 224), rrc.steps().get(0));
        AugmentationPipeline none = Augmentations.training(List.of("none"), PACKED, CROP, Normalize.IMAGENET);
        assertEquals(List.of(new CenterCrop(224, 224), Normalize.IMAGENET), none.steps());
    }

    @Test
    void anInputLargerThanTheDataAndUnknownNamesAreRefused() {
        UserInputException larger = assertThrows(UserInputException.class,
                () -> Augmentations.training(List.of(), CIFAR, CROP, Normalize.CIFAR10));
        assertTrue(larger.getMessage().contains("larger than the data's 32x32"), larger.getMessage());
        UserInputException unknown = assertThrows(UserInputException.class,
                () -> Augmentations.training(List.of("zoom"), CIFAR, CIFAR, Normalize.CIFAR10));
        assertTrue(unknown.getMessage().contains("'zoom'") && unknown.getMessage().contains("resized-crop"),
                unknown.getMessage());
    }
}
