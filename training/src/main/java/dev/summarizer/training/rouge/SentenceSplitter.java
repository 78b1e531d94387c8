package dev.summarizer.training.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts one sentence per line before ROUGE-Lsum, the job Hugging Face's summarization examples give to
 * {@code nltk.sent_tokenize}. A rule-based stand-in for NLTK's trained Punkt model, so it agrees with it on
 * ordinary prose but not on every corner case. The rules:
 * <ol>
 *   <li>A line break always ends a sentence.</li>
 *   <li>A sentence ends after a run of {@code . ! ? …}, with any closing quotes or brackets that follow it,
 *       when whitespace comes next and the first character after the whitespace is not a lowercase letter
 *       (an uppercase letter, a digit, a quote or bracket, or the '#' of DialogSum's {@code #Person1#}).</li>
 *   <li>A single '.' does not end a sentence after
 *     <ul>
 *       <li>a title or common abbreviation: Mr Mrs Ms Dr Prof Sr Jr St Mt Rev Hon Gen Col Capt Lt Sgt Gov Sen
 *           Rep Pres vs cf viz al approx dept est (any case);</li>
 *       <li>No, Nos, Vol, Fig, or a month's short name (Jan ... Dec, Sept) when a digit follows ("No. 5");</li>
 *       <li>a single letter, taken for an initial ("J. K. Rowling");</li>
 *       <li>letters with inner dots in groups of one or two (e.g. i.e. a.m. p.m. U.S. Ph.D.).</li>
 *     </ul></li>
 *   <li>A '.' between digits is a decimal point, never a boundary, because no whitespace follows it.</li>
 * </ol>
 * Sentences come back trimmed; blank ones are dropped.
 */
public final class SentenceSplitter {
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt",
            "rev", "hon", "gen", "col", "capt", "lt", "sgt", "gov", "sen", "rep", "pres", "vs", "cf", "viz", "al",
            "approx", "dept", "est");
    private static final Set<String> ABBREVIATIONS_BEFORE_NUMBERS = Set.of("no", "nos", "vol", "fig", "jan", "feb",
            "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");
    private static final Pattern DOTTED_LETTERS = Pattern.compile("\\p{L}{1,2}(\\.\\p{L}{1,2})+");
    private static final String CLOSERS = "\"')]}”’»";

    private SentenceSplitter() {}

    public static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            splitLine(line, sentences);
        }
        return sentences;
    }

    private static void splitLine(String line, List<String> sentences) {
        int start = 0;
        int i = 0;
        while (i < line.length()) {
            if (!isTerminal(line.charAt(i))) {
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < line.length() && isTerminal(line.charAt(runEnd))) {
                runEnd++;
            }
            int sentenceEnd = runEnd;
            while (sentenceEnd < line.length() && CLOSERS.indexOf(line.charAt(sentenceEnd)) >= 0) {
                sentenceEnd++;
            }
            int next = sentenceEnd;
            while (next < line.length() && isSpace(line.charAt(next))) {
                next++;
            }
            boolean singlePeriod = runEnd - i == 1 && line.charAt(i) == '.';
            if (next > sentenceEnd && next < line.length() && !Character.isLowerCase(line.codePointAt(next))
                    && !(singlePeriod && isAbbreviation(wordBefore(line, i), line.charAt(next)))) {
                add(line.substring(start, sentenceEnd), sentences);
                start = next;
            }
            i = Math.max(next, i + 1);
        }
        add(line.substring(start), sentences);
    }

    private static boolean isAbbreviation(String word, char next) {
        String lower = word.toLowerCase(Locale.ROOT);
        return ABBREVIATIONS.contains(lower)
                || (Character.isDigit(next) && ABBREVIATIONS_BEFORE_NUMBERS.contains(lower))
                || (word.codePointCount(0, word.length()) == 1 && Character.isLetter(word.codePointAt(0)))
                || DOTTED_LETTERS.matcher(word).matches();
    }

    /** The word that a '.' at {@code dot} closes, without opening quotes or brackets before it. */
    private static String wordBefore(String line, int dot) {
        int start = dot;
        while (start > 0 && !isSpace(line.charAt(start - 1))) {
            start--;
        }
        while (start < dot && !Character.isLetterOrDigit(line.charAt(start))) {
            start++;
        }
        return line.substring(start, dot);
    }

    private static boolean isTerminal(char c) {
        return c == '.' || c == '!' || c == '?' || c == '…';
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static void add(String sentence, List<String> sentences) {
        String trimmed = sentence.strip();
        if (!trimmed.isEmpty()) {
            sentences.add(trimmed);
        }
    }
}
