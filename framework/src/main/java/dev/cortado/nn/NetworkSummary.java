package dev.cortado.nn;

import dev.cortado.tensor.Shape;
import java.util.List;

/**
 * Per node: its type, inputs, output shape, parameter count and forward FLOPs, for one sample; and
 * the totals. FLOPs count 2 per multiply-add in convolution and dense layers plus 1 per bias add; the
 * other layers count their obvious elementwise work (see each layer's {@link Layer#flops}); data
 * movement (flatten, concat, padding) and dropout (the identity at inference) count 0.
 * {@code bufferValues} counts the non-learnable values checkpoints also keep (batch-norm running
 * statistics), Keras's "non-trainable params". {@link #toString()} renders a fixed-width table like Keras's {@code model.summary()}.
 */
public record NetworkSummary(Shape inputShape, List<Row> rows, long bufferValues) {

    public record Row(String name, String type, List<String> inputs, Shape outputShape, long parameters, long flops) {
    }

    public NetworkSummary {
        rows = List.copyOf(rows);
    }

    public long totalParameters() {
        return rows.stream().mapToLong(Row::parameters).sum();
    }

    public long totalFlops() {
        return rows.stream().mapToLong(Row::flops).sum();
    }

    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named '" + name + "' in the summary"));
    }

    @Override
    public String toString() {
        String[] header = {"Layer (type)", "Output shape", "Param #", "FLOPs", "Inputs"};
        int[] width = {header[0].length(), header[1].length(), header[2].length(), header[3].length()};
        for (Row r : rows) {
            width[0] = Math.max(width[0], label(r).length());
            width[1] = Math.max(width[1], r.outputShape().toString().length());
            width[2] = Math.max(width[2], grouped(r.parameters()).length());
            width[3] = Math.max(width[3], grouped(r.flops()).length());
        }
        String format = "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %" + width[3] + "s  %s%n";
        StringBuilder b = new StringBuilder();
        String title = String.format(format, (Object[]) header);
        String rule = "=".repeat(Math.max(title.trim().length(), 40));
        b.append("Input: ").append(inputShape).append(System.lineSeparator());
        b.append(title).append(rule).append(System.lineSeparator());
        for (Row r : rows) {
            b.append(String.format(format, label(r), r.outputShape(), grouped(r.parameters()), grouped(r.flops()),
                    String.join(", ", r.inputs())));
        }
        b.append(rule).append(System.lineSeparator());
        b.append("Total params: ").append(grouped(totalParameters())).append(System.lineSeparator());
        b.append("Non-learnable buffer values: ").append(grouped(bufferValues)).append(System.lineSeparator());
        b.append("Forward FLOPs per sample: ").append(grouped(totalFlops())).append(System.lineSeparator());
        return b.toString();
    }

    private static String label(Row r) {
        return r.name() + " (" + r.type() + ")";
    }

    private static String grouped(long n) {
        return String.format("%,d", n).replace('\u00a0', ',');
    }
}
