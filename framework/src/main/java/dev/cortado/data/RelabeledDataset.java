package dev.cortado.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A dataset seen in another class order: each label is mapped by class name onto a given class list.
 * The same classes come in different label orders from different sources — an image folder sorts its
 * folder names, CIFAR's binaries follow {@code batches.meta.txt} — and a model must be scored against
 * the order it was trained in, or its accuracy is that of a shuffled answer key.
 */
public final class RelabeledDataset implements Dataset {
    private final Dataset parent;
    private final List<String> classNames;
    /** {@code labels[parentLabel]} is the label in {@link #classNames}. */
    private final int[] labels;

    private RelabeledDataset(Dataset parent, List<String> classNames, int[] labels) {
        this.parent = parent;
        this.classNames = List.copyOf(classNames);
        this.labels = labels;
    }

    /**
     * {@code data} with its labels mapped by name onto {@code classNames}, or {@code data} itself when
     * its classes already come in that order.
     *
     * @throws IllegalArgumentException when the two lists are not the same classes (naming those
     *                                  only one side has), or either repeats a name
     */
    public static Dataset byClassName(Dataset data, List<String> classNames) {
        List<String> own = data.classNames();
        if (own.equals(classNames)) {
            return data;
        }
        requireDistinct(own, "the data's");
        requireDistinct(classNames, "the given");
        List<String> onlyData = new ArrayList<>(own);
        onlyData.removeAll(classNames);
        List<String> onlyGiven = new ArrayList<>(classNames);
        onlyGiven.removeAll(own);
        if (!onlyData.isEmpty() || !onlyGiven.isEmpty()) {
            throw new IllegalArgumentException("its " + own.size() + " classes are not the " + classNames.size()
                    + " expected: " + (onlyData.isEmpty() ? "" : "it has " + onlyData + ", which are not expected"
                    + (onlyGiven.isEmpty() ? "" : ", and ")) + (onlyGiven.isEmpty() ? "" : "it lacks " + onlyGiven));
        }
        int[] labels = new int[own.size()];
        for (int c = 0; c < labels.length; c++) {
            labels[c] = classNames.indexOf(own.get(c));
        }
        return new RelabeledDataset(data, classNames, labels);
    }

    /**
     * True when {@code classNames} are real names, false for the numerals 0, 1, … that
     * {@link Dataset#classNames()} gives a source without names.
     */
    public static boolean named(List<String> classNames) {
        return !classNames.equals(Dataset.numberedClassNames(classNames.size()));
    }

    private static void requireDistinct(List<String> names, String whose) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException(whose + " class names repeat '" + n + "': " + names);
            }
        }
    }

    @Override
    public int size() {
        return parent.size();
    }

    @Override
    public SampleShape sampleShape() {
        return parent.sampleShape();
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[parent.label(index)];
    }

    @Override
    public int read(int index, float[] dst, int offset) {
        return labels[parent.read(index, dst, offset)];
    }

    @Override
    public boolean hasBytePixels() {
        return parent.hasBytePixels();
    }

    @Override
    public int readPixels(int index, ByteImage image) {
        return labels[parent.readPixels(index, image)];
    }

    @Override
    public String description() {
        return parent.description();
    }

    @Override
    public String toString() {
        return parent + " relabeled to " + classNames;
    }
}
