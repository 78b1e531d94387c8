package dev.summarizer.model;

/** One trainable tensor of a T5 model: its Hugging Face name, shape and role. */
public record ParameterSpec(String name, long[] shape, ParameterKind kind) {

    public long elementCount() {
        return FloatTensor.elementCount(shape);
    }
}
