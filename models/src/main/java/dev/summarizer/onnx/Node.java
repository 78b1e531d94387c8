package dev.summarizer.onnx;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Attribute values are {@code Long}, {@code Float}, {@code String},
 * {@code long[]}, {@code float[]}, {@link Constant} or {@link Graph} (If branches). An input whose name is
 * empty is an omitted optional input. {@code domain} is the operator set: empty for the standard ONNX
 * operators, e.g. {@code com.microsoft} for ONNX Runtime's contrib operators.
 */
public record Node(String name, String opType, List<Value> inputs, List<Value> outputs, Map<String, Object> attributes,
        String domain) {

    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(attributes);
    }

    /** A standard ONNX operator. */
    public Node(String name, String opType, List<Value> inputs, List<Value> outputs, Map<String, Object> attributes) {
        this(name, opType, inputs, outputs, attributes, "");
    }

    public Value input(int i) {
        return inputs.get(i);
    }

    public Value output() {
        return outputs.get(0);
    }

    public long longAttribute(String key, long fallback) {
        Object v = attributes.get(key);
        return v == null ? fallback : (Long) v;
    }

    public long[] longsAttribute(String key) {
        return (long[]) attributes.get(key);
    }
}
