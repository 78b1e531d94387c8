package dev.summarizer.training.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RougeTokenizerTest {
    private final RougeTokenizer stemming = new RougeTokenizer(true);
    private final RougeTokenizer plain = new RougeTokenizer(false);

    @Test
    void lowercasesAndSplitsOnEverythingButAsciiLettersAndDigits() {
        // "cat's" falls apart at the apostrophe; "hats" (4 letters) is stemmed to "hat".
        assertEquals(List.of("the", "cat", "s", "3", "hat"), stemming.tokenize("The cat's 3 hats!"));
        assertEquals(List.of("covid", "19", "at", "5", "30", "p", "m"), plain.tokenize("COVID-19 at 5:30 p.m."));
        assertEquals(List.of(), stemming.tokenize(""));
        assertEquals(List.of(), stemming.tokenize("?! -- ..."));
        assertEquals(List.of("a", "b", "c", "d"), plain.tokenize(" a\u00a0b\u3000c\t\r\nd "));
    }

    @Test
    void onlyWordsLongerThanThreeCharactersAreStemmed() {
        // NLTK alone would stem "was" to "wa" and "has" to "ha"; rouge_score leaves them.
        assertEquals(List.of("was", "has", "run", "run"), stemming.tokenize("was haS running runs"));
        assertEquals("wa", PorterStemmer.stem("was"));
    }

    @Test
    void nonAsciiLettersSeparateTokensExceptTheTwoThatLowercaseToAscii() {
        // Python's str.lower() (and Java's, in the root locale) turns U+0130 into "i" + a combining dot,
        // and the Kelvin sign into "k"; every other non-ASCII letter is a separator.
        assertEquals(List.of("i", "stanbul", "kelvin", "caf", "na", "ve", "123"),
                plain.tokenize("\u0130stanbul \u212Aelvin café naïve １２３ 123"));
    }
}
