package dev.cortado.train;

/**
 * A model's quality on a dataset: mean cross-entropy, top-1 and top-5 accuracy, and the confusion
 * matrix ({@code confusion[true][predicted]}), from which per-class accuracy follows.
 */
public record EvaluationResult(int samples, double loss, double top1, double top5, long[][] confusion) {

    /** Recall of each class: correct predictions of class c over the samples of class c (NaN if none). */
    public double[] perClassAccuracy() {
        double[] out = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            out[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return out;
    }

    /** The numbers, and the confusion matrix's rows as numbers rather than array identities. */
    @Override
    public String toString() {
        return "EvaluationResult[samples=" + samples + ", loss=" + loss + ", top1=" + top1 + ", top5=" + top5
                + ", confusion=" + java.util.Arrays.deepToString(confusion) + "]";
    }
}
