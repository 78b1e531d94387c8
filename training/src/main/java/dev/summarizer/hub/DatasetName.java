package dev.summarizer.hub;

import java.util.List;

/**
 * A dataset as a user names it: the short names of the summarization datasets this project knows (the repository
 * they live in now, the config to read, the note to show), or any dataset repository by its id.
 */
public record DatasetName(String repo, String config, String folder, String note) {
    public static final String SAMSUM_LICENSE = "SAMSum is licensed CC BY-NC-ND 4.0 (non-commercial use, no"
            + " derivatives): read its dataset card before you train on it or share what you make with it";

    private static final List<DatasetName> KNOWN = List.of(
            new DatasetName("Samsung/samsum", null, "samsum", SAMSUM_LICENSE),
            new DatasetName("knkarthick/dialogsum", null, "dialogsum", null),
            new DatasetName("abisee/cnn_dailymail", "3.0.0", "cnn_dailymail", null),
            new DatasetName("EdinburghNLP/xsum", null, "xsum", null));

    /** {@code samsum}, {@code dialogsum}, {@code cnn_dailymail}, {@code xsum}, or a repository id as given. */
    public static DatasetName of(String typed) {
        for (DatasetName known : KNOWN) {
            if (typed.equalsIgnoreCase(known.folder) || typed.equalsIgnoreCase(known.repo)) {
                return known;
            }
        }
        if (!HubUrls.isRepoId(typed)) {
            throw new IllegalArgumentException("--dataset: \"" + typed + "\" is not a dataset name (samsum, dialogsum,"
                    + " cnn_dailymail, xsum, or a repository id such as knkarthick/dialogsum)");
        }
        return new DatasetName(typed, null, typed.substring(typed.indexOf('/') + 1), null);
    }

    /** The known short names with their repositories, one per line, for --help. */
    public static String shortNames() {
        StringBuilder sb = new StringBuilder();
        for (DatasetName k : KNOWN) {
            sb.append(String.format("  %-15s%s%s%n", k.folder, k.repo, k.config == null ? "" : ", config " + k.config));
        }
        return sb.toString().stripTrailing();
    }
}
