package dev.summarizer.export;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.bytedeco.onnx.global.onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every exported file passes the ONNX checker with full (strict) shape inference, and its interface is
 * Optimum's: names, element types and axes.
 */
class OnnxCheckerTest {
    @TempDir
    static Path exports;

    @BeforeAll
    static void export() throws Exception {
        for (String arch : new String[] {"relu-tied", "gated-untied"}) {
            T5Weights weights = ModelFolder.open(Fixtures.fixture(arch)).readWeights();
            OnnxExport.writeOnnxFiles(weights, Files.createDirectories(exports.resolve(arch)), line -> {});
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void everyFilePassesTheCheckerWithFullShapeInference(String arch) {
        for (String file : List.of(OptimumLayout.ENCODER_FILE, OptimumLayout.DECODER_FILE,
                OptimumLayout.DECODER_WITH_PAST_FILE, OptimumLayout.DECODER_MERGED_FILE)) {
            String path = exports.resolve(arch).resolve(file).toString();
            assertDoesNotThrow(() -> onnx.check_model(path, true, false, false), arch + "/" + file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void continuousBatchingGraphsPassTheCheckerToo(String arch) throws Exception {
        GraphWeights weights = GraphWeights.embedded(ModelFolder.open(Fixtures.fixture(arch)).readWeights());
        for (var graph : List.of(RowwiseDecoderGraphs.crossKeyValues(weights), RowwiseDecoderGraphs.step(weights))) {
            Path file = exports.resolve(arch + "-" + graph.name() + ".onnx");
            Files.write(file, dev.summarizer.onnx.OnnxModelWriter.toModel(graph).toByteArray());
            assertDoesNotThrow(() -> onnx.check_model(file.toString(), true, false, false), arch + "/" + graph.name());
        }
    }

    @Test
    void theCheckerCatchesABrokenModel() throws Exception {
        // The same check must fail on a model whose node reads a value nothing produces.
        ModelProto model = read(exports.resolve("relu-tied").resolve(OptimumLayout.ENCODER_FILE));
        var graph = model.getGraph().toBuilder();
        graph.setNode(3, graph.getNode(3).toBuilder().setInput(0, "no_such_value"));
        Path broken = exports.resolve("broken.onnx");
        Files.write(broken, model.toBuilder().setGraph(graph).build().toByteArray());
        assertThrows(RuntimeException.class, () -> onnx.check_model(broken.toString(), true, false, false));
    }

    @Test
    void encoderInterfaceIsOptimums() throws Exception {
        ModelProto m = read(exports.resolve("relu-tied").resolve(OptimumLayout.ENCODER_FILE));
        assertEquals(List.of("input_ids:7[batch_size,encoder_sequence_length]",
                "attention_mask:7[batch_size,encoder_sequence_length]"), describe(m.getGraph().getInputList()));
        assertEquals(List.of("last_hidden_state:1[batch_size,encoder_sequence_length,32]"),
                describe(m.getGraph().getOutputList()));
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals(8, m.getIrVersion());
    }

    @Test
    void mergedDecoderInterfaceIsOptimums() throws Exception {
        // gated-untied: 3 decoder layers, 3 heads of d_kv 20.
        ModelProto m = read(exports.resolve("gated-untied").resolve(OptimumLayout.DECODER_MERGED_FILE));
        List<String> inputs = describe(m.getGraph().getInputList());
        assertEquals("encoder_attention_mask:7[batch_size,encoder_sequence_length]", inputs.get(0));
        assertEquals("input_ids:7[batch_size,decoder_sequence_length]", inputs.get(1));
        assertEquals("encoder_hidden_states:1[batch_size,encoder_sequence_length,48]", inputs.get(2));
        assertEquals("past_key_values.0.decoder.key:1[batch_size,3,past_decoder_sequence_length,20]", inputs.get(3));
        assertEquals("past_key_values.0.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]", inputs.get(6));
        assertEquals("past_key_values.2.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]", inputs.get(14));
        assertEquals("use_cache_branch:9[1]", inputs.get(15));
        assertEquals(16, inputs.size());
        List<String> outputs = describe(m.getGraph().getOutputList());
        assertEquals("logits:1[batch_size,decoder_sequence_length,384]", outputs.get(0));
        assertEquals("present.0.decoder.key:1[batch_size,3,past_decoder_sequence_length + decoder_sequence_length,20]",
                outputs.get(1));
        assertEquals("present.2.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]", outputs.get(12));
        assertEquals(13, outputs.size());
        // The weights are stored once, in the main graph, and both branches read them.
        long weightsInMain = m.getGraph().getInitializerList().stream().filter(t -> t.getName().endsWith(".weight")).count();
        assertEquals(1 + 3 * (4 + 1 + 4 + 1 + 3 + 1) + 1 + 1 + 1, weightsInMain, "shared, 3 layers, bias, final norm, lm_head");
    }

    @Test
    void firstStepDecoderInterfaceIsOptimums() throws Exception {
        ModelProto m = read(exports.resolve("gated-untied").resolve(OptimumLayout.DECODER_FILE));
        assertEquals(List.of("encoder_attention_mask:7[batch_size,encoder_sequence_length]",
                "input_ids:7[batch_size,decoder_sequence_length]",
                "encoder_hidden_states:1[batch_size,encoder_sequence_length,48]"), describe(m.getGraph().getInputList()));
        List<String> outputs = describe(m.getGraph().getOutputList());
        assertEquals(List.of("logits:1[batch_size,decoder_sequence_length,384]",
                "present.0.decoder.key:1[batch_size,3,decoder_sequence_length,20]",
                "present.0.decoder.value:1[batch_size,3,decoder_sequence_length,20]",
                "present.0.encoder.key:1[batch_size,3,encoder_sequence_length_out,20]",
                "present.0.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]"), outputs.subList(0, 5));
        assertEquals("present.2.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]", outputs.get(12));
        assertEquals(13, outputs.size());
    }

    @Test
    void cachedStepDecoderInterfaceIsOptimums() throws Exception {
        ModelProto m = read(exports.resolve("gated-untied").resolve(OptimumLayout.DECODER_WITH_PAST_FILE));
        List<String> inputs = describe(m.getGraph().getInputList());
        assertEquals(List.of("encoder_attention_mask:7[batch_size,encoder_sequence_length]",
                "input_ids:7[batch_size,decoder_sequence_length]",
                "encoder_hidden_states:1[batch_size,encoder_sequence_length,48]",
                "past_key_values.0.decoder.key:1[batch_size,3,past_decoder_sequence_length,20]",
                "past_key_values.0.decoder.value:1[batch_size,3,past_decoder_sequence_length,20]",
                "past_key_values.0.encoder.key:1[batch_size,3,encoder_sequence_length_out,20]",
                "past_key_values.0.encoder.value:1[batch_size,3,encoder_sequence_length_out,20]"), inputs.subList(0, 7));
        assertEquals(15, inputs.size());
        assertEquals("present.2.decoder.value:1[batch_size,3,past_decoder_sequence_length + decoder_sequence_length,20]",
                describe(m.getGraph().getOutputList()).get(6));
    }

    @Test
    void decoderWithPastOutputsOnlyTheSelfAttentionCache() throws Exception {
        ModelProto m = read(exports.resolve("relu-tied").resolve(OptimumLayout.DECODER_WITH_PAST_FILE));
        assertEquals(List.of("logits", "present.0.decoder.key", "present.0.decoder.value", "present.1.decoder.key",
                "present.1.decoder.value"), m.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
    }

    private static ModelProto read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelProto.parseFrom(in);
        }
    }

    private static List<String> describe(List<ValueInfoProto> values) {
        List<String> out = new ArrayList<>();
        for (ValueInfoProto v : values) {
            var tensor = v.getType().getTensorType();
            String dims = tensor.getShape().getDimList().stream()
                    .map(d -> d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE
                            ? Long.toString(d.getDimValue()) : d.getDimParam())
                    .collect(Collectors.joining(","));
            out.add(v.getName() + ":" + tensor.getElemType() + "[" + dims + "]");
        }
        return out;
    }
}
