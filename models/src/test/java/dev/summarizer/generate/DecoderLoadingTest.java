package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Decoder files opened at their first use: closed until then, and the same ids as transformers after. */
class DecoderLoadingTest {
    @TempDir
    Path dir;

    private T5Weights export() throws Exception {
        JsonNode fixture = GenerationParityTest.fixture("gated-untied");
        T5Weights weights = GenerationParityTest.boostEos(ModelFolder.open(Fixtures.fixture("gated-untied")).readWeights(),
                (float) fixture.get("eos_boost").asDouble());
        OnnxExport.writeOnnxFiles(weights, Files.createDirectories(dir.resolve(OptimumLayout.ONNX_FOLDER)), line -> {});
        return weights;
    }

    @ParameterizedTest
    @EnumSource(OnnxSeq2SeqModel.DecoderMode.class)
    void theDecoderOpensAtTheFirstDecodingAndGivesTransformersIds(OnnxSeq2SeqModel.DecoderMode mode) throws Exception {
        T5Weights weights = export();
        JsonNode fixture = GenerationParityTest.fixture("gated-untied");
        long[] firstInput = Fixtures.longMatrix(fixture.get("input_ids"))[0];
        try (OnnxSeq2SeqModel model = OnnxSeq2SeqModel.open(dir, weights.config(), Device.CPU, 1, mode, ModelDtype.FP32,
                OnnxSeq2SeqModel.DecoderLoading.AT_FIRST_USE)) {
            assertFalse(model.decodersOpen(), "nothing has decoded yet");
            model.encode(firstInput);
            assertFalse(model.decodersOpen(), "an encoder pass needs no decoder");
            int checked = 0;
            for (var it = fixture.get("results").fields(); it.hasNext();) {
                var entry = it.next();
                DecodingSettings settings = GenerationDefaults.fromJson(entry.getValue().get("settings"), entry.getKey()).decoding();
                GenerationParityTest.assertTransformersIds(model, settings, fixture, entry.getValue(), entry.getKey());
                checked++;
            }
            assertTrue(checked > 1, "the fixture should have several settings");
            assertTrue(model.decodersOpen());
        }
    }

    @ParameterizedTest
    @EnumSource(OnnxSeq2SeqModel.DecoderMode.class)
    void aMissingDecoderFileIsFoundAtOpenNotAtFirstUse(OnnxSeq2SeqModel.DecoderMode mode) throws Exception {
        T5Weights weights = export();
        String file = mode == OnnxSeq2SeqModel.DecoderMode.MERGED ? OptimumLayout.DECODER_MERGED_FILE
                : OptimumLayout.DECODER_WITH_PAST_FILE;
        Files.delete(dir.resolve(OptimumLayout.ONNX_FOLDER).resolve(file));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxSeq2SeqModel.open(dir, weights.config(),
                Device.CPU, 1, mode, ModelDtype.FP32, OnnxSeq2SeqModel.DecoderLoading.AT_FIRST_USE));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("not found"), e.getMessage());
    }
}
