package dev.summarizer.spark;

import ai.onnxruntime.OrtException;
import dev.summarizer.generate.OnnxSeq2SeqModel.DecoderMode;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models open in this JVM (an executor, or the driver in local mode): the first task that needs a model folder
 * loads it, and every later task, concurrent ones included, shares that {@link Summarizer} (it is thread-safe). A
 * model stays open between jobs; a folder whose files changed since it was loaded (exported again) is loaded anew,
 * and the stale copy is closed as soon as no task holds it. Idle models beyond the most recent few are closed too.
 */
final class ExecutorModels {
    /** Idle models kept open besides the ones in use. */
    static final int KEPT_IDLE = 2;

    /** One load of a folder: its real path, its files' sizes and modification times, and how it runs. */
    record Key(Path folder, String stamp, Device device, int threads, DecoderMode decoder) {}

    private static final class Entry {
        final Summarizer summarizer;
        final long loadNanos;
        int leases;
        boolean evicted;

        Entry(Summarizer summarizer, long loadNanos) {
            this.summarizer = summarizer;
            this.loadNanos = loadNanos;
        }
    }

    /** A task's hold on a model; closing it lets the model be closed once evicted. */
    static final class Lease implements AutoCloseable {
        private final Entry entry;
        private final boolean loadedNow;
        private boolean released;

        private Lease(Entry entry, boolean loadedNow) {
            this.entry = entry;
            this.loadedNow = loadedNow;
        }

        Summarizer summarizer() {
            return entry.summarizer;
        }

        /** Whether this task loaded the model (rather than finding it open). */
        boolean loadedNow() {
            return loadedNow;
        }

        long loadNanos() {
            return entry.loadNanos;
        }

        @Override
        public void close() throws OrtException {
            release(this);
        }
    }

    /** In least-recently-used order. */
    private static final Map<Key, Entry> OPEN = new LinkedHashMap<>(8, 0.75f, true);

    private ExecutorModels() {}

    /** The model in {@code folder}, loaded now if this JVM does not have it open with the same files. */
    static synchronized Lease acquire(Path folder, Device device, int threads, DecoderMode decoder) throws OrtException {
        Key key = new Key(realPath(folder), stamp(folder, decoder), device, threads, decoder);
        Entry entry = OPEN.get(key);
        boolean loadedNow = false;
        if (entry == null) {
            for (Map.Entry<Key, Entry> open : List.copyOf(OPEN.entrySet())) {
                if (open.getKey().folder().equals(key.folder())) {
                    evict(open.getKey(), open.getValue()); // the same folder with other files: stale
                }
            }
            long start = System.nanoTime();
            Summarizer summarizer = Summarizer.open(ModelFolder.open(folder), device, threads, decoder);
            entry = new Entry(summarizer, System.nanoTime() - start);
            OPEN.put(key, entry);
            loadedNow = true;
        }
        entry.leases++;
        closeIdleBeyondKept();
        return new Lease(entry, loadedNow);
    }

    /** How many models this JVM has open (tests). */
    static synchronized int openCount() {
        return OPEN.size();
    }

    private static synchronized void release(Lease lease) throws OrtException {
        if (lease.released) {
            return;
        }
        lease.released = true;
        Entry entry = lease.entry;
        entry.leases--;
        if (entry.evicted && entry.leases == 0) {
            entry.summarizer.close();
        }
    }

    private static void evict(Key key, Entry entry) throws OrtException {
        OPEN.remove(key);
        entry.evicted = true;
        if (entry.leases == 0) {
            entry.summarizer.close();
        }
    }

    private static void closeIdleBeyondKept() throws OrtException {
        List<Map.Entry<Key, Entry>> idle = new ArrayList<>();
        for (Map.Entry<Key, Entry> e : OPEN.entrySet()) {
            if (e.getValue().leases == 0) {
                idle.add(e);
            }
        }
        // Oldest first: close until KEPT_IDLE are left.
        Iterator<Map.Entry<Key, Entry>> oldest = idle.iterator();
        for (int excess = idle.size() - KEPT_IDLE; excess > 0; excess--) {
            Map.Entry<Key, Entry> e = oldest.next();
            evict(e.getKey(), e.getValue());
        }
    }

    private static Path realPath(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sizes and modification times of the files a load reads: a changed file means a different model. */
    private static String stamp(Path folder, DecoderMode decoder) {
        StringBuilder sb = new StringBuilder();
        List<String> files = new ArrayList<>(ModelLocation.requiredFiles(decoder));
        files.add(ModelFolder.GENERATION_CONFIG);
        for (String name : files) {
            Path file = folder.resolve(name);
            try {
                if (Files.isRegularFile(file)) {
                    sb.append(name).append(':').append(Files.size(file)).append(':')
                            .append(Files.getLastModifiedTime(file).toMillis()).append(';');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }
}
