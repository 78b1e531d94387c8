package dev.summarizer.training.rouge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer exactly as NLTK's {@code PorterStemmer()} runs in its default mode, NLTK_EXTENSIONS,
 * which is the stemmer rouge_score uses: Porter's 1980 algorithm with Martin Porter's later fixes and NLTK's
 * additions (a table of irregular forms, -ies/-ied on four-letter words, y to i only after a consonant, -alli
 * before -bli, -fulli and -logi). The steps follow {@code nltk/stem/porter.py} one for one, so that every
 * quirk (a matching suffix whose condition fails stops the step) comes out the same.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR_FORMS = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /** A suffix rewrite: when the word ends with {@code suffix}, the rule decides the step, applied or not. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private static final Predicate<String> MEASURE_ABOVE_0 = stem -> measure(stem) > 0;
    private static final Predicate<String> MEASURE_ABOVE_1 = stem -> measure(stem) > 1;

    private static final List<Rule> STEP_1A = List.of(
            new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null), new Rule("s", "", null));

    private static final List<Rule> STEP_2 = List.of(
            new Rule("ational", "ate", MEASURE_ABOVE_0), new Rule("tional", "tion", MEASURE_ABOVE_0),
            new Rule("enci", "ence", MEASURE_ABOVE_0), new Rule("anci", "ance", MEASURE_ABOVE_0),
            new Rule("izer", "ize", MEASURE_ABOVE_0), new Rule("bli", "ble", MEASURE_ABOVE_0),
            new Rule("alli", "al", MEASURE_ABOVE_0), new Rule("entli", "ent", MEASURE_ABOVE_0),
            new Rule("eli", "e", MEASURE_ABOVE_0), new Rule("ousli", "ous", MEASURE_ABOVE_0),
            new Rule("ization", "ize", MEASURE_ABOVE_0), new Rule("ation", "ate", MEASURE_ABOVE_0),
            new Rule("ator", "ate", MEASURE_ABOVE_0), new Rule("alism", "al", MEASURE_ABOVE_0),
            new Rule("iveness", "ive", MEASURE_ABOVE_0), new Rule("fulness", "ful", MEASURE_ABOVE_0),
            new Rule("ousness", "ous", MEASURE_ABOVE_0), new Rule("aliti", "al", MEASURE_ABOVE_0),
            new Rule("iviti", "ive", MEASURE_ABOVE_0), new Rule("biliti", "ble", MEASURE_ABOVE_0),
            new Rule("fulli", "ful", MEASURE_ABOVE_0),
            // NLTK keeps the 'l' of -logi with the stem when measuring, so that geo-logi works like archaeo-logi.
            new Rule("logi", "log", stem -> measure(stem + "l") > 0));

    private static final List<Rule> STEP_3 = List.of(
            new Rule("icate", "ic", MEASURE_ABOVE_0), new Rule("ative", "", MEASURE_ABOVE_0),
            new Rule("alize", "al", MEASURE_ABOVE_0), new Rule("iciti", "ic", MEASURE_ABOVE_0),
            new Rule("ical", "ic", MEASURE_ABOVE_0), new Rule("ful", "", MEASURE_ABOVE_0),
            new Rule("ness", "", MEASURE_ABOVE_0));

    private static final List<Rule> STEP_4 = List.of(
            new Rule("al", "", MEASURE_ABOVE_1), new Rule("ance", "", MEASURE_ABOVE_1),
            new Rule("ence", "", MEASURE_ABOVE_1), new Rule("er", "", MEASURE_ABOVE_1),
            new Rule("ic", "", MEASURE_ABOVE_1), new Rule("able", "", MEASURE_ABOVE_1),
            new Rule("ible", "", MEASURE_ABOVE_1), new Rule("ant", "", MEASURE_ABOVE_1),
            new Rule("ement", "", MEASURE_ABOVE_1), new Rule("ment", "", MEASURE_ABOVE_1),
            new Rule("ent", "", MEASURE_ABOVE_1),
            new Rule("ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
            new Rule("ou", "", MEASURE_ABOVE_1), new Rule("ism", "", MEASURE_ABOVE_1),
            new Rule("ate", "", MEASURE_ABOVE_1), new Rule("iti", "", MEASURE_ABOVE_1),
            new Rule("ous", "", MEASURE_ABOVE_1), new Rule("ive", "", MEASURE_ABOVE_1),
            new Rule("ize", "", MEASURE_ABOVE_1));

    private PorterStemmer() {}

    public static String stem(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        String irregular = IRREGULAR_FORMS.get(lower);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return lower;
        }
        String stem = step1a(lower);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = applyFirstMatching(stem, STEP_3);
        stem = applyFirstMatching(stem, STEP_4);
        stem = step5a(stem);
        return step5b(stem);
    }

    private static String step1a(String word) {
        if (word.endsWith("ies") && word.length() == 4) {
            return cut(word, 3) + "ie";
        }
        return applyFirstMatching(word, STEP_1A);
    }

    private static String step1b(String word) {
        if (word.endsWith("ied")) {
            return cut(word, 3) + (word.length() == 4 ? "ie" : "i");
        }
        if (word.endsWith("eed")) {
            String stem = cut(word, 3);
            return measure(stem) > 0 ? stem + "ee" : word;
        }
        String stem = null;
        if (word.endsWith("ed") && containsVowel(cut(word, 2))) {
            stem = cut(word, 2);
        } else if (word.endsWith("ing") && containsVowel(cut(word, 3))) {
            stem = cut(word, 3);
        }
        if (stem == null) {
            return word;
        }
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsWithDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : cut(stem, 1);
        }
        return measure(stem) == 1 && endsConsonantVowelConsonant(stem) ? stem + "e" : stem;
    }

    private static String step1c(String word) {
        if (!word.endsWith("y")) {
            return word;
        }
        String stem = cut(word, 1);
        return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : word;
    }

    private static String step2(String word) {
        // NLTK tries -alli first and, when it applies, runs step 2 again on the result.
        if (word.endsWith("alli") && measure(cut(word, 4)) > 0) {
            return step2(cut(word, 4) + "al");
        }
        return applyFirstMatching(word, STEP_2);
    }

    private static String step5a(String word) {
        if (!word.endsWith("e")) {
            return word;
        }
        String stem = cut(word, 1);
        int m = measure(stem);
        return m > 1 || (m == 1 && !endsConsonantVowelConsonant(stem)) ? stem : word;
    }

    private static String step5b(String word) {
        return word.endsWith("ll") && measure(cut(word, 1)) > 1 ? cut(word, 1) : word;
    }

    /** The first rule whose suffix matches decides: rewritten when its condition holds, unchanged otherwise. */
    private static String applyFirstMatching(String word, List<Rule> rules) {
        for (Rule rule : rules) {
            if (word.endsWith(rule.suffix())) {
                String stem = cut(word, rule.suffix().length());
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
        }
        return word;
    }

    private static String cut(String word, int suffixLength) {
        return word.substring(0, word.length() - suffixLength);
    }

    /** Porter's consonants: every letter but a, e, i, o, u, and y when the letter before it is a consonant. */
    private static boolean[] consonants(String word) {
        boolean[] consonant = new boolean[word.length()];
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
                consonant[i] = false;
            } else if (c == 'y') {
                consonant[i] = i == 0 || !consonant[i - 1];
            } else {
                consonant[i] = true;
            }
        }
        return consonant;
    }

    private static boolean isConsonant(String word, int i) {
        return consonants(word)[i];
    }

    /** m in [C](VC){m}[V]: the number of vowel-to-consonant transitions. */
    static int measure(String stem) {
        boolean[] consonant = consonants(stem);
        int m = 0;
        for (int i = 1; i < consonant.length; i++) {
            if (!consonant[i - 1] && consonant[i]) {
                m++;
            }
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (boolean c : consonants(stem)) {
            if (!c) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsWithDoubleConsonant(String word) {
        int n = word.length();
        return n >= 2 && word.charAt(n - 1) == word.charAt(n - 2) && isConsonant(word, n - 1);
    }

    /** Porter's *o, plus NLTK's two-letter vowel-consonant case. */
    private static boolean endsConsonantVowelConsonant(String word) {
        int n = word.length();
        boolean[] c = consonants(word);
        if (n >= 3) {
            char last = word.charAt(n - 1);
            return c[n - 3] && !c[n - 2] && c[n - 1] && last != 'w' && last != 'x' && last != 'y';
        }
        return n == 2 && !c[0] && c[1];
    }
}
