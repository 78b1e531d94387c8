package dev.summarizer.hub;

import java.net.URI;

/**
 * One file of a Hub repository as its HEAD answer describes it: its resolve URL at a fixed commit, its size
 * (-1 when unknown) and checksum. Content is asked for at the resolve URL each time rather than at the CDN
 * URL an LFS file redirects to: the Hub signs those for a limited time, and a resumed download needs a
 * fresh one.
 */
public record RemoteFile(String name, URI url, long size, Checksum checksum) {
    public boolean sizeKnown() {
        return size >= 0;
    }
}
