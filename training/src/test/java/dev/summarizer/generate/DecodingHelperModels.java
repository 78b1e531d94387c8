package dev.summarizer.generate;

/** The beam-search helper graphs (package-private in the models module) for tests of other packages. */
public final class DecodingHelperModels {
    private DecodingHelperModels() {}

    public static byte[] beamCandidates(int vocab) {
        return DecodingHelperGraphs.beamCandidates(vocab);
    }

    public static byte[] cacheReorder(int caches) {
        return DecodingHelperGraphs.cacheReorder(caches);
    }
}
