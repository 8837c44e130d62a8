package dev.cortado.data;

import java.util.List;

/**
 * A fixed set of views of each test sample (crops at set positions, optionally mirrored) whose
 * predictions the evaluator averages, as in the lecture's test-time augmentation: no random
 * operations, crops at fixed positions. {@link #expand} writes the views of a sample consecutively, so
 * a batch of n samples becomes a batch of n·count() rows in which rows [k·count(), (k+1)·count())
 * belong to sample k. Crops and flips commute with per-channel normalization, so the input may
 * already be normalized.
 */
public final class TestTimeAugmentation {
    /** Where a view's crop sits in the sample. */
    public enum Anchor { CENTER, TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT }

    /** One view: a crop at an anchor, mirrored or not. */
    public record View(Anchor anchor, boolean flipped) {
    }

    private final int cropHeight;
    private final int cropWidth;
    private final List<View> views;

    private TestTimeAugmentation(int cropHeight, int cropWidth, List<View> views) {
        this.cropHeight = cropHeight;
        this.cropWidth = cropWidth;
        this.views = views;
    }

    /** The sample itself and its mirror image: 2 views, no crop. */
    public static TestTimeAugmentation identityAndFlip() {
        return new TestTimeAugmentation(0, 0, List.of(new View(Anchor.CENTER, false), new View(Anchor.CENTER, true)));
    }

    /**
     * The ten-crop of Krizhevsky et al. 2012: centre and four corner crops of height×width, each also
     * mirrored.
     */
    public static TestTimeAugmentation tenCrop(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("ten-crop needs a positive crop size, got " + height + "×" + width);
        }
        Anchor[] anchors = {Anchor.CENTER, Anchor.TOP_LEFT, Anchor.TOP_RIGHT, Anchor.BOTTOM_LEFT, Anchor.BOTTOM_RIGHT};
        View[] views = new View[10];
        for (int i = 0; i < 5; i++) {
            views[i] = new View(anchors[i], false);
            views[5 + i] = new View(anchors[i], true);
        }
        return new TestTimeAugmentation(height, width, List.of(views));
    }

    /** Views per sample. */
    public int count() {
        return views.size();
    }

    public List<View> views() {
        return views;
    }

    /** The shape of each view of a sample of shape {@code input}. */
    public SampleShape outputShape(SampleShape input) {
        if (cropHeight == 0) {
            return input;
        }
        if (input.height() < cropHeight || input.width() < cropWidth) {
            throw new IllegalArgumentException("test-time crop " + cropHeight + "×" + cropWidth
                    + " is larger than the " + input + " sample");
        }
        return input.withSize(cropHeight, cropWidth);
    }

    /**
     * Writes the count() views of the sample at {@code srcOffset} to {@code dst} from {@code dstOffset},
     * one after another. {@code scratch} needs outputShape(shape).size() floats when views are flipped.
     */
    public void expand(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, float[] scratch) {
        SampleShape out = outputShape(shape);
        int h = out.height();
        int w = out.width();
        for (int v = 0; v < views.size(); v++) {
            View view = views.get(v);
            int top = switch (view.anchor()) {
                case CENTER -> (int) Math.rint((shape.height() - h) / 2.0);
                case TOP_LEFT, TOP_RIGHT -> 0;
                case BOTTOM_LEFT, BOTTOM_RIGHT -> shape.height() - h;
            };
            int left = switch (view.anchor()) {
                case CENTER -> (int) Math.rint((shape.width() - w) / 2.0);
                case TOP_LEFT, BOTTOM_LEFT -> 0;
                case TOP_RIGHT, BOTTOM_RIGHT -> shape.width() - w;
            };
            int at = dstOffset + v * out.size();
            if (view.flipped()) {
                RandomCrop.crop(src, srcOffset, shape, top, left, h, w, scratch, 0);
                HorizontalFlip.flip(scratch, 0, out, dst, at);
            } else {
                RandomCrop.crop(src, srcOffset, shape, top, left, h, w, dst, at);
            }
        }
    }

    /**
     * Expands the first {@code batch.size()} rows of a batch into {@code dst}, which must hold
     * batch.size()·count() views; returns the number of rows written.
     */
    public int expand(Batch batch, float[] dst, float[] scratch) {
        SampleShape shape = batch.sampleShape();
        int viewSize = outputShape(shape).size();
        int rows = batch.size() * count();
        if (dst.length < (long) rows * viewSize) {
            throw new IllegalArgumentException("test-time augmentation of " + batch.size() + " samples needs "
                    + rows + "×" + viewSize + " floats, the destination holds " + dst.length);
        }
        for (int i = 0; i < batch.size(); i++) {
            expand(batch.images(), i * shape.size(), shape, dst, i * count() * viewSize, scratch);
        }
        return rows;
    }
}
