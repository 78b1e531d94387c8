package dev.summarizer.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import org.junit.jupiter.api.Test;

/** What Python 3's json.dumps(indent=2, sort_keys=True) and repr(float) print for the same values (typed in from Python). */
class PythonJsonTest {
    @Test
    void floatsAreWrittenAsPythonsRepr() {
        assertEquals("0.05", PythonJson.repr(0.05));
        assertEquals("0.0", PythonJson.repr(0.0));
        assertEquals("16.0", PythonJson.repr(16));
        assertEquals("0.0001", PythonJson.repr(1e-4));
        assertEquals("1e-05", PythonJson.repr(1e-5));
        assertEquals("2.5e-07", PythonJson.repr(2.5e-7));
        assertEquals("1234567890123456.0", PythonJson.repr(1234567890123456.0));
        assertEquals("1e+16", PythonJson.repr(1e16));
        assertEquals("-0.3333333333333333", PythonJson.repr(-1.0 / 3));
    }

    @Test
    void objectsAreSortedAndIndentedAndEmptyContainersStayOnTheirLine() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("r", 8);
        json.putArray("target_modules").add("v").add("q");
        json.putObject("alpha_pattern");
        json.putNull("revision");
        json.put("bias", "none");
        json.put("base_model_name_or_path", "models/caf\u00e9");
        json.put("inference_mode", true);
        json.put("lora_dropout", 0.1);
        assertEquals("""
                {
                  "alpha_pattern": {},
                  "base_model_name_or_path": "models/caf\\u00e9",
                  "bias": "none",
                  "inference_mode": true,
                  "lora_dropout": 0.1,
                  "r": 8,
                  "revision": null,
                  "target_modules": [
                    "v",
                    "q"
                  ]
                }""", PythonJson.dumps(json));
    }
}
