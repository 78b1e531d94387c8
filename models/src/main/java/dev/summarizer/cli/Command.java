package dev.summarizer.cli;

/**
 * One {@code scripts/summarizer} command. Modules register theirs in
 * {@code META-INF/services/dev.summarizer.cli.Command}; {@link Main} finds them on the class path.
 */
public interface Command {
    /** The word after {@code summarizer}, e.g. {@code export}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The options, for parsing and for {@code --help}. */
    Options options();

    /** Runs with parsed arguments and returns the exit status. */
    int run(ParsedArgs args) throws Exception;
}
