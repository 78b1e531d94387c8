package dev.summarizer.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** W + (B @ A) * scaling on a product worked out by hand. */
class LoraMergeTest {
    @Test
    void mergedIsTheWeightPlusTheScaledProductOfTheFactors() {
        // W [2, 3], A [1, 3] (r 1), B [2, 1], scaling 2: B @ A = [[1, 2, 3], [-2, -4, -6]].
        float[] w = {1, 0, 0, 0, 1, 0};
        float[] a = {1, 2, 3};
        float[] b = {1, -2};
        float[] merged = new float[6];
        LoraMerge.merge(FloatBuffer.wrap(w), FloatBuffer.wrap(a), FloatBuffer.wrap(b), 2, 2, 3, 1, FloatBuffer.wrap(merged));
        assertArrayEquals(new float[] {3, 4, 6, -4, -7, -12}, merged);
    }
}
