package dev.summarizer.training.data;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats a dataset can come in, told apart by the file name's extension. */
public enum DatasetFormat {
    CSV,
    TSV,
    /** A JSON array of objects, or (detected when the file starts with an object) JSON lines. */
    JSON,
    JSONL;

    public static DatasetFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        return switch (extension) {
            case "csv" -> CSV;
            case "tsv" -> TSV;
            case "json" -> JSON;
            case "jsonl" -> JSONL;
            default -> throw new DatasetException(
                    file + ": unknown dataset format (expected a .csv, .tsv, .json or .jsonl file)");
        };
    }
}
