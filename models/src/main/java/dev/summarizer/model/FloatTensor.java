package dev.summarizer.model;

import java.util.Arrays;

/** A dense float32 tensor in row-major order: the unit in which weights are read, initialised and written. */
public record FloatTensor(long[] shape, float[] data) {

    public FloatTensor {
        long size = elementCount(shape);
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + size + " values, data has " + data.length);
        }
    }

    public static FloatTensor zeros(long... shape) {
        return new FloatTensor(shape.clone(), new float[Math.toIntExact(elementCount(shape))]);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public int size() {
        return data.length;
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
