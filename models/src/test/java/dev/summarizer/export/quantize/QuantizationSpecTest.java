package dev.summarizer.export.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantizationSpecTest {
    @Test
    void namesAndFilesAreTransformersJss() {
        assertEquals(new QuantizationSpec(8, 128, 4), QuantizationSpec.named("q8"));
        assertEquals(new QuantizationSpec(4, 128, 4), QuantizationSpec.named("q4"));
        assertEquals("encoder_model_quantized.onnx", QuantizationSpec.Q8.fileName("encoder_model.onnx"));
        assertEquals("decoder_model_merged_q4.onnx", QuantizationSpec.Q4.fileName("decoder_model_merged.onnx"));
    }

    @Test
    void rejectsWhatMatMulNBitsCannotTake() {
        assertThrows(IllegalArgumentException.class, () -> QuantizationSpec.named("q2"));
        assertThrows(IllegalArgumentException.class, () -> new QuantizationSpec(2, 32, 4));
        assertThrows(IllegalArgumentException.class, () -> QuantizationSpec.Q4.withBlockSize(48));
        assertThrows(IllegalArgumentException.class, () -> QuantizationSpec.Q4.withBlockSize(512));
        assertThrows(IllegalArgumentException.class, () -> QuantizationSpec.Q8.withAccuracyLevel(5));
        assertEquals(16, QuantizationSpec.Q4.withBlockSize(16).blockSize());
    }
}
