package dev.fovea.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line for a command line that does not parse: what is wrong, the nearest correct spelling
 * when there is one, and where the full list is ("fovea train --help"), instead of picocli's
 * whole usage text.
 */
final class UsageErrors {
    private UsageErrors() {}

    static String describe(ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(firstLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = nearest(u);
            if (!suggestions.isEmpty()) line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
        }
        line.append(" (").append(name).append(" --help lists ")
                .append(cmd.getSubcommands().isEmpty() || cmd.getCommandSpec().parent() != null ? "the options" : "the commands").append(')');
        return line.toString();
    }

    /** picocli's suggestions (similar option or command names), at most three, spelled as typed. */
    private static List<String> nearest(UnmatchedArgumentException u) {
        List<String> out = new ArrayList<>();
        for (String s : u.getSuggestions()) {
            if (out.size() == 3) break;
            out.add(s);
        }
        return out;
    }

    /** picocli's message, first line only, starting lower-case as the other errors do. */
    private static String firstLine(String message) {
        String first = message == null ? "invalid command line" : message.strip().lines().findFirst().orElse("invalid command line");
        if (first.length() > 1 && Character.isUpperCase(first.charAt(0)) && !Character.isUpperCase(first.charAt(1))) {
            first = first.substring(0, 1).toLowerCase(Locale.ROOT) + first.substring(1);
        }
        return first;
    }
}
