package dev.summarizer.training.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * rouge_score's tokenizer: lowercase, every run of characters outside [a-z0-9] becomes one space, split on
 * spaces, and (with {@code useStemmer}) Porter-stem the tokens longer than 3 characters. Everything that is
 * not an ASCII letter or digit separates tokens, so "don't" is "don" and "t", and "café" is "caf".
 */
public record RougeTokenizer(boolean useStemmer) {
    private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");

    public List<String> tokenize(String text) {
        // Locale.ROOT lowercases as Python's str.lower() does; only U+0130 and the Kelvin sign become ASCII.
        String spaced = NOT_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> tokens = new ArrayList<>();
        for (String word : spaced.split(" ")) {
            String token = useStemmer && word.length() > 3 ? PorterStemmer.stem(word) : word;
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }
}
