package dev.summarizer.spark.commands;

import dev.summarizer.cli.UsageException;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The table formats spark-summarize reads and writes, and how it tells them from a path. */
enum DataFormat {
    PARQUET,
    /** JSON Lines: one object per line (what Spark's json source reads and writes). */
    JSON,
    /** With a header line; quotes inside values doubled (RFC 4180); values may span lines; read as strings. */
    CSV;

    static DataFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "parquet" -> PARQUET;
            case "json", "jsonl", "ndjson" -> JSON;
            case "csv" -> CSV;
            default -> throw new UsageException("--format: expected parquet, json or csv, got \"" + name + "\"");
        };
    }

    /** The format a file or part-file name says, or null. */
    static DataFormat ofName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String compression : new String[] {".gz", ".bz2", ".zst", ".snappy", ".lz4", ".deflate"}) {
            if (n.endsWith(compression)) {
                n = n.substring(0, n.length() - compression.length());
            }
        }
        if (n.endsWith(".parquet")) {
            return PARQUET;
        }
        if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSON;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        return null;
    }

    /** The format of an existing input: its name's, or for a folder with a plain name, its part files'. */
    static DataFormat ofInput(FileSystem fs, Path path) throws IOException {
        DataFormat named = ofName(path.getName());
        if (named != null || !fs.getFileStatus(path).isDirectory()) {
            return named;
        }
        for (FileStatus file : fs.listStatus(path)) {
            String name = file.getPath().getName();
            if (file.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                return ofName(name);
            }
        }
        return null;
    }

    Dataset<Row> read(SparkSession spark, String path) {
        return switch (this) {
            case PARQUET -> spark.read().parquet(path);
            case JSON -> spark.read().json(path);
            case CSV -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                    .csv(path);
        };
    }

    void write(Dataset<Row> rows, String path) {
        switch (this) {
            case PARQUET -> rows.write().parquet(path);
            // Every row has every column, null included, as summarize's rows do.
            case JSON -> rows.write().option("ignoreNullFields", "false").json(path);
            // Spark trims values it writes to CSV unless told not to: the input's columns stay as they were.
            case CSV -> flattened(rows).write().option("header", "true").option("escape", "\"")
                    .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false").csv(path);
        }
    }

    /** CSV holds no arrays or structs: those columns (token_ids) are written as their JSON text, e.g. [363,19,1]. */
    private static Dataset<Row> flattened(Dataset<Row> rows) {
        StructType schema = rows.schema();
        Column[] columns = new Column[schema.fields().length];
        for (int i = 0; i < columns.length; i++) {
            StructField field = schema.fields()[i];
            Column column = rows.col("`" + field.name() + "`");
            boolean nested = field.dataType() instanceof ArrayType || field.dataType() instanceof MapType
                    || field.dataType() instanceof StructType;
            columns[i] = nested ? functions.to_json(column).alias(field.name()) : column;
        }
        return rows.select(columns);
    }
}
