package dev.summarizer.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a file's content must hash to, as the Hub states it in its ETag: the SHA-256 of the content for
 * files stored in LFS (or Xet), the git blob SHA-1 ({@code sha1("blob " + size + "\0" + content)}) for
 * files stored in git. {@link Kind#NONE} when the server gave neither (a mirror); then only the size is
 * checked.
 */
public record Checksum(Kind kind, String hex) {
    public enum Kind {
        SHA256("sha256"), GIT_BLOB_SHA1("git blob sha1"), NONE("none");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1_HEX = Pattern.compile("[0-9a-f]{40}");

    public static final Checksum NONE = new Checksum(Kind.NONE, "");

    /**
     * The checksum an ETag value names: {@code "<hex>"} or {@code W/"<hex>"}; 64 hex digits are a SHA-256, 40 a
     * git blob SHA-1 (huggingface_hub's _normalize_etag and REGEX_SHA256).
     */
    public static Checksum fromEtag(String etag) {
        if (etag == null) {
            return NONE;
        }
        String value = etag.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "").toLowerCase(Locale.ROOT);
        if (SHA256_HEX.matcher(value).matches()) {
            return new Checksum(Kind.SHA256, value);
        }
        if (SHA1_HEX.matcher(value).matches()) {
            return new Checksum(Kind.GIT_BLOB_SHA1, value);
        }
        return NONE;
    }

    public boolean verifiable() {
        return kind != Kind.NONE;
    }

    /** The checksum of this kind of {@code file}'s content, in hex. */
    public String of(Path file) throws IOException {
        MessageDigest digest = switch (kind) {
            case SHA256 -> digest("SHA-256");
            case GIT_BLOB_SHA1 -> {
                MessageDigest sha1 = digest("SHA-1");
                sha1.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
                yield sha1;
            }
            case NONE -> throw new IllegalStateException("no checksum to compute");
        };
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether {@code file}'s content hashes to this checksum (always true for {@link Kind#NONE}). */
    public boolean matches(Path file) throws IOException {
        return kind == Kind.NONE || hex.equals(of(file));
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "no checksum" : kind.label() + " " + hex;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
