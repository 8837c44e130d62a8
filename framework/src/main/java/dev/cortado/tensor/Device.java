package dev.cortado.tensor;

/** Where a buffer lives: host memory, or one CUDA device by ordinal. */
public record Device(Kind kind, int ordinal) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public static Device cuda(int ordinal) {
        return new Device(Kind.CUDA, ordinal);
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + ordinal;
    }
}
