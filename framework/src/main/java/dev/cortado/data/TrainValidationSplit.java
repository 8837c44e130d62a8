package dev.cortado.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A training set divided into training and validation parts by a seeded random permutation: the same
 * dataset size, fraction and seed always give the same parts, and the parts are disjoint and cover
 * the dataset.
 */
public record TrainValidationSplit(Dataset train, Dataset validation) {

    /**
     * Holds out round(fraction · size) samples for validation.
     *
     * @param validationFraction in (0, 1)
     */
    public static TrainValidationSplit split(Dataset dataset, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must lie in (0, 1), got " + validationFraction);
        }
        int n = dataset.size();
        int validationSize = (int) Math.round(validationFraction * n);
        if (validationSize == 0 || validationSize == n) {
            throw new IllegalArgumentException("a validation fraction of " + validationFraction + " of "
                    + dataset.description() + "'s " + n + " samples leaves one part empty");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Permutations.shuffle(order, new SplittableRandom(seed));
        // Sorted parts keep reads close to storage order; the loader shuffles them anyway.
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        int[] train = Arrays.copyOfRange(order, validationSize, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidationSplit(
                new SubsetDataset(dataset, train, dataset.description() + " [train part, seed " + seed + "]"),
                new SubsetDataset(dataset, validation, dataset.description() + " [validation part, seed " + seed + "]"));
    }
}
