package io.difygateway.upstream;

import java.util.Locale;
import java.util.Map;

/**
 * Translates an audio file's name into the content type to upload it with. Open WebUI sends its recordings with no
 * part content type, and Dify checks the part's type ({@code audio/<extension>}) and refuses {@code audio/mpeg}: MP3
 * under any of its names goes as {@code audio/mp3}.
 */
public final class AudioTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(Map.entry("mp3", "audio/mp3"), Map.entry("mpeg", "audio/mp3"),
            Map.entry("mpga", "audio/mp3"), Map.entry("m4a", "audio/m4a"), Map.entry("mp4", "audio/mp4"), Map.entry("wav", "audio/wav"),
            Map.entry("webm", "audio/webm"), Map.entry("amr", "audio/amr"), Map.entry("ogg", "audio/ogg"), Map.entry("oga", "audio/ogg"),
            Map.entry("flac", "audio/flac"));

    private AudioTypes() {
    }

    /** The content type for a file name's extension; {@code audio/mp3} for a name without a known one. */
    public static String of(String filename) {
        int dot = filename == null ? -1 : filename.lastIndexOf('.');
        String extension = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(extension, "audio/mp3");
    }
}
