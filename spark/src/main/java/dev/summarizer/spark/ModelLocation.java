package dev.summarizer.spark;

import dev.summarizer.export.OptimumLayout;
import dev.summarizer.generate.GenerationDefaults;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.OnnxSeq2SeqModel.DecoderMode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.StagingDirectory;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;

/**
 * Where executors find the model folder. A plain path is read in place: in local mode the executors are the
 * driver's JVM, on a cluster the folder must be on storage every node mounts at that path. A URI with a scheme
 * (hdfs://, s3a://, file://, ...) is copied to every executor once by Spark ({@code addFile}, kept in SparkFiles) and
 * read from there. The driver checks the folder before any task starts, so a missing one fails the job at once.
 */
final class ModelLocation implements Serializable {
    private final String given;
    private final boolean shipped;

    private ModelLocation(String given, boolean shipped) {
        this.given = given;
        this.shipped = shipped;
    }

    static ModelLocation of(String model) {
        return new ModelLocation(model, hasScheme(model));
    }

    /** The files a folder needs for {@code decoder}, relative to it. */
    static List<String> requiredFiles(DecoderMode decoder) {
        List<String> files = new ArrayList<>(List.of(ModelFolder.CONFIG, "tokenizer.json",
                OptimumLayout.ONNX_FOLDER + "/" + OptimumLayout.ENCODER_FILE));
        if (decoder == DecoderMode.MERGED) {
            files.add(OptimumLayout.ONNX_FOLDER + "/" + OptimumLayout.DECODER_MERGED_FILE);
        } else {
            files.add(OptimumLayout.ONNX_FOLDER + "/" + OptimumLayout.DECODER_FILE);
            files.add(OptimumLayout.ONNX_FOLDER + "/" + OptimumLayout.DECODER_WITH_PAST_FILE);
        }
        return files;
    }

    /**
     * On the driver, without Spark: a folder given as a plain path must hold an exported model; returns its default
     * generation settings. Null for a URI, which {@link #prepare} checks through the session's file systems.
     *
     * @throws ModelFormatException in one line when the folder or one of its files is missing
     */
    GenerationSettings checkInPlace(DecoderMode decoder) {
        if (shipped) {
            return null;
        }
        ModelFolder folder = ModelFolder.open(Path.of(given));
        for (String file : requiredFiles(decoder)) {
            if (!Files.isRegularFile(folder.file(file))) {
                throw new ModelFormatException(folder.file(file) + ": file not found (run summarizer export first)");
            }
        }
        return GenerationDefaults.of(folder, folder.readConfig());
    }

    /**
     * On the driver: checks the folder (through Hadoop's file systems for a URI), asks Spark to copy a URI's folder to
     * the executors, and returns the model's default generation settings.
     */
    GenerationSettings prepare(SparkSession spark, DecoderMode decoder) {
        if (!shipped) {
            return checkInPlace(decoder);
        }
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(given);
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.isDirectory(root)) {
                throw new ModelFormatException(given + ": model folder not found");
            }
            for (String file : requiredFiles(decoder)) {
                if (!fs.isFile(new org.apache.hadoop.fs.Path(root, file))) {
                    throw new ModelFormatException(given + "/" + file + ": file not found (is " + given
                            + " an exported model folder?)");
                }
            }
            GenerationSettings defaults = readDefaults(fs, root);
            spark.sparkContext().addFile(given, true);
            return defaults;
        } catch (IOException e) {
            throw new ModelFormatException(given + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The folder's config files, copied to the driver to layer the defaults exactly as for a local folder. */
    private static GenerationSettings readDefaults(FileSystem fs, org.apache.hadoop.fs.Path root) throws IOException {
        Path local = Files.createTempDirectory("summarizer-model-config");
        try {
            for (String file : List.of(ModelFolder.CONFIG, ModelFolder.GENERATION_CONFIG)) {
                org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(root, file);
                if (fs.isFile(source)) {
                    try (var in = fs.open(source)) {
                        Files.copy(in, local.resolve(file));
                    }
                }
            }
            ModelFolder folder = ModelFolder.open(local);
            return GenerationDefaults.of(folder, folder.readConfig());
        } finally {
            StagingDirectory.deleteRecursively(local);
        }
    }

    /** On an executor: the folder to open. */
    Path onExecutor() {
        if (!shipped) {
            Path dir = Path.of(given);
            if (!Files.isDirectory(dir)) {
                // The driver saw it: this node does not.
                throw new ModelFormatException(given + ": model folder not found on this executor (a plain path must be"
                        + " on storage every node mounts at the same place; or give an hdfs:// or s3a:// URI)");
            }
            return dir;
        }
        return Path.of(SparkFiles.get(folderName()));
    }

    private String folderName() {
        String path = URI.create(given).getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return given;
    }

    private static boolean hasScheme(String model) {
        try {
            String scheme = new URI(model).getScheme();
            return scheme != null && scheme.length() > 1; // C:\models is a path
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
