package dev.summarizer.training.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Runtime's CUDAExecutionProvider kernel registrations, read from the committed TSV that
 * {@code scripts/reference/cuda_kernel_table.py} extracts from onnxruntime's {@code docs/OperatorKernels.md}.
 * One kernel is an op in a domain over an opset range with, per type constraint of its kernel definition, the
 * types it accepts (ONNX type strings such as {@code tensor(float)}).
 */
public final class CudaKernelTable {
    /** The table this project's graphs are checked against. */
    public static final String RESOURCE = "/cuda/cuda-kernels-onnxruntime-1.29.0.tsv";

    /** {@code until} is {@link Integer#MAX_VALUE} for an open range ("13+"). */
    public record Kernel(String op, String domain, int since, int until, Map<String, Set<String>> constraints) {
        public boolean openEnded() {
            return until == Integer.MAX_VALUE;
        }

        public String range() {
            return openEnded() ? since + "+" : since == until ? Integer.toString(since) : "[" + since + ", " + until + "]";
        }
    }

    private final List<String> header;
    private final Map<String, List<Kernel>> byOpAndDomain;

    private CudaKernelTable(List<String> header, Map<String, List<Kernel>> byOpAndDomain) {
        this.header = List.copyOf(header);
        this.byOpAndDomain = byOpAndDomain;
    }

    public static CudaKernelTable load() {
        try (InputStream in = CudaKernelTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CudaKernelTable parse(BufferedReader reader) throws IOException {
        List<String> header = new ArrayList<>();
        // Rows of one kernel are adjacent: (op, domain, since, until) then one row per constraint.
        Map<String, Map<String, Set<String>>> constraintsByKernel = new LinkedHashMap<>();
        Map<String, String[]> keyFields = new LinkedHashMap<>();
        boolean columns = false;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("#")) {
                header.add(line.substring(1).trim());
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (!columns) {
                if (!String.join("\t", f).equals("op\tdomain\tsince\tuntil\tconstraint\ttypes")) {
                    throw new IllegalArgumentException("unexpected TSV columns: " + line);
                }
                columns = true;
                continue;
            }
            if (f.length != 6) {
                throw new IllegalArgumentException("expected 6 fields: " + line);
            }
            String key = f[0] + "\t" + f[1] + "\t" + f[2] + "\t" + f[3];
            keyFields.putIfAbsent(key, f);
            constraintsByKernel.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(f[4], Set.of(f[5].split(",")));
        }
        Map<String, List<Kernel>> byOpAndDomain = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : keyFields.entrySet()) {
            String[] f = e.getValue();
            int until = f[3].isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(f[3]);
            Kernel k = new Kernel(f[0], f[1], Integer.parseInt(f[2]), until, Map.copyOf(constraintsByKernel.get(e.getKey())));
            byOpAndDomain.computeIfAbsent(f[0] + "@" + f[1], x -> new ArrayList<>()).add(k);
        }
        return new CudaKernelTable(header, byOpAndDomain);
    }

    /** The header comment lines (source file, commit, date). */
    public List<String> header() {
        return header;
    }

    /** Every registered CUDA kernel of {@code op} in {@code domain} ({@code ai.onnx}, {@code com.microsoft}, ...). */
    public List<Kernel> kernels(String op, String domain) {
        return byOpAndDomain.getOrDefault(op + "@" + domain, List.of());
    }

    public int size() {
        return byOpAndDomain.values().stream().mapToInt(List::size).sum();
    }
}
