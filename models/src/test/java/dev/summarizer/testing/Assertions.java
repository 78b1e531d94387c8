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

    /** Every tensor within {@code relative} of the reference in L2 norm: ||a - b|| <= relative * ||b||. */
    public static void assertTensorsClose(java.util.Map<String, dev.summarizer.model.FloatTensor> expected,
            java.util.Map<String, dev.summarizer.model.FloatTensor> actual, double relative, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": tensor names");
        for (String name : expected.keySet()) {
            float[] e = expected.get(name).data();
            float[] a = actual.get(name).data();
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < e.length; i++) {
                diff += ((double) e[i] - a[i]) * ((double) e[i] - a[i]);
                norm += (double) e[i] * e[i];
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            if (!(diff <= relative * norm || (norm == 0 && diff == 0))) {
                fail(String.format("%s %s: |difference| %.3g is %.3g of |reference| %.3g", what, name, diff, diff / norm, norm));
            }
        }
    }

    /**
     * Every tensor's change from {@code initial} within {@code relative} of the reference's change in L2 norm. After a
     * few small optimizer steps the parameters are mostly their initial values, so comparing the updates is what
     * tells a wrong update (a decay applied to the wrong tensor, a moment off by a step) from a right one.
     */
    public static void assertUpdatesClose(java.util.Map<String, dev.summarizer.model.FloatTensor> initial,
            java.util.Map<String, dev.summarizer.model.FloatTensor> expected,
            java.util.Map<String, dev.summarizer.model.FloatTensor> actual, double relative, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": tensor names");
        for (String name : expected.keySet()) {
            float[] start = initial.get(name).data();
            float[] e = expected.get(name).data();
            float[] a = actual.get(name).data();
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < e.length; i++) {
                double expectedStep = (double) e[i] - start[i];
                double actualStep = (double) a[i] - start[i];
                diff += (expectedStep - actualStep) * (expectedStep - actualStep);
                norm += expectedStep * expectedStep;
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            if (!(diff <= relative * norm || (norm == 0 && diff == 0))) {
                fail(String.format("%s %s: the update differs by %.3g, %.3g of the reference update's norm %.3g", what, name, diff,
                        diff / norm, norm));
            }
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
