package dev.summarizer.training.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Small cases worked out by hand; each comment says where the numbers come from. */
class RougeScorerTest {
    private static final double EPS = 1e-12;
    private final RougeScorer lines = new RougeScorer(true, false);
    private final RougeScorer sentences = new RougeScorer(true, true);

    private static void assertScore(double precision, double recall, double fmeasure, Score actual) {
        assertEquals(precision, actual.precision(), EPS, "precision of " + actual);
        assertEquals(recall, actual.recall(), EPS, "recall of " + actual);
        assertEquals(fmeasure, actual.fmeasure(), EPS, "F of " + actual);
    }

    @Test
    void unigramsAndBigrams() {
        // rouge_score's own tests: reference "testing one two", prediction "testing" shares 1 of 3 unigrams:
        // P = 1/1, R = 1/3, F = 2(1)(1/3)/(4/3) = 1/2. With "testing one", 1 of the 2 reference bigrams.
        RougeScores s = lines.score("testing one two", "testing");
        assertScore(1, 1.0 / 3, 0.5, s.rouge1());
        assertScore(0, 0, 0, s.rouge2()); // one token has no bigram: 0/max(0,1)
        assertScore(1, 0.5, 2.0 / 3, lines.score("testing one two", "testing one").rouge2());
    }

    @Test
    void repeatedNGramsCountAtMostAsOftenAsInTheReference() {
        // "the" four times in the prediction but once in the reference: 1 match of 4 predicted, of 2 reference.
        // F = 2(1/4)(1/2)/(3/4) = 1/3.
        assertScore(0.25, 0.5, 1.0 / 3, lines.score("the cat", "the the the the").rouge1());
    }

    @Test
    void longestCommonSubsequenceNeedNotBeContiguous() {
        // "testing two" is a subsequence of "testing one two": LCS 2, P = 2/2, R = 2/3, F = 4/5.
        assertScore(1, 2.0 / 3, 0.8, lines.score("testing one two", "testing two").rougeL());
        // "d c b a" against "a b c d": only one token can be kept in order.
        assertScore(0.25, 0.25, 0.25, lines.score("a b c d", "d c b a").rougeL());
    }

    @Test
    void summaryLevelLcsTakesTheUnionOfEachSentencesLcs() {
        // Lin (2004) section 3.2, as in rouge_score's test: the reference sentence w1..w5 has LCS w1 w2 with the
        // first prediction sentence and w1 w3 w5 with the second; the union w1 w2 w3 w5 is 4 hits.
        // R = 4/5, P = 4/10, F = 2(0.32)/1.2.
        Score s = lines.score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5").rougeLsum();
        assertScore(0.4, 0.8, 0.64 / 1.2, s);
    }

    @Test
    void summaryLevelLcsCountsATokenNoMoreOftenThanBothTextsHaveIt() {
        // Both reference sentences match "the" of the one prediction sentence, but the prediction has a single
        // "the": 1 hit. R = 1/4, P = 1/2, F = 1/3 (without the guard it would be R = 1/2 and P = 1).
        assertScore(0.5, 0.25, 1.0 / 3, lines.score("the cat\nthe dog", "the bird").rougeLsum());
    }

    @Test
    void splittingSentencesLetsLsumIgnoreSentenceOrder() {
        // Stemmed: cat sat dog ran vs dog ran cat sat. On one line the LCS is 2 of 4 (also ROUGE-L's),
        // split into two sentences each half is matched in full.
        String reference = "dogs ran cats sat";
        String prediction = "Cats sat. Dogs ran.";
        assertScore(0.5, 0.5, 0.5, lines.score(reference, prediction).rougeLsum());
        assertScore(1, 1, 1, sentences.score(reference, prediction).rougeLsum());
        assertEquals(lines.score(reference, prediction).rougeL(), sentences.score(reference, prediction).rougeL());
        assertEquals(lines.score(reference, prediction).rouge2(), sentences.score(reference, prediction).rouge2());
    }

    @Test
    void stemmingMakesInflectionsMatch() {
        // cats -> cat, running -> run, runs -> run; "cat" has 3 letters and is left alone.
        assertScore(1, 1, 1, lines.score("cats running", "cat runs").rouge1());
        assertScore(0, 0, 0, new RougeScorer(false, false).score("cats running", "cat runs").rouge1());
    }

    @Test
    void emptyOrTokenlessTextScoresZeroOnEverySide() {
        for (String[] pair : new String[][] {{"", ""}, {"testing one two", ""}, {"", "w1"}, {"w1 w2", "/"},
                {"...", "..."}, {"\n\n", "a\n"}}) {
            RougeScores s = sentences.score(pair[0], pair[1]);
            for (Score score : s.byName().values()) {
                assertScore(0, 0, 0, score);
            }
        }
    }

    @Test
    void multipleReferencesTakeTheBestFPerTypeIndependently() {
        // Against "d c b a": every unigram (F 1), no bigram, LCS 1 (F 1/4).
        // Against "a b x y": 2 unigrams (F 1/2), 1 of 3 bigrams (F 1/3), LCS 2 (F 1/2).
        RougeScores best = lines.scoreMulti(List.of("d c b a", "a b x y"), "a b c d");
        assertScore(1, 1, 1, best.rouge1());
        assertScore(1.0 / 3, 1.0 / 3, 1.0 / 3, best.rouge2());
        assertScore(0.5, 0.5, 0.5, best.rougeL());
    }

    @Test
    void onTiedFTheFirstReferenceWins() {
        // "x z" against "x": P 1/2, R 1; against "x z w q": P 1, R 1/2. Both F = 2/3.
        assertScore(0.5, 1, 2.0 / 3, lines.scoreMulti(List.of("x", "x z w q"), "x z").rouge1());
        assertScore(1, 0.5, 2.0 / 3, lines.scoreMulti(List.of("x z w q", "x"), "x z").rouge1());
        assertThrows(IllegalArgumentException.class, () -> lines.scoreMulti(List.of(), "x"));
    }

    @Test
    void corpusMeansAverageTheFMeasures() {
        // F of rouge1: 1 (identical), 0 (disjoint), 1/2 ("testing" vs "testing one two"): mean 1/2.
        RougeMeans means = lines.corpus(List.of("a b", "c", "testing"),
                List.of(List.of("a b"), List.of("d"), List.of("testing one two")));
        assertEquals(0.5, means.rouge1(), EPS);
        assertEquals(List.of("rouge1", "rouge2", "rougeL", "rougeLsum"), List.copyOf(means.byName().keySet()));
        assertThrows(IllegalArgumentException.class, () -> RougeMeans.of(List.of()));
    }
}
