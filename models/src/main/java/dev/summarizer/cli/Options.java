package dev.summarizer.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options and positional arguments a command accepts, with their help text and defaults. */
public final class Options {
    /** A {@code --name VALUE} option; a flag takes no value (or an explicit {@code true}/{@code false}). */
    public record Option(String name, String valueName, String help, String defaultValue, boolean flag) {}

    public record Positional(String name, String help, boolean required) {}

    private final Map<String, Option> options = new LinkedHashMap<>();
    /** Flags a user may know from elsewhere (Hugging Face scripts) that this command cannot honour, and why. */
    private final Map<String, String> refused = new LinkedHashMap<>();
    /** Other names of options, e.g. the Hugging Face scripts' {@code --model-name-or-path} for {@code --model}. */
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final List<Positional> positionals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Where options not on the command line may come from the environment ({@code PREFIX_OPTION_NAME}); null: not. */
    private String environmentPrefix;

    public Options option(String name, String valueName, String help) {
        return option(name, valueName, help, null);
    }

    public Options option(String name, String valueName, String help, String defaultValue) {
        options.put(name, new Option(name, valueName, help, defaultValue, false));
        return this;
    }

    public Options flag(String name, String help) {
        options.put(name, new Option(name, null, help, null, true));
        return this;
    }

    public Options positional(String name, String help, boolean required) {
        positionals.add(new Positional(name, help, required));
        return this;
    }

    /** A paragraph printed after the option list (examples, details). */
    public Options note(String text) {
        notes.add(text);
        return this;
    }

    public Option get(String name) {
        return options.get(name);
    }

    /**
     * Options not given on the command line are read from environment variables named {@code prefix} and the option in
     * upper snake case ({@code SUMMARIZER_MAX_BATCH_SIZE} for {@code --max-batch-size}), for containers configured by
     * their environment. The command line wins; errors name the variable.
     */
    public Options fromEnvironment(String prefix) {
        this.environmentPrefix = prefix;
        return this;
    }

    /** The environment variable that sets {@code option}, or null when this command reads none. */
    public String environmentVariable(String option) {
        return environmentPrefix == null ? null
                : environmentPrefix + option.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** The option names, in the order they were declared. */
    public List<String> names() {
        return List.copyOf(options.keySet());
    }

    /** {@code --alias} means {@code --name}. */
    public Options alias(String alias, String name) {
        aliases.put(alias, name);
        return this;
    }

    /** {@code --name} is an error that says {@code why} (e.g. a Trainer flag with no meaning here). */
    public Options refuse(String name, String why) {
        refused.put(name, why);
        return this;
    }

    /** Parses {@code --name value}, {@code --name=value}, flags and positionals. */
    public ParsedArgs parse(String command, String[] args) {
        return parse(command, args, System.getenv());
    }

    /** {@link #parse(String, String[])} with {@code environment} for the variables {@link #fromEnvironment} reads. */
    public ParsedArgs parse(String command, String[] args, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> given = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                for (int j = i + 1; j < args.length; j++) {
                    given.add(args[j]);
                }
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                given.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            // Hugging Face's argument parser takes --num_train_epochs as well as --num-train-epochs: so do we.
            name = name.replace('_', '-');
            name = aliases.getOrDefault(name, name);
            if (refused.containsKey(name)) {
                throw new UsageException("--" + name + " is not supported: " + refused.get(name));
            }
            Option option = options.get(name);
            if (option == null) {
                throw new UsageException("unknown option --" + name + " (see summarizer " + command + " --help)");
            }
            if (option.flag()) {
                if (value == null && i + 1 < args.length && (args[i + 1].equalsIgnoreCase("true")
                        || args[i + 1].equalsIgnoreCase("false"))) {
                    value = args[++i];
                }
                if (value == null) {
                    value = "true";
                }
                value = value.toLowerCase(java.util.Locale.ROOT); // True/False, as Python writes them
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException("--" + name + ": expected true or false, got \"" + value + "\"");
                }
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value (" + option.valueName() + ")");
                }
                value = args[++i];
            }
            if (values.containsKey(name)) {
                throw new UsageException("--" + name + " is given twice");
            }
            values.put(name, value);
        }
        if (given.size() > positionals.size()) {
            throw new UsageException("unexpected argument \"" + given.get(positionals.size())
                    + "\" (see summarizer " + command + " --help)");
        }
        for (int i = given.size(); i < positionals.size(); i++) {
            if (positionals.get(i).required()) {
                throw new UsageException("missing " + positionals.get(i).name() + " (see summarizer " + command + " --help)");
            }
        }
        for (Option option : options.values()) {
            String variable = environmentVariable(option.name());
            String fromEnvironment = variable == null ? null : environment.get(variable);
            if (!values.containsKey(option.name()) && fromEnvironment != null && !fromEnvironment.isEmpty()) {
                values.put(option.name(), option.flag() ? fromEnvironment.toLowerCase(java.util.Locale.ROOT) : fromEnvironment);
                labels.put(option.name(), variable + " (--" + option.name() + ")");
            }
            if (!values.containsKey(option.name()) && option.defaultValue() != null) {
                values.put(option.name(), option.defaultValue());
            }
        }
        Map<String, String> positionalValues = new LinkedHashMap<>();
        for (int i = 0; i < given.size(); i++) {
            positionalValues.put(positionals.get(i).name(), given.get(i));
        }
        return new ParsedArgs(values, positionalValues, labels);
    }

    public String help(String command, String summary) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: summarizer ").append(command);
        for (Positional p : positionals) {
            sb.append(p.required() ? " " + p.name() : " [" + p.name() + "]");
        }
        sb.append(" [options]\n\n").append(summary).append("\n");
        if (!positionals.isEmpty()) {
            sb.append("\narguments:\n");
            for (Positional p : positionals) {
                appendEntry(sb, p.name(), p.help());
            }
        }
        sb.append("\noptions:\n");
        for (Option o : options.values()) {
            String left = "--" + o.name() + (o.flag() ? "" : " " + o.valueName());
            String help = o.help() + (o.defaultValue() != null ? " (default: " + o.defaultValue() + ")" : "");
            appendEntry(sb, left, help);
        }
        appendEntry(sb, "--help", "print this help and exit");
        if (!aliases.isEmpty()) {
            sb.append("\nalso accepted: ");
            List<String> names = new ArrayList<>();
            aliases.forEach((alias, name) -> names.add("--" + alias + " (--" + name + ")"));
            sb.append(String.join(", ", names)).append("; snake_case spellings of every option\n");
        }
        if (environmentPrefix != null) {
            sb.append("\nEvery option can also come from the environment: ").append(environmentVariable("max-batch-size"))
                    .append(" for --max-batch-size, and so on (the command line wins).\n");
        }
        for (String note : notes) {
            sb.append("\n").append(note).append("\n");
        }
        return sb.toString();
    }

    private static void appendEntry(StringBuilder sb, String left, String help) {
        sb.append("  ").append(left);
        if (left.length() < 28) {
            sb.append(" ".repeat(28 - left.length()));
        } else {
            sb.append("\n").append(" ".repeat(30));
        }
        sb.append(help).append("\n");
    }
}
