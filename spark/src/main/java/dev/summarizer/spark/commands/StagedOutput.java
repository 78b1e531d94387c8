package dev.summarizer.spark.commands;

import dev.summarizer.cli.UserException;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The job's output folder, written beside its target under a hidden name and moved into place only when the job
 * has succeeded, through Hadoop's file systems (a local path, hdfs://, s3a://, ...). Closing without committing
 * deletes the staged folder, so a failed job leaves nothing behind and an existing output untouched.
 */
final class StagedOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final boolean overwrite;
    private boolean committed;

    private StagedOutput(FileSystem fs, Path target, Path staging, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.staging = staging;
        this.overwrite = overwrite;
    }

    /** Refuses an existing target unless {@code overwrite}. */
    static StagedOutput beside(String target, Configuration conf, boolean overwrite) throws IOException {
        Path path = new Path(target);
        FileSystem fs = path.getFileSystem(conf);
        Path qualified = fs.makeQualified(path);
        if (fs.exists(qualified) && !overwrite) {
            throw new UserException(target + ": already exists (give --overwrite to replace it)");
        }
        Path staging = new Path(qualified.getParent(), "." + qualified.getName() + ".tmp-" + UUID.randomUUID());
        return new StagedOutput(fs, qualified, staging, overwrite);
    }

    String path() {
        return staging.toString();
    }

    /** Moves the staged output into place; an existing target is deleted only once the new one is complete. */
    void commit() throws IOException {
        Path previous = null;
        if (fs.exists(target)) {
            if (!overwrite) {
                throw new UserException(target + ": already exists (it appeared while the job ran)");
            }
            previous = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            rename(target, previous);
        }
        try {
            rename(staging, target);
        } catch (IOException e) {
            if (previous != null) {
                rename(previous, target);
            }
            throw e;
        }
        committed = true;
        if (previous != null) {
            fs.delete(previous, true);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot move " + from + " to " + to);
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            fs.delete(staging, true);
        }
    }
}
