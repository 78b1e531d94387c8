package dev.summarizer.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The static shape the graph builder knows for a value: its rank and what it knows of each axis. */
public record Shape(List<Dim> dims) {

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(Dim... dims) {
        return new Shape(Arrays.asList(dims));
    }

    public static Shape fixed(long... sizes) {
        List<Dim> dims = new ArrayList<>();
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(dims);
    }

    public static Shape scalar() {
        return new Shape(List.of());
    }

    public int rank() {
        return dims.size();
    }

    /** Axis {@code i}; negative counts from the end. */
    public Dim dim(int i) {
        return dims.get(i < 0 ? dims.size() + i : i);
    }

    public boolean isFullyFixed() {
        return dims.stream().allMatch(Dim::isFixed);
    }

    public long[] sizes() {
        return dims.stream().mapToLong(Dim::size).toArray();
    }

    public Shape with(int axis, Dim dim) {
        List<Dim> copy = new ArrayList<>(dims);
        copy.set(axis < 0 ? copy.size() + axis : axis, dim);
        return new Shape(copy);
    }

    /** Numpy broadcasting. Of two unequal dynamic axes the first is kept: the graphs here never broadcast those. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dim da = ia >= 0 ? a.dims.get(ia) : null;
            Dim db = ib >= 0 ? b.dims.get(ib) : null;
            if (da == null || da.isOne()) {
                out.add(db == null ? da : db);
            } else if (db == null || db.isOne() || db.equals(da)) {
                out.add(da);
            } else if (da.isFixed() && db.isFixed()) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            } else {
                out.add(da.isFixed() ? da : db.isFixed() ? db : da);
            }
        }
        return new Shape(out);
    }

    @Override
    public String toString() {
        return dims.toString();
    }
}
