package dev.summarizer.cli;

import java.nio.file.Path;
import java.util.Map;

/** Parsed option values with typed getters whose errors name the option (or the environment variable it came from). */
public final class ParsedArgs {
    private final Map<String, String> values;
    private final Map<String, String> positionals;
    /** How errors name an option whose value did not come from {@code --name} (an environment variable). */
    private final Map<String, String> labels;

    ParsedArgs(Map<String, String> values, Map<String, String> positionals, Map<String, String> labels) {
        this.values = values;
        this.positionals = positionals;
        this.labels = labels;
    }

    ParsedArgs(Map<String, String> values, Map<String, String> positionals) {
        this(values, positionals, Map.of());
    }

    /** How a message names option {@code name}: {@code --name}, or the variable that gave its value. */
    public String label(String name) {
        return labels.getOrDefault(name, "--" + name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        return values.get(name);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public String positional(String name) {
        return positionals.get(name);
    }

    public Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    public Path requiredPath(String name) {
        return Path.of(required(name));
    }

    public Long longValue(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(label(name) + ": expected an integer, got \"" + v + "\"");
        }
    }

    /** An integer in {@code [min, max]}, or null when absent. */
    public Integer intValue(String name, int min, int max) {
        Long v = longValue(name);
        if (v == null) {
            return null;
        }
        if (v < min || v > max) {
            throw new UsageException(label(name) + ": must be between " + min + " and " + max + ", got " + v);
        }
        return v.intValue();
    }

    /** A finite number in {@code [min, max]}, or null when absent. */
    public Double doubleValue(String name, double min, double max) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(label(name) + ": expected a number, got \"" + v + "\"");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException(label(name) + ": must be between " + min + " and " + max + ", got " + v);
        }
        return d;
    }

    public Boolean bool(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(label(name) + ": expected true or false, got \"" + v + "\"");
        };
    }

    public boolean flag(String name) {
        Boolean b = bool(name);
        return b != null && b;
    }
}
