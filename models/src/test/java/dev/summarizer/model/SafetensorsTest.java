package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @Test
    void readsF32F16AndBf16AsTorchConvertsThem() {
        // dtypes.safetensors was written by torch; dtypes.json holds torch's float32 view of each tensor.
        Map<String, FloatTensor> tensors = Safetensors.read(Fixtures.fixture("dtypes.safetensors"));
        JsonNode expected = Fixtures.json(Fixtures.fixture("dtypes.json"));
        for (String name : List.of("f32", "f16", "bf16")) {
            FloatTensor t = tensors.get(name);
            assertArrayEquals(new long[] {3, 5}, t.shape(), name);
            assertArrayEquals(Fixtures.floats(expected.get(name).get("values")), t.data(), name);
        }
    }

    @Test
    void writesWhatTorchWroteBackExactly(@TempDir Path dir) throws Exception {
        Map<String, FloatTensor> original = Safetensors.read(Fixtures.fixture("relu-tied/model.safetensors"));
        Path copy = dir.resolve("copy.safetensors");
        Safetensors.write(copy, original);
        Map<String, FloatTensor> back = Safetensors.read(copy);
        assertEquals(original.keySet(), back.keySet());
        for (String name : original.keySet()) {
            assertArrayEquals(original.get(name).shape(), back.get(name).shape(), name);
            assertArrayEquals(original.get(name).data(), back.get(name).data(), name);
        }
        // The format's own rules: 8-byte length, then a JSON header padded so the data starts 8-aligned.
        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(copy)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = head.getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(Files.readAllBytes(copy), 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals('{', header.charAt(0));
        assertEquals("{\"format\":\"pt\"}", Fixtures.json(writeText(dir, header)).get("__metadata__").toString());
    }

    private static Path writeText(Path dir, String text) throws Exception {
        return Files.writeString(dir.resolve("header.json"), text);
    }

    @Test
    void rejectsFilesThatAreNotSafetensors(@TempDir Path dir) throws Exception {
        Path tiny = Files.write(dir.resolve("a.safetensors"), new byte[] {1, 2, 3});
        assertEquals(tiny + ": too short to be a safetensors file (3 bytes)",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(tiny)).getMessage());

        Path html = Files.writeString(dir.resolve("b.safetensors"), "<html>not found</html>");
        assertEquals(html + ": not a safetensors file (header length 8029423821061908540 does not fit a file of 22 bytes)",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(html)).getMessage());

        Path missing = dir.resolve("none.safetensors");
        assertEquals(missing + ": file not found",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(missing)).getMessage());
    }

    @Test
    void namesTheTensorWithAnUnsupportedDtypeOrBadOffsets(@TempDir Path dir) throws Exception {
        Path i16 = file(dir, "i16.safetensors", "{\"w\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
        assertEquals(i16 + ": tensor w: dtype I16 is not supported (F32, F16, BF16)",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(i16)).getMessage());

        Path beyond = file(dir, "beyond.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertEquals(beyond + ": tensor w: data_offsets [0, 16] fall outside the 8 data bytes",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(beyond)).getMessage());

        Path shape = file(dir, "shape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertEquals(shape + ": tensor w: 8 data bytes do not hold shape [3] of F32",
                assertThrows(ModelFormatException.class, () -> Safetensors.read(shape)).getMessage());
    }

    private static Path file(Path dir, String name, String header, int dataBytes) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void keepsTheOrderTensorsWereGiven(@TempDir Path dir) throws Exception {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("z", new FloatTensor(new long[] {1}, new float[] {1}));
        tensors.put("a", new FloatTensor(new long[] {2}, new float[] {2, 3}));
        Path f = dir.resolve("o.safetensors");
        Safetensors.write(f, tensors);
        assertEquals(List.of("z", "a"), List.copyOf(Safetensors.read(f).keySet()));
    }
}
