package dev.cortado.data;

import java.util.Objects;
import java.util.Optional;

/**
 * The splits a dataset directory provides: always a training set, and a test set when the source
 * ships one (IDX and CIFAR do; an image folder does when it has {@code train/} and {@code test/}).
 */
public record DatasetSplits(Dataset train, Optional<Dataset> test) {
    public DatasetSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    public static DatasetSplits of(Dataset train, Dataset test) {
        return new DatasetSplits(train, Optional.ofNullable(test));
    }
}
