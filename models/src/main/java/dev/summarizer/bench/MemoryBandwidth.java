package dev.summarizer.bench;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast this machine reads memory, the floor of a batch-1 decoder step (which reads every weight once): the best of
 * several passes summing a 1 GiB array of longs, on one thread and on every core, in GB/s (10^9 bytes). Prints one
 * JSON object.
 *
 * <pre>MemoryBandwidth [MiB] [passes]</pre>
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long[] data = new long[mib * (1 << 20) / Long.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = i & 1023;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("probe", "sum over a long array (read only; C2 vectorises the loop)");
        result.put("bytes", 8L * data.length);
        result.put("read_gb_per_s_1_thread", best(data, 1, passes));
        result.put("threads", cores);
        result.put("read_gb_per_s_all_threads", best(data, cores, passes));
        System.out.println(Json.MAPPER.writeValueAsString(result));
    }

    /** The best pass of {@code threads} threads each summing its share of {@code data}. */
    private static double best(long[] data, int threads, int passes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            long sink = 0;
            for (int pass = 0; pass < passes + 1; pass++) {
                List<Future<Long>> parts = new ArrayList<>();
                long start = System.nanoTime();
                int share = data.length / threads;
                for (int t = 0; t < threads; t++) {
                    int from = t * share;
                    int to = t == threads - 1 ? data.length : from + share;
                    parts.add(pool.submit(() -> sum(data, from, to)));
                }
                for (Future<Long> part : parts) {
                    sink += part.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (pass > 0) { // the first pass warms up the JIT
                    best = Math.max(best, 8.0 * data.length / seconds / 1e9);
                }
            }
            if (sink == 42) {
                System.err.println(); // keeps the sums alive
            }
            return best;
        } finally {
            pool.shutdown();
        }
    }

    /** A plain sum: a loop C2 turns into vector loads and adds, so memory is the bound, not the additions. */
    private static long sum(long[] a, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }
}
