package dev.summarizer.onnx;

/** One axis of a tensor shape: a fixed size, or a named size known only when the graph runs. */
public sealed interface Dim {

    record Fixed(long size) implements Dim {
        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dynamic axis; two axes with the same name have the same size. */
    record Symbolic(String name) implements Dim {
        @Override
        public String toString() {
            return name;
        }
    }

    static Dim of(long size) {
        return new Fixed(size);
    }

    static Dim named(String name) {
        return new Symbolic(name);
    }

    default boolean isFixed() {
        return this instanceof Fixed;
    }

    default boolean isOne() {
        return this instanceof Fixed f && f.size() == 1;
    }

    /** The fixed size; only for fixed axes. */
    default long size() {
        if (this instanceof Fixed f) {
            return f.size();
        }
        throw new IllegalStateException("axis " + this + " has no fixed size");
    }
}
