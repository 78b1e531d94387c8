package dev.summarizer.model;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * its dtype, shape and byte range, then the raw little-endian data. F32, F16 and BF16 are read (converted
 * to float32); F32 is written.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private Safetensors() {}

    /** Reads every tensor, in the order of the header. */
    public static Map<String, FloatTensor> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (Entry entry : header(file, channel).values()) {
                tensors.put(entry.name(), readTensor(file, entry, channel));
            }
            return tensors;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** What the header says of one tensor: checked against the file, so reading it cannot run past the data. */
    public record Entry(Path file, String name, String dtype, long[] shape, long begin, long end, long dataStart) {}

    /**
     * The header alone, every entry checked (dtype, shape, byte range within the file): callers compare names and
     * shapes with what they expect before reading, and so allocating, any data.
     */
    public static Map<String, Entry> header(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, channel);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static Map<String, Entry> header(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new ModelFormatException(file + ": too short to be a safetensors file (" + fileSize + " bytes)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
            throw new ModelFormatException(file + ": not a safetensors file (header length " + headerLength
                    + " does not fit a file of " + fileSize + " bytes)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelFormatException(file + ": safetensors header is not valid JSON");
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(file + ": safetensors header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getKey().equals("__metadata__")) {
                entries.put(entry.getKey(), entry(file, entry.getKey(), entry.getValue(), dataStart, dataSize));
            }
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonNode info, long dataStart, long dataSize) {
        String where = file + ": tensor " + name;
        JsonNode dtypeNode = info.get("dtype");
        JsonNode shapeNode = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelFormatException(where + ": header entry needs dtype, shape and data_offsets");
        }
        String dtype = dtypeNode.asText();
        int bytesPerValue = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new ModelFormatException(where + ": dtype " + dtype + " is not supported (F32, F16, BF16)");
        };
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException(where + ": shape " + shapeNode + " is not a list of sizes");
            }
            shape[i] = d.asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        long count = FloatTensor.elementCount(shape);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] fall outside the " + dataSize + " data bytes");
        }
        if (end - begin != count * bytesPerValue) {
            throw new ModelFormatException(where + ": " + (end - begin) + " data bytes do not hold shape "
                    + shapeNode + " of " + dtype);
        }
        if (end - begin > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(where + ": " + count + " values are more than one tensor may hold here");
        }
        return new Entry(file, name, dtype, shape, begin, end, dataStart);
    }

    /** The tensors {@code entries} name, read from their files (one channel per file). */
    public static Map<String, FloatTensor> read(java.util.Collection<Entry> entries) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        Map<Path, java.util.List<Entry>> byFile = new LinkedHashMap<>();
        entries.forEach(e -> byFile.computeIfAbsent(e.file(), f -> new java.util.ArrayList<>()).add(e));
        for (var group : byFile.entrySet()) {
            try (FileChannel channel = FileChannel.open(group.getKey(), StandardOpenOption.READ)) {
                for (Entry entry : group.getValue()) {
                    tensors.put(entry.name(), readTensor(group.getKey(), entry, channel));
                }
            } catch (NoSuchFileException e) {
                throw new ModelFormatException(group.getKey() + ": file not found");
            } catch (IOException e) {
                throw new ModelFormatException(group.getKey() + ": cannot read: " + e.getMessage());
            }
        }
        return tensors;
    }

    private static FloatTensor readTensor(Path file, Entry entry, FileChannel channel) throws IOException {
        String dtype = entry.dtype();
        float[] values = new float[(int) FloatTensor.elementCount(entry.shape())];
        ByteBuffer slice = ByteBuffer.allocate((int) (entry.end() - entry.begin())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, slice, entry.dataStart() + entry.begin());
        switch (dtype) {
            case "F32" -> slice.asFloatBuffer().get(values);
            case "F16" -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(slice.getShort(2 * i));
                }
            }
            default -> { // BF16 is the upper half of a float32
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((slice.getShort(2 * i) & 0xffff) << 16);
                }
            }
        }
        return new FloatTensor(entry.shape(), values);
    }

    /** Writes the tensors as F32 in the given order, with {@code {"format": "pt"}} metadata as transformers expects. */
    public static void write(Path file, Map<String, FloatTensor> tensors) throws IOException {
        Map<String, Buffer> buffers = new LinkedHashMap<>();
        tensors.forEach((name, t) -> buffers.put(name, new Buffer(t.shape(), FloatBuffer.wrap(t.data()))));
        writeBuffers(file, buffers);
    }

    /** A tensor's shape and its float32 values (heap or direct), read from position 0. */
    public record Buffer(long[] shape, FloatBuffer data) {}

    /** Writes float32 buffers without copying them to arrays first (training state lives in direct buffers). */
    public static void writeBuffers(Path file, Map<String, Buffer> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (var entry : tensors.entrySet()) {
            Buffer t = entry.getValue();
            long count = FloatTensor.elementCount(t.shape());
            if (count != t.data().capacity()) {
                throw new IllegalArgumentException("tensor " + entry.getKey() + ": shape and data sizes differ");
            }
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + 4 * count);
            offset += 4 * count;
        }
        byte[] headerJson = JSON.writeValueAsBytes(header);
        int padded = (headerJson.length + 7) / 8 * 8; // data starts 8-byte aligned; the pad is spaces
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerJson);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, prefix);
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer chunkFloats = chunk.asFloatBuffer();
            for (Buffer t : tensors.values()) {
                FloatBuffer values = t.data().duplicate();
                values.clear();
                while (values.hasRemaining()) {
                    int n = Math.min(chunkFloats.capacity(), values.remaining());
                    chunkFloats.clear();
                    chunkFloats.put(values.slice(values.position(), n));
                    values.position(values.position() + n);
                    chunk.clear().limit(4 * n);
                    writeFully(channel, chunk);
                }
            }
            channel.force(true);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        buffer.flip();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
