package dev.summarizer.lora;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(value, indent=2, sort_keys=True)} writes it (what PEFT writes
 * adapter_config.json with): two-space indents, {@code "key": value}, one array element per line, {@code {}} and
 * {@code []} when empty, non-ASCII characters escaped, floats in Python's repr, no newline at the end.
 */
final class PythonJson {
    private PythonJson() {}

    static String dumps(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(JsonNode v, StringBuilder out, int depth) {
        if (v.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                keys.add(it.next().getKey());
            }
            keys.sort(null);
            if (keys.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{");
            for (int i = 0; i < keys.size(); i++) {
                newline(out, depth + 1);
                string(keys.get(i), out);
                out.append(": ");
                write(v.get(keys.get(i)), out, depth + 1);
                out.append(i < keys.size() - 1 ? "," : "");
            }
            newline(out, depth);
            out.append("}");
        } else if (v.isArray()) {
            if (v.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[");
            for (int i = 0; i < v.size(); i++) {
                newline(out, depth + 1);
                write(v.get(i), out, depth + 1);
                out.append(i < v.size() - 1 ? "," : "");
            }
            newline(out, depth);
            out.append("]");
        } else if (v.isTextual()) {
            string(v.asText(), out);
        } else if (v.isBoolean()) {
            out.append(v.asBoolean() ? "true" : "false");
        } else if (v.isNull()) {
            out.append("null");
        } else if (v.isIntegralNumber()) {
            out.append(v.bigIntegerValue());
        } else if (v.isNumber()) {
            out.append(repr(v.asDouble()));
        } else {
            throw new IllegalArgumentException("not a JSON value Python writes: " + v);
        }
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n').append("  ".repeat(depth));
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back as the same double (as Java's), written
     * plainly for exponents from -4 to 15 and as {@code 1e-05} outside them; integral values end in {@code .0}.
     */
    static String repr(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("JSON has no " + x);
        }
        if (x == 0) {
            return 1 / x < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1; // of the first significant digit
        if (exponent >= -4 && exponent < 16) {
            String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String sign = x < 0 ? "-" : "";
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
