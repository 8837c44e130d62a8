package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestTimeAugmentationTest {
    @Test
    void identityAndFlipGivesTheSampleThenItsMirror() {
        TestTimeAugmentation tta = TestTimeAugmentation.identityAndFlip();
        float[] out = new float[8];
        tta.expand(new float[] {1, 2, 3, 4}, 0, new SampleShape(1, 2, 2), out, 0, new float[4]);
        assertArrayEquals(new float[] {1, 2, 3, 4, 2, 1, 4, 3}, out);
    }

    @Test
    void tenCropTakesCentreAndCornersThenTheirMirrors() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) {
            img[i] = i;
        }
        TestTimeAugmentation tta = TestTimeAugmentation.tenCrop(2, 2);
        assertEquals(10, tta.count());
        float[] out = new float[40];
        tta.expand(img, 0, new SampleShape(1, 4, 4), out, 0, new float[4]);
        float[] expected = {
            5, 6, 9, 10, // centre
            0, 1, 4, 5, // top left
            2, 3, 6, 7, // top right
            8, 9, 12, 13, // bottom left
            10, 11, 14, 15, // bottom right
            6, 5, 10, 9, 1, 0, 5, 4, 3, 2, 7, 6, 9, 8, 13, 12, 11, 10, 15, 14};
        assertArrayEquals(expected, out);
    }

    @Test
    void expandingABatchKeepsEachSamplesViewsTogether() {
        Batch batch = new Batch(new SampleShape(1, 1, 2), 3);
        float[] images = batch.images();
        images[0] = 1;
        images[1] = 2;
        images[2] = 3;
        images[3] = 4;
        batch.setPosition(0, 0, 2);
        float[] out = new float[8];
        int rows = TestTimeAugmentation.identityAndFlip().expand(batch, out, new float[2]);
        assertEquals(4, rows);
        assertEquals("[1.0, 2.0, 2.0, 1.0, 3.0, 4.0, 4.0, 3.0]", Arrays.toString(out));
    }
}
