package dev.summarizer.hub;

import dev.summarizer.Progress;
import dev.summarizer.Units;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file into place through {@code <file>.incomplete}: a partial file left by an earlier run or a
 * dropped connection is continued with {@code Range: bytes=N-} (and started over when the server answers 200
 * instead of 206), and the file is renamed into place only once its size and checksum are right. A file
 * that fails its checksum is deleted; if it was pieced together from several connections it is downloaded
 * once more from the start, since the partial may have been left by an older version of the file.
 */
public final class ResumableDownload {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final HubHttp http;
    private final Progress progress;

    public ResumableDownload(HubHttp http, Progress progress) {
        this.http = http;
        this.progress = progress;
    }

    public static Path partialOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".incomplete");
    }

    /** Downloads {@code file} to {@code target}; {@code what} names it in messages. */
    public void download(RemoteFile file, Path target, String what) throws IOException, InterruptedException {
        Path partial = partialOf(target);
        boolean startedOver = false;
        while (true) {
            boolean pieced = transfer(file, partial, what);
            String problem = problemWith(file, partial);
            if (problem == null) {
                moveIntoPlace(partial, target);
                return;
            }
            Files.deleteIfExists(partial);
            if (pieced && !startedOver) {
                startedOver = true;
                progress.line(what + ": " + problem + "; downloading it again from the start");
                continue;
            }
            throw new HubException(what + ": " + problem + "; deleted the download, run again");
        }
    }

    /** Fills {@code partial} up to the file's size; true when its content came from more than one request. */
    private boolean transfer(RemoteFile file, Path partial, String what) throws IOException, InterruptedException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (file.sizeKnown() && have > file.size()) {
            Files.delete(partial);
            have = 0;
        }
        boolean pieced = have > 0;
        int failures = 0;
        progress.begin(file.name(), file.size(), have, Progress.Unit.BYTES);
        while (!file.sizeKnown() || have < file.size()) {
            long before = have;
            try {
                have = receive(file, partial, have, what);
                if (!file.sizeKnown()) {
                    break;
                }
                if (have < file.size()) {
                    throw new IOException("the answer ended at byte " + have + " of " + file.size());
                }
            } catch (IOException e) {
                have = Files.exists(partial) ? Files.size(partial) : 0;
                if (have > before) {
                    failures = 0;
                }
                failures++;
                if (failures > http.retry().retries()) {
                    progress.line(what + ": " + Units.bytes(have) + " kept in " + partial);
                    throw new HubException(what + ": download interrupted (" + HubErrors.describe(e) + ") after "
                            + HubErrors.attempts(failures) + "; run again to resume");
                }
                pieced |= have > 0;
                http.retry().sleepBefore(failures, null);
            }
        }
        progress.end();
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return pieced;
    }

    /** One request for the bytes from {@code have} on, appended to {@code partial}; returns its new size. */
    private long receive(RemoteFile file, Path partial, long have, String what) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.getContent(file.url(), have, what);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            boolean append;
            if (status == 206) {
                long start = contentRangeStart(response);
                if (start != have) {
                    throw new IOException("asked for bytes from " + have + ", got bytes from " + start);
                }
                append = true;
            } else if (status == 200) {
                if (have > 0) {
                    progress.line(what + ": the server does not resume downloads; starting over");
                }
                append = false;
                have = 0;
            } else if (status == 416) {
                // The partial file reaches past what the server has: it is stale.
                Files.deleteIfExists(partial);
                throw new IOException("the server has no bytes from " + have + " on (416)");
            } else {
                throw new HubException(what + ": unexpected answer " + status + " from " + HubSettings.origin(response.uri()));
            }
            return copy(body, partial, append, have, file, what);
        }
    }

    private long copy(InputStream body, Path partial, boolean append, long have, RemoteFile file, String what)
            throws IOException {
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        StallWatch watch = new StallWatch(body, http.stallTimeout());
        try (watch; FileChannel out = openForWriting(partial, mode)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) > 0; ) {
                watch.progressed();
                if (file.sizeKnown() && have + n > file.size()) {
                    // Checked before writing: a server sending more than it declared cannot fill the disk.
                    Files.deleteIfExists(partial);
                    throw new HubException(what + ": the server sent more than the " + file.size() + " bytes it declared; "
                            + "deleted the download");
                }
                write(out, buffer, n, partial);
                have += n;
                progress.update(have);
            }
        } catch (IOException e) {
            if (watch.fired()) {
                throw new IOException("no data for " + http.stallTimeout().toSeconds() + " s", e);
            }
            throw e;
        }
        return have;
    }

    /** Disk errors are not retried like network errors: they surface as UncheckedIOException. */
    private static FileChannel openForWriting(Path partial, StandardOpenOption mode) {
        try {
            return FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(partial + ": cannot write (" + HubErrors.describe(e) + ")", e);
        }
    }

    private static void write(FileChannel out, byte[] buffer, int n, Path partial) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(partial + ": cannot write (" + HubErrors.describe(e) + ")", e);
        }
    }

    private static long contentRangeStart(HttpResponse<?> response) throws IOException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range.strip());
        if (!m.matches()) {
            throw new IOException("a 206 answer without a usable Content-Range (\"" + range + "\")");
        }
        return Long.parseLong(m.group(1));
    }

    /** Why {@code partial} is not the file, or null when its size and checksum are right. */
    private static String problemWith(RemoteFile file, Path partial) throws IOException {
        long size = Files.size(partial);
        if (file.sizeKnown() && size != file.size()) {
            return "size mismatch (expected " + file.size() + " bytes, got " + size + ")";
        }
        if (!file.checksum().verifiable()) {
            return null;
        }
        String actual = file.checksum().of(partial);
        if (!actual.equals(file.checksum().hex())) {
            return "checksum mismatch (expected " + file.checksum() + ", got " + actual + ")";
        }
        return null;
    }

    static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
