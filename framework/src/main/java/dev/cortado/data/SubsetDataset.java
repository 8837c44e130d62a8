package dev.cortado.data;

import java.util.List;

/** A view of some samples of another dataset, in the order of the given indices. */
public final class SubsetDataset implements Dataset {
    private final Dataset parent;
    private final int[] indices;
    private final String description;

    public SubsetDataset(Dataset parent, int[] indices, String description) {
        for (int i : indices) {
            if (i < 0 || i >= parent.size()) {
                throw new IndexOutOfBoundsException("subset index " + i + " outside " + parent.description()
                        + " of " + parent.size() + " samples");
            }
        }
        this.parent = parent;
        this.indices = indices.clone();
        this.description = description;
    }

    /** The index in the parent dataset of this subset's sample {@code index}. */
    public int parentIndex(int index) {
        return indices[index];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public SampleShape sampleShape() {
        return parent.sampleShape();
    }

    @Override
    public int numClasses() {
        return parent.numClasses();
    }

    @Override
    public List<String> classNames() {
        return parent.classNames();
    }

    @Override
    public int label(int index) {
        return parent.label(indices[index]);
    }

    @Override
    public int read(int index, float[] dst, int offset) {
        return parent.read(indices[index], dst, offset);
    }

    @Override
    public boolean hasBytePixels() {
        return parent.hasBytePixels();
    }

    @Override
    public int readPixels(int index, ByteImage image) {
        return parent.readPixels(indices[index], image);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description + " (" + size() + " samples of " + sampleShape() + ")";
    }
}
