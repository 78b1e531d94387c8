package dev.summarizer.t5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Buckets against transformers' T5Attention._relative_position_bucket over [-300, 300], edges included. */
class RelativePositionBucketsTest {

    @Test
    void matchesTransformersForEveryPositionAndSetting() {
        JsonNode cases = Fixtures.json(Fixtures.fixture("relative_position_buckets.json"));
        assertEquals(8, cases.size());
        for (JsonNode c : cases) {
            boolean bidirectional = c.get("bidirectional").asBoolean();
            int buckets = c.get("num_buckets").asInt();
            int distance = c.get("max_distance").asInt();
            long[] positions = Fixtures.longs(c.get("relative_positions"));
            long[] expected = Fixtures.longs(c.get("buckets"));
            long[] table = RelativePositionBuckets.table(bidirectional, buckets, distance);
            for (int i = 0; i < positions.length; i++) {
                String what = String.format("bidirectional=%s buckets=%d max_distance=%d position=%d",
                        bidirectional, buckets, distance, positions[i]);
                assertEquals(expected[i], RelativePositionBuckets.bucket(positions[i], bidirectional, buckets, distance), what);
                // The graphs clip positions into the table; beyond max_distance the bucket must not change.
                int clipped = (int) Math.max(-distance, Math.min(distance, positions[i]));
                assertEquals(expected[i], table[clipped + distance], what + " via the clipped table");
            }
        }
    }
}
