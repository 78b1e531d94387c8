package dev.summarizer.training.hub;

import java.net.URI;

/**
 * One file of a Hub repository as its HEAD answer describes it: where its content is (the resolve URL, or
 * the CDN URL an LFS file redirects to), its size (-1 when unknown) and checksum, and the commit it is at.
 */
public record RemoteFile(String name, URI location, long size, Checksum checksum, String commit) {
    public boolean sizeKnown() {
        return size >= 0;
    }
}
