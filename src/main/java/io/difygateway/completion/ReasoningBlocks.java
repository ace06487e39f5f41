package io.difygateway.completion;

import java.util.regex.Pattern;

/** Removes the reasoning that clients resend inside assistant turns ({@code <think>} and Open WebUI's details blocks). */
public final class ReasoningBlocks {

    private static final Pattern BLOCKS = Pattern.compile(
            "<(think|thinking|reasoning)>.*?</\\1>|<details type=\"reasoning\"[^>]*>.*?</details>", Pattern.DOTALL);

    private ReasoningBlocks() {
    }

    /** The text without reasoning blocks, trimmed. */
    public static String strip(String text) {
        // every block starts with '<': most texts have none, and the regular expression costs more than the search
        return (text.indexOf('<') < 0 ? text : BLOCKS.matcher(text).replaceAll("")).strip();
    }
}
