package dev.summarizer.hub;

import dev.summarizer.Progress;
import dev.summarizer.Units;
import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.model.StagingDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Fetches a model repository's files into a model folder. The files are pinned to the commit the revision
 * points at when the listing is read, downloaded into {@code <folder>.incomplete} (kept between runs, so an
 * interrupted fetch resumes), and the finished folder is moved into place: {@code <folder>} is never half
 * there. An existing folder whose files match the Hub's checksums is left as it is.
 */
public final class ModelFetcher {
    /** What a fetch did: the repository and commit, the folder, how many files and bytes it holds. */
    public record Result(String repo, String commit, Path folder, int files, long bytes, boolean alreadyThere) {}

    private static final ObjectMapper JSON = Json.MAPPER;

    private final HubHttp http;
    private final Progress progress;
    private final ResumableDownload download;

    public ModelFetcher(HubHttp http, Progress progress) {
        this.http = http;
        this.progress = progress;
        this.download = new ResumableDownload(http, progress);
    }

    public Result fetch(String name, String revision, Path folder, boolean overwrite) throws IOException, InterruptedException {
        URI endpoint = http.settings().endpoint();
        JsonNode json = http.getJson(HubUrls.modelApi(endpoint, name, revision), "model " + name);
        ModelListing listing = ModelListing.parse(json, name, "model " + name);
        String repo = listing.id();
        String commit = listing.commit() != null ? listing.commit() : revision;
        List<String> names = ModelFiles.select(listing);
        progress.line("model " + repo + (repo.equals(name) ? "" : " (" + name + ")") + " at " + shortCommit(commit));
        if (!listing.has(ModelFiles.TOKENIZER)) {
            progress.line("note: " + repo + " has no tokenizer.json, which summarize and train read; put one into "
                    + folder + " (the T5 checkpoints share t5-small's vocabulary)");
        }
        List<RemoteFile> files = new ArrayList<>();
        for (String file : names) {
            files.add(describe(repo, commit, file));
        }

        Path staging = folder.resolveSibling(folder.getFileName() + ".incomplete");
        RemoteFile index = find(files, ModelFiles.WEIGHTS_INDEX);
        if (index != null) {
            Path indexFile = obtain(index, repo, folder, staging);
            for (String shard : ModelFiles.shards(JSON.readTree(indexFile.toFile()), listing)) {
                files.add(describe(repo, commit, shard));
            }
        }
        long bytes = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();

        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new HubException(folder + " exists and is not a folder");
        }
        if (Files.exists(folder)) {
            String differing = firstDiffering(files, folder);
            if (differing == null) {
                progress.line(folder + ": already downloaded");
                StagingDirectory.deleteRecursively(staging);
                return new Result(repo, commit, folder, files.size(), bytes, true);
            }
            if (!overwrite) {
                throw new HubException(folder + " already exists and its " + differing + " is not " + repo + "'s at "
                        + shortCommit(commit) + " (pass --overwrite to replace it)");
            }
        }
        progress.line(files.size() + " files, " + Units.bytes(bytes) + " into " + folder);
        for (RemoteFile file : files) {
            obtain(file, repo, folder, staging);
        }
        removeOthers(staging, files);
        FolderSwap.replace(staging, folder);
        return new Result(repo, commit, folder, files.size(), bytes, false);
    }

    /**
     * The HEAD answer for one file: for an LFS file the Hub's 302 to the CDN carries the content's SHA-256 and
     * size in X-Linked-Etag and X-Linked-Size (its own Content-Length is that of the redirect); for a file
     * in git, ETag is the git blob SHA-1 and Content-Length the size.
     */
    private RemoteFile describe(String repo, String commit, String file) throws IOException, InterruptedException {
        URI url = HubUrls.resolve(http.settings().endpoint(), repo, commit, file);
        HttpResponse<InputStream> response = http.head(url, repo + "/" + file);
        response.body().close();
        HttpHeaders headers = response.headers();
        boolean redirected = response.statusCode() >= 300;
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag")).orElse(null);
        long size = size(headers.firstValue("X-Linked-Size").orElse(null));
        if (size < 0 && !redirected) {
            size = size(headers.firstValue("Content-Length").orElse(null));
        }
        Checksum checksum = Checksum.fromEtag(etag);
        if (!checksum.verifiable()) {
            progress.line("note: " + repo + "/" + file + ": the server sent no checksum (ETag " + etag + "); checking the size only");
        }
        // response.uri() is the resolve URL after relative redirects (a renamed repository): where to ask again.
        return new RemoteFile(file, response.uri(), size, checksum);
    }

    /** Puts {@code file} into the staging folder: already there, copied from the existing folder, or downloaded. */
    private Path obtain(RemoteFile file, String repo, Path folder, Path staging) throws IOException, InterruptedException {
        Path target = staging.resolve(file.name());
        Files.createDirectories(target.getParent());
        if (matches(file, target)) {
            progress.line(file.name() + ": already downloaded");
            return target;
        }
        Path existing = folder.resolve(file.name());
        if (matches(file, existing)) {
            Files.copy(existing, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
        download.download(file, target, repo + "/" + file.name());
        return target;
    }

    private static boolean matches(RemoteFile file, Path local) throws IOException {
        return Files.isRegularFile(local) && (!file.sizeKnown() || Files.size(local) == file.size())
                && file.checksum().matches(local);
    }

    private static String firstDiffering(List<RemoteFile> files, Path folder) throws IOException {
        for (RemoteFile file : files) {
            if (!matches(file, folder.resolve(file.name()))) {
                return file.name();
            }
        }
        return null;
    }

    /** Deletes what an earlier fetch of other files left in the staging folder (their .incomplete parts). */
    private static void removeOthers(Path staging, List<RemoteFile> files) throws IOException {
        Set<Path> keep = new HashSet<>();
        for (RemoteFile file : files) {
            keep.add(staging.resolve(file.name()).normalize());
        }
        List<Path> others;
        try (Stream<Path> walk = Files.walk(staging)) {
            others = walk.filter(Files::isRegularFile).filter(p -> !keep.contains(p.normalize())).toList();
        }
        for (Path other : others) {
            Files.delete(other);
        }
    }

    private static RemoteFile find(List<RemoteFile> files, String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    private static long size(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String shortCommit(String commit) {
        return commit.length() == 40 ? commit.substring(0, 7) : commit;
    }
}
