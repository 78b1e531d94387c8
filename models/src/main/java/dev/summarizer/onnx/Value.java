package dev.summarizer.onnx;

/** A named tensor in a graph: a graph input, an initializer or a node output. */
public record Value(String name, DType type, Shape shape) {

    public int rank() {
        return shape.rank();
    }

    public Dim dim(int axis) {
        return shape.dim(axis);
    }

    @Override
    public String toString() {
        return name + ":" + type + shape;
    }
}
