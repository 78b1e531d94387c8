package dev.summarizer.training.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file of scalars, written as TensorBoard reads them: TFRecords (length, masked CRC-32C of the
 * length, an {@code Event} protocol buffer, masked CRC-32C of it), the first event naming the file version, then one
 * {@code Event{wall_time, step, summary{value{tag, simple_value}}}} per scalar. The few protobuf fields are encoded
 * here by hand rather than through TensorFlow's generated classes.
 */
public final class TensorBoardEvents implements AutoCloseable {
    private static final int MASK_DELTA = 0xa282ead8;
    private final OutputStream out;

    private TensorBoardEvents(OutputStream out) {
        this.out = out;
    }

    /** Starts {@code events.out.tfevents.<seconds>.<host>} in {@code dir}, or appends to the one already there. */
    public static TensorBoardEvents open(Path dir, String host) throws IOException {
        Files.createDirectories(dir);
        Path existing;
        try (var files = Files.list(dir)) {
            existing = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElse(null);
        }
        if (existing != null) {
            return new TensorBoardEvents(Files.newOutputStream(existing, StandardOpenOption.APPEND));
        }
        Path file = dir.resolve("events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host);
        TensorBoardEvents events = new TensorBoardEvents(Files.newOutputStream(file));
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        doubleField(event, 1, System.currentTimeMillis() / 1000.0);
        bytesField(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        events.record(event.toByteArray());
        return events;
    }

    /** One scalar at {@code step}, flushed. */
    public void scalar(String tag, long step, double value) throws IOException {
        ByteArrayOutputStream summaryValue = new ByteArrayOutputStream();
        bytesField(summaryValue, 1, tag.getBytes(StandardCharsets.UTF_8));
        floatField(summaryValue, 2, (float) value);
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytesField(summary, 1, summaryValue.toByteArray());
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        doubleField(event, 1, System.currentTimeMillis() / 1000.0);
        varintField(event, 2, step);
        bytesField(event, 5, summary.toByteArray());
        record(event.toByteArray());
        out.flush();
    }

    private void record(byte[] data) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length);
        out.write(length.array());
        out.write(littleEndian(maskedCrc(length.array())));
        out.write(data);
        out.write(littleEndian(maskedCrc(data)));
    }

    /** TFRecord's checksum: CRC-32C, rotated right by 15 bits, plus a constant. */
    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void doubleField(ByteArrayOutputStream out, int field, double value) {
        varint(out, ((long) field << 3) | 1);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
    }

    private static void floatField(ByteArrayOutputStream out, int field, float value) {
        varint(out, ((long) field << 3) | 5);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
        varint(out, ((long) field << 3) | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
