package dev.summarizer.export;

import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.TokenizerFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * A model folder with ONNX files fit to run, as Optimum's {@code export=True} gives one: a plain Hugging Face folder
 * (weights, no onnx/) is exported on first use, into itself, or into a cache folder when it cannot be written to; an
 * onnx/ older than the weights or config.json (the model was trained or edited since) is exported again. Either way
 * the user is told.
 */
public final class ExportedModel {
    private static final List<String> FILES = List.of(OptimumLayout.ENCODER_FILE, OptimumLayout.DECODER_FILE,
            OptimumLayout.DECODER_WITH_PAST_FILE, OptimumLayout.DECODER_MERGED_FILE);

    private ExportedModel() {}

    /** The folder to open: {@code model} itself, or its cached copy; exported first when needed. */
    public static ModelFolder ensure(ModelFolder model, Consumer<String> say) throws IOException {
        model.readConfig(); // a broken config.json is one line before any export starts
        String stale = staleness(model.dir(), sourceFiles(model));
        if (stale == null) {
            return model;
        }
        if (Files.isWritable(model.dir())) {
            say.accept("exporting the ONNX files into " + model.dir().resolve(OptimumLayout.ONNX_FOLDER) + " (" + stale + ")");
            OnnxExport.export(model, model.dir(), line -> {});
            return model;
        }
        Path cache = cacheFor(model.dir());
        List<Path> sources = sourceFiles(model);
        String cacheStale = staleness(cache, sources);
        if (cacheStale != null) {
            say.accept(model.dir() + " is read-only: exporting its ONNX files into " + cache + " (" + stale + ")");
            linkInto(cache, model);
            OnnxExport.export(ModelFolder.open(cache), cache, line -> {});
        }
        return ModelFolder.open(cache);
    }

    /** Why {@code dir}'s onnx/ is not fit to run the model of {@code sources}, or null when it is. */
    private static String staleness(Path dir, List<Path> sources) throws IOException {
        Path onnx = dir.resolve(OptimumLayout.ONNX_FOLDER);
        FileTime oldest = null;
        for (String file : FILES) {
            Path f = onnx.resolve(file);
            if (!Files.isRegularFile(f)) {
                return Files.isDirectory(onnx) ? "onnx/" + file + " is missing" : "there is no onnx/ folder yet";
            }
            FileTime t = Files.getLastModifiedTime(f);
            oldest = oldest == null || t.compareTo(oldest) < 0 ? t : oldest;
        }
        for (Path source : sources) {
            if (Files.getLastModifiedTime(source).compareTo(oldest) > 0) {
                return "onnx/ is older than " + source.getFileName();
            }
        }
        return null;
    }

    private static List<Path> sourceFiles(ModelFolder model) {
        List<Path> sources = new ArrayList<>(model.weightFiles().files());
        sources.add(model.file(ModelFolder.CONFIG));
        return sources;
    }

    /**
     * The cache folder of a read-only model: {@code $XDG_CACHE_HOME/summarizer/onnx/<hash of its path>} (or under the
     * {@code summarizer.cache} system property).
     */
    private static Path cacheFor(Path dir) throws IOException {
        String base = System.getProperty("summarizer.cache", System.getenv("XDG_CACHE_HOME"));
        Path root = base != null && !base.isBlank() ? Path.of(base) : Path.of(System.getProperty("user.home"), ".cache");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(dir.toRealPath().toString().getBytes(StandardCharsets.UTF_8));
            return root.resolve("summarizer").resolve("onnx").resolve(HexFormat.of().formatHex(hash, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache folder refers to the model's own files (config, weights, tokenizer) by symbolic links. */
    private static void linkInto(Path cache, ModelFolder model) throws IOException {
        Files.createDirectories(cache);
        List<Path> files = new ArrayList<>(model.weightFiles().files());
        if (Files.isRegularFile(model.file(model.weightFiles().source().getFileName().toString()))) {
            files.add(model.weightFiles().source());
        }
        files.add(model.file(ModelFolder.CONFIG));
        files.add(model.file(ModelFolder.GENERATION_CONFIG));
        for (String name : TokenizerFiles.ALL) {
            files.add(model.file(name));
        }
        for (Path file : files) {
            Path link = cache.resolve(file.getFileName().toString());
            if (Files.exists(file) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, file.toAbsolutePath());
            }
        }
    }
}
