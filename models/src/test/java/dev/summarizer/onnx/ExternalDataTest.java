package dev.summarizer.onnx;

import static dev.summarizer.testing.Assertions.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.summarizer.export.InferenceGraphs;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.testing.OrtRunner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models past protobuf's 2 GiB limit keep their weights in {@code <file>_data}. Forced here on a small model
 * by lowering the threshold: ONNX Runtime must load it and compute exactly what the inline file computes.
 */
class ExternalDataTest {

    @Test
    void externalDataLoadsAndComputesTheSame(@TempDir Path dir) throws Exception {
        T5Weights weights = ModelFolder.open(Fixtures.fixture("relu-tied")).readWeights();
        Path inline = dir.resolve("inline/encoder_model.onnx");
        Path external = dir.resolve("external/encoder_model.onnx");
        Files.createDirectories(inline.getParent());
        Files.createDirectories(external.getParent());
        OnnxModelWriter.write(InferenceGraphs.encoder(weights), inline);
        OnnxModelWriter.write(InferenceGraphs.encoder(weights), external, 0);

        Path data = external.resolveSibling("encoder_model.onnx_data");
        assertTrue(Files.size(data) > 40_000, "the weights moved out");
        assertTrue(Files.size(external) < 40_000, "the model file holds the graph only");
        ModelProto model;
        try (InputStream in = Files.newInputStream(external)) {
            model = ModelProto.parseFrom(in);
        }
        TensorProto shared = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("shared.weight")).findFirst().orElseThrow();
        assertEquals(TensorProto.DataLocation.EXTERNAL, shared.getDataLocation());
        assertEquals("encoder_model.onnx_data", shared.getExternalData(0).getValue());

        long[][] ids = {{5, 6, 7, 1}};
        long[][] mask = {{1, 1, 1, 1}};
        try (var a = new OrtRunner(inline); var b = new OrtRunner(external)) {
            float[] expected = a.longs("input_ids", ids).longs("attention_mask", mask).run().get("last_hidden_state").values();
            float[] actual = b.longs("input_ids", ids).longs("attention_mask", mask).run().get("last_hidden_state").values();
            assertAllClose(expected, actual, 0, "external data");
        }
    }
}
