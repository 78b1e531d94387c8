package dev.summarizer.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {
    private static final String HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    /** {@code printf hello | git hash-object --stdin} */
    private static final String HELLO_GIT_BLOB = "b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0";
    /** {@code git hash-object /dev/null} */
    private static final String EMPTY_GIT_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

    @TempDir
    Path dir;

    @Test
    void anEtagOf64HexDigitsIsASha256AndOf40AGitBlobSha1() {
        assertEquals(new Checksum(Checksum.Kind.SHA256, HELLO_SHA256), Checksum.fromEtag("\"" + HELLO_SHA256 + "\""));
        assertEquals(new Checksum(Checksum.Kind.SHA256, HELLO_SHA256), Checksum.fromEtag("W/\"" + HELLO_SHA256.toUpperCase() + "\""));
        assertEquals(new Checksum(Checksum.Kind.GIT_BLOB_SHA1, HELLO_GIT_BLOB), Checksum.fromEtag("\"" + HELLO_GIT_BLOB + "\""));
        assertEquals(Checksum.NONE, Checksum.fromEtag("\"d41d8cd98f00b204e9800998ecf8427e-3\""));
        assertEquals(Checksum.NONE, Checksum.fromEtag(null));
    }

    @Test
    void checksumsOfFilesAreWhatGitAndSha256sumSay() throws Exception {
        Path hello = Files.writeString(dir.resolve("hello"), "hello");
        Path empty = Files.createFile(dir.resolve("empty"));
        assertEquals(HELLO_SHA256, new Checksum(Checksum.Kind.SHA256, HELLO_SHA256).of(hello));
        assertEquals(HELLO_GIT_BLOB, new Checksum(Checksum.Kind.GIT_BLOB_SHA1, HELLO_GIT_BLOB).of(hello));
        assertTrue(new Checksum(Checksum.Kind.GIT_BLOB_SHA1, EMPTY_GIT_BLOB).matches(empty));
        assertFalse(new Checksum(Checksum.Kind.GIT_BLOB_SHA1, EMPTY_GIT_BLOB).matches(hello));
        assertTrue(Checksum.NONE.matches(hello));
    }
}
