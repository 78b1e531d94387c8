package dev.summarizer.cli;

import dev.summarizer.SummarizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * {@code summarizer <command> [options]}: finds the commands on the class path, runs one, and turns every
 * failure the user can fix into one line on stderr and a non-zero exit (2 for usage, 1 otherwise). This is the one
 * place where exceptions become messages: domain code throws its own {@link SummarizerException}s (bad model files,
 * datasets, settings, downloads, devices), commands throw {@link UsageException} and {@link UserException}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        Map<String, Command> commands = new TreeMap<>();
        for (Command c : ServiceLoader.load(Command.class)) {
            commands.put(c.name(), c);
        }
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(overview(commands));
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            System.err.println("summarizer: unknown command \"" + args[0] + "\" (commands: "
                    + String.join(", ", commands.keySet()) + ")");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            System.out.print(command.options().help(command.name(), command.summary()));
            return 0;
        }
        try {
            return command.run(command.options().parse(command.name(), rest));
        } catch (UsageException e) {
            System.err.println("summarizer " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (SummarizerException e) {
            System.err.println("summarizer " + command.name() + ": " + e.getMessage());
            debug(e);
            return 1;
        } catch (NoSuchFileException e) {
            System.err.println("summarizer " + command.name() + ": " + e.getMessage() + ": no such file or folder");
            return 1;
        } catch (FileAlreadyExistsException e) {
            System.err.println("summarizer " + command.name() + ": " + e.getMessage() + ": already exists");
            return 1;
        } catch (AccessDeniedException e) {
            System.err.println("summarizer " + command.name() + ": " + e.getMessage() + ": permission denied");
            return 1;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("summarizer " + command.name() + ": I/O error: " + e.getMessage());
            debug(e);
            return 1;
        } catch (OutOfMemoryError e) {
            System.err.println("summarizer " + command.name() + ": out of memory (raise the heap with JAVA_OPTS=-Xmx...)");
            return 1;
        } catch (Exception e) {
            System.err.println("summarizer " + command.name() + ": unexpected error: " + e
                    + " (set SUMMARIZER_DEBUG=1 for the stack trace)");
            debug(e);
            return 1;
        }
    }

    private static void debug(Throwable e) {
        if (System.getenv("SUMMARIZER_DEBUG") != null) {
            e.printStackTrace();
        }
    }

    private static String overview(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("usage: summarizer <command> [options]\n\n"
                + "Fine-tune, export and serve T5 summarization models with ONNX Runtime.\n\ncommands:\n");
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Command c : commands.values()) {
            sb.append(String.format("  %-" + width + "s %s%n", c.name(), c.summary()));
        }
        sb.append("\nRun summarizer <command> --help for a command's options.\n");
        return sb.toString();
    }
}
