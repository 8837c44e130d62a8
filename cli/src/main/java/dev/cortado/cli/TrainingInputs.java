package dev.cortado.cli;

import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.Normalize;
import dev.cortado.data.SampleShape;
import dev.cortado.data.TrainValidationSplit;
import dev.cortado.models.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The data and the model of a training run, resolved together because each shapes the other: the
 * model's channels decide how an image folder is read, and the data decides the model's input size
 * and, unless given, its number of classes.
 *
 * @param modelName the model as the user named it (zoo name or config file)
 * @param variables the config variable overrides the model was built with, {@code classes} included
 * @param model the config, with the input size that fits the data
 * @param fullTrain the training split before any validation hold-out (its statistics and classes)
 * @param train what is trained on
 * @param validation what is validated on each epoch; null for none
 * @param test the test split; null when the data has none
 */
record TrainingInputs(String modelName, Map<String, String> variables, ModelConfig model, Path dataDirectory,
                      DatasetFormat format, Dataset fullTrain, Dataset train, Dataset validation, Dataset test,
                      Normalize normalize) {
    private static final Logger LOG = LogManager.getLogger(TrainingInputs.class);

    /**
     * Opens {@code dataDirectory} for {@code modelName}.
     *
     * @param inputSize --input-size as {height, width}, or null
     * @param defaultData whether the user left the data to the default (errors then point at --data)
     * @param validationSplit the fraction held out for validation, or null to validate on the test split
     */
    static TrainingInputs resolve(String modelName, Map<String, String> variables, int[] inputSize, Path dataDirectory,
                                  boolean defaultData, String format, Double validationSplit, long seed)
            throws IOException {
        Map<String, String> vars = new LinkedHashMap<>(variables);
        ModelConfig declared = ModelOptions.load(modelName, vars, null);
        DatasetFormat dataFormat = DataDirectory.format(dataDirectory, format);
        int channels = declared.input().get(0);
        int[] size = inputSize;
        SampleShape imageShape = new SampleShape(channels, size != null ? size[0] : declared.input().get(1),
                size != null ? size[1] : declared.input().get(2));
        DatasetSplits splits = DataDirectory.open(dataDirectory, dataFormat, imageShape);
        Dataset fullTrain = splits.train();
        SampleShape dataShape = fullTrain.sampleShape();
        if (dataShape.channels() != channels && defaultData) {
            throw new UserInputException("model " + modelName + " takes " + channels + "-channel input, and the default "
                    + "data " + fullTrain.description() + " has " + dataShape.channels() + "-channel images; pass --data"
                    + " with a dataset of " + channels + "-channel images (e.g. CIFAR-10: cortado data download cifar10)");
        }
        if (dataShape.channels() != channels) {
            throw new UserInputException("model " + modelName + " takes " + channels + "-channel input, but "
                    + fullTrain.description() + " has " + dataShape.channels() + "-channel images; choose a model for "
                    + dataShape.channels() + "-channel data or a config whose input is [" + dataShape.channels()
                    + ", H, W]");
        }
        if (dataFormat != DatasetFormat.IMAGE_FOLDER) {
            // A pack's samples may be larger than the model's input: training crops them, evaluation centre-crops.
            boolean crops = dataFormat == DatasetFormat.PACKED && size != null && size[0] <= dataShape.height()
                    && size[1] <= dataShape.width();
            if (size != null && !crops && (size[0] != dataShape.height() || size[1] != dataShape.width())) {
                throw new UserInputException("--input-size " + size[0] + "x" + size[1] + ": " + fullTrain.description()
                        + " has fixed " + dataShape.height() + "x" + dataShape.width() + " images; leave --input-size "
                        + "out (the model takes the data's size)" + (dataFormat == DatasetFormat.PACKED
                        ? ", choose one up to theirs (crops), or pack the images at a larger size"
                        : " or use an image folder, which is resized"));
            }
            if (!crops) {
                size = new int[] {dataShape.height(), dataShape.width()};
            }
        }
        if (!vars.containsKey("classes") && declared.declares("classes")) {
            vars.put("classes", Integer.toString(fullTrain.numClasses()));
        }
        ModelConfig model = ModelOptions.load(modelName, vars, size);
        if (!model.input().equals(declared.input())) {
            LOG.info("model {}: input {} instead of the config's {}, to fit the data", model.name(), model.input(),
                    declared.input());
        }

        Dataset train = fullTrain;
        Dataset test = splits.test().orElse(null);
        Dataset validation = test;
        if (validationSplit != null) {
            TrainValidationSplit parts = TrainValidationSplit.split(fullTrain, validationSplit, seed);
            train = parts.train();
            validation = parts.validation();
        }
        Normalize normalize = DataDirectory.normalizeFor(dataFormat, fullTrain);
        return new TrainingInputs(modelName, Collections.unmodifiableMap(vars), model, dataDirectory, dataFormat, fullTrain, train,
                validation, test, normalize);
    }

    /** The training images' shape, which augmentations crop from. */
    SampleShape sampleShape() {
        return fullTrain.sampleShape();
    }

    /** The model's input shape, which augmentations crop to: the samples' own, or smaller for a pack. */
    SampleShape inputShape() {
        return new SampleShape(model.input().get(0), model.input().get(1), model.input().get(2));
    }

    List<String> classNames() {
        return fullTrain.classNames();
    }

    /** Whether validation is a hold-out of the training data rather than the test split. */
    boolean validatesOnHoldOut() {
        return validation != null && validation != test;
    }
}
