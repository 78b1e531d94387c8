package dev.summarizer.generate;

/**
 * What input texts must be: not blank, and real Unicode text. Tab, line feed and carriage return are text;
 * other control characters (NUL, escape, ...) and unpaired surrogates (broken UTF-16 from a JSON escape)
 * are rejected rather than silently turned into unknown tokens.
 */
public final class TextValidation {
    private TextValidation() {}

    /** @throws InvalidTextException when {@link #problem} finds one */
    public static void check(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw new InvalidTextException(problem);
        }
    }

    /** What is wrong with {@code text}, in one line, or null when it can be summarized. */
    public static String problem(String text) {
        if (text == null || text.isBlank()) {
            return "text is empty";
        }
        return characterProblem(text, "text");
    }

    /**
     * What is wrong with the characters of {@code text} (which may be empty, as a prefix may), naming it {@code what},
     * or null when there is nothing.
     */
    public static String characterProblem(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("%s is not valid Unicode: unpaired surrogate U+%04X at character %d", what, (int) c, i);
            } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return String.format("%s contains the control character U+%04X at character %d", what, (int) c, i);
            }
        }
        return null;
    }
}
