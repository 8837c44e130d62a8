package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.onnx.proto.OnnxProtos.ModelProto;
import dev.cortado.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.cortado.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cortado export} writes a checkpoint of {@code cortado train} as ONNX with the input's name
 * and shape, the batch dimension asked for, the opset, and the normalization and class names as
 * metadata properties; bad flags are one-line usage errors. (That the files compute what Cortado
 * computes is the onnx module's OnnxRuntimeTest.)
 */
class ExportCommandTest {
    @TempDir
    static Path tmp;
    private static Path checkpoint;

    @BeforeAll
    static void trainLeNetBriefly() throws IOException {
        Path data = TinyData.idx(tmp.resolve("data"), 64);
        CliRunner r = CliRunner.run("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32",
                "--checkpoint-dir", tmp.resolve("run").toString());
        assertEquals(0, r.exitCode(), r.err());
        checkpoint = tmp.resolve("run").resolve("last.safetensors");
    }

    @Test
    void exportsWithMetadataAndADynamicBatch() throws IOException {
        Path out = tmp.resolve("lenet5.onnx");
        CliRunner r = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("input 'input' [N, 1, 28, 28], output 'output' [N, 10]"), r.out());
        ModelProto model = read(out);
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals(List.of("N", "1", "28", "28"), dims(model.getGraph().getInput(0)));
        assertEquals("input", model.getGraph().getInput(0).getName());
        assertEquals(List.of("N", "10"), dims(model.getGraph().getOutput(0)));
        Map<String, String> meta = model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertEquals("lenet5", meta.get("model"));
        assertEquals("input", meta.get("input_name"));
        assertEquals("[1,28,28]", meta.get("input_shape").replace(" ", ""));
        assertTrue(meta.get("normalize_mean").startsWith("[0."), meta.toString());
        assertTrue(meta.get("normalize_std").startsWith("[0."), meta.toString());
        assertEquals(10, ((List<?>) dev.cortado.json.Json.parse(meta.get("class_names"))).size());
    }

    @Test
    void aFixedBatchAndAnotherOpset() throws IOException {
        Path out = tmp.resolve("lenet5-b4.onnx");
        CliRunner r = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", out.toString(),
                "--batch", "4", "--opset", "13");
        assertEquals(0, r.exitCode(), r.err());
        ModelProto model = read(out);
        assertEquals(13, model.getOpsetImport(0).getVersion());
        assertEquals(7, model.getIrVersion());
        assertEquals(List.of("4", "1", "28", "28"), dims(model.getGraph().getInput(0)));
    }

    @Test
    void badFlagsAreUsageErrors() {
        Path out = tmp.resolve("never.onnx");
        CliRunner batch = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", out.toString(),
                "--batch", "zero");
        assertEquals(ExitCodes.USAGE, batch.exitCode());
        assertTrue(batch.err().contains("expected a positive batch size or 'dynamic'"), batch.err());
        CliRunner opset = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", out.toString(),
                "--opset", "9");
        assertEquals(ExitCodes.USAGE, opset.exitCode());
        assertTrue(opset.err().contains("choose 13 to 17"), opset.err());
        assertTrue(Files.notExists(out));
    }

    private static ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelProto.parseFrom(in);
        }
    }

    private static List<String> dims(ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                .toList();
    }

}
