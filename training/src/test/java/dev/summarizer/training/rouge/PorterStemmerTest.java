package dev.summarizer.training.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PorterStemmerTest {
    @Test
    void stemsEveryWordOfTheTableAsNltkDoes() throws Exception {
        List<String> lines = Files.readAllLines(RougeFixtures.file("stems.tsv"), StandardCharsets.UTF_8);
        assertTrue(lines.size() > 5000, "the table has " + lines.size() + " words");
        List<String> mismatches = new ArrayList<>();
        for (String line : lines) {
            String[] wordAndStem = line.split("\t", -1);
            String stem = PorterStemmer.stem(wordAndStem[0]);
            if (!stem.equals(wordAndStem[1])) {
                mismatches.add(wordAndStem[0] + " -> " + stem + " (NLTK: " + wordAndStem[1] + ")");
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
                mismatches.size() + " of " + lines.size() + " words stem differently");
    }

    @Test
    void nltkExtensionsThatTheOriginalAlgorithmLacks() {
        // The irregular-forms table answers before any rule runs.
        assertEquals("die", PorterStemmer.stem("dying"));
        assertEquals("sky", PorterStemmer.stem("skies"));
        assertEquals("news", PorterStemmer.stem("news"));
        // -ies and -ied on a four-letter word keep the e; longer words go to -i.
        assertEquals("die", PorterStemmer.stem("dies"));
        assertEquals("die", PorterStemmer.stem("died"));
        assertEquals("fli", PorterStemmer.stem("flies"));
        assertEquals("spi", PorterStemmer.stem("spied"));
        // y becomes i only after a consonant that is not the whole stem: happy -> happi, enjoy stays.
        assertEquals("happi", PorterStemmer.stem("happy"));
        assertEquals("enjoy", PorterStemmer.stem("enjoy"));
        // Words of one or two letters are returned as they are (lowercased).
        assertEquals("is", PorterStemmer.stem("is"));
        assertEquals("as", PorterStemmer.stem("AS"));
    }

    @Test
    void examplesFromPortersPaper() {
        // Step 1a, 1b (with the -e restored after at/bl/iz, and double consonants undone), 2, 3, 4, 5.
        assertEquals("caress", PorterStemmer.stem("caresses"));
        assertEquals("poni", PorterStemmer.stem("ponies"));
        assertEquals("agre", PorterStemmer.stem("agreed"));   // agreed -> agree (1b), then 5a drops the e (m=1, not *o)
        assertEquals("feed", PorterStemmer.stem("feed"));     // -eed needs m>0 in "f": none, and -ed is not tried
        assertEquals("conflat", PorterStemmer.stem("conflated")); // conflate (1b), then 4 removes -ate (m=2)
        assertEquals("hop", PorterStemmer.stem("hopping"));
        assertEquals("fall", PorterStemmer.stem("falling"));   // a double l is kept
        assertEquals("file", PorterStemmer.stem("filing"));    // fil is m=1 and cvc: the e comes back
        assertEquals("relat", PorterStemmer.stem("relational")); // relate (2), then 4 removes -ate
        assertEquals("ration", PorterStemmer.stem("rational")); // -ational needs m>0 in "r", so step 2 stops; 4 drops -al
        assertEquals("control", PorterStemmer.stem("controll"));
    }

    @Test
    void measureCountsVowelConsonantPairs() {
        // The paper's examples: m=0 TR, EE, TREE, Y, BY; m=1 TROUBLE, OATS, TREES, IVY; m=2 TROUBLES, PRIVATE.
        for (String word : List.of("tr", "ee", "tree", "y", "by")) {
            assertEquals(0, PorterStemmer.measure(word), word);
        }
        for (String word : List.of("trouble", "oats", "trees", "ivy")) {
            assertEquals(1, PorterStemmer.measure(word), word);
        }
        for (String word : List.of("troubles", "private", "oaten", "orrery")) {
            assertEquals(2, PorterStemmer.measure(word), word);
        }
    }
}
