package dev.summarizer.hub;

import dev.summarizer.Progress;
import dev.summarizer.Units;
import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches a dataset's splits as JSON lines through the dataset viewer, which serves the rows of any Hub
 * dataset (parquet, scripts, CSV) as JSON, 100 at a time: {@code <folder>/<split>.jsonl}, one row object per
 * line with the row's fields as they are. A split is written to {@code <split>.jsonl.incomplete} and renamed
 * when all its rows are there; an interrupted split continues at its first missing row.
 */
public final class DatasetFetcher {
    /** What a fetch did: the repository, the config, the folder, and the rows of each split. */
    public record Result(String repo, String config, Path folder, Map<String, Long> rows) {}

    private static final ObjectMapper JSON = Json.MAPPER;

    private final HubHttp http;
    private final Progress progress;

    public DatasetFetcher(HubHttp http, Progress progress) {
        this.http = http;
        this.progress = progress;
    }

    /**
     * Fetches {@code name} into {@code dataRoot/<name>/}: the config asked for (else the dataset's), the splits
     * asked for (else all), at most {@code limit} rows each (null: all).
     */
    public Result fetch(DatasetName name, String config, List<String> splits, Long limit, Path dataRoot)
            throws IOException, InterruptedException {
        String repo = name.repo();
        URI splitsUrl = HubUrls.datasetsServer(http.settings().datasetsServer(), "splits", Map.of("dataset", repo));
        DatasetSplits available = DatasetSplits.parse(http.getJson(splitsUrl, "dataset " + repo), repo);
        String chosenConfig = available.chooseConfig(config, name.config());
        List<String> chosenSplits = available.chooseSplits(chosenConfig, splits);
        progress.line("dataset " + repo + ", config " + chosenConfig + ": " + String.join(", ", chosenSplits));
        if (name.note() != null) {
            progress.line("note: " + name.note());
        }
        Map<String, String> byFile = new LinkedHashMap<>();
        for (String split : chosenSplits) {
            String earlier = byFile.putIfAbsent(fileName(split), split);
            if (earlier != null) {
                throw new HubException("dataset " + repo + ": splits \"" + earlier + "\" and \"" + split + "\" would both be "
                        + "written to " + fileName(split) + ".jsonl; fetch them one at a time with --split and --out");
            }
        }
        Path folder = dataRoot.resolve(name.folder());
        Files.createDirectories(folder);
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String split : chosenSplits) {
            rows.put(split, fetchSplit(repo, chosenConfig, split, limit, folder.resolve(fileName(split) + ".jsonl")));
        }
        return new Result(repo, chosenConfig, folder, rows);
    }

    private long fetchSplit(String repo, String config, String split, Long limit, Path target)
            throws IOException, InterruptedException {
        if (Files.exists(target)) {
            long rows = JsonLinesFile.completeLines(target);
            progress.line(split + ": already downloaded (" + Units.count(rows) + " rows)");
            return rows;
        }
        String what = "dataset " + repo + ", split " + split;
        Path partial = ResumableDownload.partialOf(target);
        long offset = JsonLinesFile.keepCompleteLines(partial);
        long wanted = -1;
        try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (wanted < 0 || offset < wanted) {
                long length = wanted < 0 ? RowsPage.MAX_LENGTH : Math.min(RowsPage.MAX_LENGTH, wanted - offset);
                if (limit != null) {
                    length = Math.min(length, limit - offset);
                }
                if (length <= 0) {
                    break;
                }
                RowsPage page = RowsPage.parse(http.getJson(rowsUrl(repo, config, split, offset, length), what), what);
                if (wanted < 0) {
                    wanted = limit == null ? page.total() : Math.min(limit, page.total());
                    progress.begin(split, wanted, offset, Progress.Unit.ROWS);
                    if (page.partial()) {
                        progress.line("note: the dataset viewer serves only the first " + Units.count(page.total())
                                + " rows of " + split + " (the split is too large for it)");
                    }
                }
                if (page.rows().isEmpty()) {
                    break;
                }
                offset = append(page, offset, out, what);
                progress.update(offset);
            }
        }
        if (wanted >= 0 && offset < wanted) {
            throw new HubException(what + ": the dataset viewer returned no rows from row " + offset + " of " + wanted
                    + " on (" + offset + " rows kept in " + partial + "; run again to resume)");
        }
        if (wanted >= 0) {
            progress.end();
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        ResumableDownload.moveIntoPlace(partial, target);
        return offset;
    }

    /** A split's name as a file name: characters a path would read as more than a name become '_'. */
    static String fileName(String split) {
        String name = split.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.startsWith(".") ? "_" + name.substring(1) : name;
    }

    /** Writes a page's rows, each checked to be the next one; returns the offset after them. */
    private static long append(RowsPage page, long offset, OutputStream out, String what) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (RowsPage.Row row : page.rows()) {
            if (row.index() >= 0 && row.index() != offset) {
                throw new HubException(what + ": the dataset viewer sent row " + row.index() + " where row " + offset
                        + " was due");
            }
            lines.append(JSON.writeValueAsString(row.fields())).append('\n');
            offset++;
        }
        out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return offset;
    }

    private URI rowsUrl(String repo, String config, String split, long offset, long length) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("dataset", repo);
        query.put("config", config);
        query.put("split", split);
        query.put("offset", Long.toString(offset));
        query.put("length", Long.toString(length));
        return HubUrls.datasetsServer(http.settings().datasetsServer(), "rows", query);
    }
}
