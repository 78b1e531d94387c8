package dev.summarizer.training.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {
    private static void assertSplit(String text, String... sentences) {
        assertEquals(List.of(sentences), SentenceSplitter.split(text), text);
    }

    @Test
    void splitsAfterTerminalPunctuationBeforeACapitalDigitQuoteOrHash() {
        assertSplit("Amanda baked cookies. Jerry will get some tomorrow.",
                "Amanda baked cookies.", "Jerry will get some tomorrow.");
        assertSplit("Is it ready? Yes! 5 people came.", "Is it ready?", "Yes!", "5 people came.");
        assertSplit("She said \"Stop.\" Then she left.", "She said \"Stop.\"", "Then she left.");
        assertSplit("It's over (finally). \"Good,\" he said.", "It's over (finally).", "\"Good,\" he said.");
        assertSplit("#Person1# asks for a memo. #Person2# types it.", "#Person1# asks for a memo.", "#Person2# types it.");
        assertSplit("Wait... What?! No way.", "Wait...", "What?!", "No way.");
        assertSplit("He arrives around 6 pm. Ava will wait.", "He arrives around 6 pm.", "Ava will wait.");
    }

    @Test
    void doesNotSplitBeforeALowercaseWordOrWithoutWhitespace() {
        assertSplit("Wait... what? no idea.", "Wait... what? no idea.");
        assertSplit("Pi is 3.14. It's irrational.", "Pi is 3.14.", "It's irrational.");
        assertSplit("See example.com.Now", "See example.com.Now");
    }

    @Test
    void keepsAbbreviationsInitialsAndDottedAbbreviationsInside() {
        assertSplit("Mr. Smith met Dr. Brown and Mrs. Jones at St. Mary's.",
                "Mr. Smith met Dr. Brown and Mrs. Jones at St. Mary's.");
        assertSplit("Fruit, e.g. Apples, is good; i.e. Healthy.", "Fruit, e.g. Apples, is good; i.e. Healthy.");
        assertSplit("They meet at 4 p.m. Tomorrow is fine, at 9 a.m. Sharp.",
                "They meet at 4 p.m. Tomorrow is fine, at 9 a.m. Sharp.");
        assertSplit("J. K. Rowling lives in the U.S. With her family.",
                "J. K. Rowling lives in the U.S. With her family.");
        assertSplit("He went to (Dr. Who) again.", "He went to (Dr. Who) again.");
    }

    @Test
    void numberAbbreviationsHoldOnlyBeforeADigit() {
        assertSplit("They live at No. 22 Main Street. No. That is wrong.",
                "They live at No. 22 Main Street.", "No.", "That is wrong.");
        assertSplit("It opens on Jan. 5 this year.", "It opens on Jan. 5 this year.");
    }

    @Test
    void lineBreaksAlwaysEndASentenceAndBlankLinesVanish() {
        assertSplit("first line\n\n  second line  \nthird. Fourth", "first line", "second line", "third.", "Fourth");
        assertSplit("");
        assertSplit("  \n \t ");
        assertSplit("no punctuation at all", "no punctuation at all");
    }
}
