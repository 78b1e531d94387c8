package dev.summarizer.onnx;

import dev.summarizer.model.FloatTensor;
import java.util.Arrays;

/**
 * The data of an initializer or constant: {@code float[]}, {@code double[]}, {@code long[]}, {@code int[]},
 * {@code byte[]} (uint8, e.g. packed quantized weights) or {@code boolean[]} according to {@code type}, in
 * row-major order.
 */
public record Constant(DType type, long[] shape, Object data) {

    public Constant {
        int length = switch (type) {
            case FLOAT -> ((float[]) data).length;
            case UINT8 -> ((byte[]) data).length;
            case DOUBLE -> ((double[]) data).length;
            case INT64 -> ((long[]) data).length;
            case BOOL -> ((boolean[]) data).length;
            case INT32 -> ((int[]) data).length;
        };
        if (length != FloatTensor.elementCount(shape)) {
            throw new IllegalArgumentException("constant of shape " + Arrays.toString(shape) + " has " + length + " values");
        }
    }

    public static Constant of(FloatTensor t) {
        return new Constant(DType.FLOAT, t.shape(), t.data());
    }

    public static Constant longs(long... values) {
        return new Constant(DType.INT64, new long[] {values.length}, values);
    }

    public static Constant scalar(DType type, double value) {
        return switch (type) {
            case FLOAT -> new Constant(type, new long[0], new float[] {(float) value});
            case UINT8 -> new Constant(type, new long[0], new byte[] {(byte) value});
            case DOUBLE -> new Constant(type, new long[0], new double[] {value});
            case INT64 -> new Constant(type, new long[0], new long[] {(long) value});
            case INT32 -> new Constant(type, new long[0], new int[] {(int) value});
            case BOOL -> new Constant(type, new long[0], new boolean[] {value != 0});
        };
    }

    /** The same values under another shape with as many elements (e.g. a scalar as a one-element vector). */
    public Constant reshaped(long[] newShape) {
        return new Constant(type, newShape, data);
    }

    public long byteSize() {
        return FloatTensor.elementCount(shape) * type.byteSize();
    }

    /** Content equality, used to share identical small constants. */
    boolean sameAs(Constant other) {
        if (type != other.type || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        return switch (type) {
            case FLOAT -> Arrays.equals((float[]) data, (float[]) other.data);
            case UINT8 -> Arrays.equals((byte[]) data, (byte[]) other.data);
            case DOUBLE -> Arrays.equals((double[]) data, (double[]) other.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) other.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) other.data);
            case BOOL -> Arrays.equals((boolean[]) data, (boolean[]) other.data);
        };
    }

    int contentHash() {
        int h = type.hashCode() * 31 + Arrays.hashCode(shape);
        return h * 31 + switch (type) {
            case FLOAT -> Arrays.hashCode((float[]) data);
            case UINT8 -> Arrays.hashCode((byte[]) data);
            case DOUBLE -> Arrays.hashCode((double[]) data);
            case INT64 -> Arrays.hashCode((long[]) data);
            case INT32 -> Arrays.hashCode((int[]) data);
            case BOOL -> Arrays.hashCode((boolean[]) data);
        };
    }
}
