package dev.summarizer.commands;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.Progress;
import dev.summarizer.cli.JsonLines;
import dev.summarizer.cli.UserException;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.generate.TextValidation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code summarize --input}: a JSON Lines file of any size, row by row. A first pass checks every row (so a bad row
 * stops the run before any work, naming its line) and counts them; the second summarizes a batch at a time and
 * appends each batch's rows to the output in input order as soon as they are done, so memory stays at one batch and
 * a stopped run keeps what it finished. {@code resume} continues such an output: its complete rows are kept (a last
 * row cut off mid-write is dropped) and the input rows they answer are skipped.
 */
final class FileSummarizer {
    private final Summarizer summarizer;
    private final GenerationSettings settings;
    private final int batchSize;

    FileSummarizer(Summarizer summarizer, GenerationSettings settings, int batchSize) {
        this.summarizer = summarizer;
        this.settings = settings;
        this.batchSize = batchSize;
    }

    /** What a run did: rows summarized now, rows kept from an earlier run, inputs truncated. */
    record Result(long summarized, long resumed, long truncated) {}

    Result run(Path input, Path output, boolean resume) throws IOException, OrtException {
        long rows = checkRows(input);
        if (rows == 0) {
            throw new UserException(input + ": no rows");
        }
        long done = resume ? completeRows(output) : 0;
        if (done > rows) {
            throw new UserException(output + " has " + done + " rows but " + input + " only " + rows
                    + ": it is not this input's output");
        }
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Progress progress = Progress.on(System.err);
        progress.begin("summarize", rows, done, Progress.Unit.of("texts"));
        long truncated = 0;
        long count = done;
        try (JsonLines.Reader reader = JsonLines.open(input);
                BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (long skipped = 0; skipped < done; skipped++) {
                reader.next();
            }
            List<JsonLines.Row> batch = new ArrayList<>(batchSize);
            for (JsonLines.Row row = reader.next(); row != null || !batch.isEmpty(); row = reader.next()) {
                if (row != null) {
                    batch.add(row);
                    if (batch.size() < batchSize) {
                        continue;
                    }
                }
                truncated += write(batch, out);
                count += batch.size();
                batch.clear();
                progress.update(count);
                if (row == null) {
                    break;
                }
            }
        }
        progress.end();
        return new Result(count - done, done, truncated);
    }

    /** Summarizes one batch and appends its rows, flushed, so they survive whatever happens next. */
    private int write(List<JsonLines.Row> batch, BufferedWriter out) throws IOException, OrtException {
        List<EncoderInput> inputs = new ArrayList<>();
        for (JsonLines.Row row : batch) {
            inputs.add(summarizer.prepare(row.json().get("text").asText(), settings.source()));
        }
        List<Summary> summaries = summarizer.summarize(inputs, settings.decoding(), dev.summarizer.generate.DecodingObserver.NONE);
        StringBuilder lines = new StringBuilder();
        int truncated = 0;
        for (int i = 0; i < batch.size(); i++) {
            lines.append(Json.MAPPER.writeValueAsString(SummarizeCommand.toJson(summaries.get(i), batch.get(i).json())))
                    .append('\n');
            truncated += summaries.get(i).truncated() ? 1 : 0;
        }
        out.write(lines.toString());
        out.flush();
        return truncated;
    }

    /** Checks every row has a clean {@code text} and counts them, one row in memory at a time. */
    private static long checkRows(Path input) throws IOException {
        long rows = 0;
        try (JsonLines.Reader reader = JsonLines.open(input)) {
            for (JsonLines.Row row = reader.next(); row != null; row = reader.next()) {
                String problem = TextValidation.problem(JsonLines.text(input, row, "text"));
                if (problem != null) {
                    throw new UserException(input + ":" + row.line() + ": " + problem);
                }
                rows++;
            }
        }
        return rows;
    }

    /**
     * The complete rows at the start of an earlier run's output; a last line without its newline (the run stopped while
     * writing it) is cut off, so the output can be appended to.
     */
    private static long completeRows(Path output) throws IOException {
        if (!Files.exists(output)) {
            return 0;
        }
        long rows = 0;
        long end = 0;
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
            long position = 0;
            long length = file.length();
            byte[] buffer = new byte[1 << 16];
            while (position < length) {
                int n = file.read(buffer);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        rows++;
                        end = position + i + 1;
                    }
                }
                position += n;
            }
            if (end < length) {
                file.setLength(end);
            }
        }
        try (JsonLines.Reader reader = JsonLines.open(output)) {
            long parsed = 0;
            for (JsonLines.Row row = reader.next(); row != null; row = reader.next()) {
                if (!(row.json().has("summary") && row.json().has("token_ids"))) {
                    throw new UserException(output + ":" + row.line() + ": not a summarize output row; cannot resume from it");
                }
                parsed++;
            }
            return parsed;
        }
    }
}
