package dev.summarizer.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Numeric comparisons whose failures say where and by how much. */
public final class Assertions {
    private Assertions() {}

    /** Every element within {@code tolerance} (absolute) of the reference. */
    public static void assertAllClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) expected[i] - actual[i]);
            if (!(diff <= worst)) {
                worst = diff;
                worstAt = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(String.format("%s: max |diff| %.3g at %d (expected %s, got %s) exceeds %.1g", what, worst, worstAt,
                    expected[worstAt], actual[worstAt], tolerance));
        }
    }

    public static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
