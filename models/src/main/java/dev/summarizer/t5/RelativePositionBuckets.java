package dev.summarizer.t5;

/**
 * T5's relative position buckets ({@code T5Attention._relative_position_bucket}): exact buckets for small
 * distances, logarithmically wider ones up to {@code maxDistance}, one last bucket beyond. Bidirectional
 * (encoder) buckets also split by direction; causal (decoder) ones see only the past.
 *
 * <p>The bucket of a relative position is constant once |position| reaches {@code maxDistance}, so the
 * graphs look buckets up in a table over {@code [-maxDistance, maxDistance]} and clip positions into it.
 * The table reproduces transformers' float32 arithmetic, including its truncation toward zero.
 */
public final class RelativePositionBuckets {
    private RelativePositionBuckets() {}

    /** The bucket of {@code relativePosition = keyPosition - queryPosition}. */
    public static long bucket(long relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        long bucket = 0;
        long distance;
        int buckets = numBuckets;
        if (bidirectional) {
            buckets /= 2;
            if (relativePosition > 0) {
                bucket += buckets;
            }
            distance = Math.abs(relativePosition);
        } else {
            distance = -Math.min(relativePosition, 0);
        }
        int maxExact = buckets / 2;
        if (distance < maxExact) {
            return bucket + distance;
        }
        // float32 throughout, like torch: log(d / maxExact) / log(maxDistance / maxExact) * (buckets - maxExact)
        float ratio = (float) distance / (float) maxExact;
        float logRatio = (float) Math.log(ratio);
        float scaled = logRatio / (float) Math.log((double) maxDistance / maxExact) * (float) (buckets - maxExact);
        long large = Math.min(maxExact + (long) scaled, buckets - 1);
        return bucket + large;
    }

    /** Entry {@code i} is the bucket of relative position {@code i - maxDistance}. */
    public static long[] table(boolean bidirectional, int numBuckets, int maxDistance) {
        long[] table = new long[2 * maxDistance + 1];
        for (int i = 0; i < table.length; i++) {
            table[i] = bucket(i - maxDistance, bidirectional, numBuckets, maxDistance);
        }
        return table;
    }
}
