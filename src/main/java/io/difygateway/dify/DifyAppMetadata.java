package io.difygateway.dify;

import java.util.List;

/**
 * What a Dify app says about itself through {@code GET /info} and {@code GET /parameters}.
 *
 * @param name        the app's name, or null when not (yet) known
 * @param description the app's description, or null
 * @param inputForm   the app's input variables in form order, or null when {@code /parameters} was not read
 * @param files       which files the app accepts, or null when {@code /parameters} was not read
 */
public record DifyAppMetadata(String name, String description, List<InputField> inputForm, FileUploadSettings files, AudioSettings audio,
                              String mode) {

    static final DifyAppMetadata UNKNOWN = new DifyAppMetadata(null, null, null, null, null, null);

    /**
     * The app's voice features ({@code /parameters}): speech to text, text to speech and its default voice (null: none).
     */
    public record AudioSettings(boolean speechToText, boolean textToSpeech, String voice) {
    }

    /** One input variable of the app's form ({@code text-input}, {@code paragraph}, {@code select}, ...). */
    public record InputField(String variable, String label, String type, boolean required, Object defaultValue, Integer maxLength) {

        public InputField(String variable, String label, String type, boolean required, Object defaultValue) {
            this(variable, label, type, required, defaultValue, null);
        }

        /** Text variables can receive the user's message. */
        public boolean isText() {
            return "text-input".equals(type) || "paragraph".equals(type);
        }

        /** File variables ({@code file}: one, {@code file-list}: up to {@code maxLength}) can receive the message's attachments. */
        public boolean isFile() {
            return "file".equals(type) || "file-list".equals(type);
        }
    }

    /** The file variables of the input form that configuration does not fix, in form order; none when the form is unknown. */
    public List<InputField> fileInputs(java.util.Set<String> configured) {
        return inputForm == null ? List.of() : inputForm.stream().filter(field -> field.isFile() && !configured.contains(field.variable())).toList();
    }

    /**
     * The app's file-upload feature.
     *
     * @param images          images may be attached
     * @param documents       documents may be attached
     * @param limit           most files per request (0 when none allowed)
     * @param remoteUrls      files may be passed by URL
     * @param uploads         files may be uploaded first ({@code local_file})
     */
    public record FileUploadSettings(boolean images, boolean documents, int limit, boolean remoteUrls, boolean uploads) {
    }

    DifyAppMetadata withInfo(String name, String description, String mode) {
        return new DifyAppMetadata(name, description, inputForm, files, audio, mode);
    }

    DifyAppMetadata withParameters(List<InputField> inputForm, FileUploadSettings files, AudioSettings audio) {
        return new DifyAppMetadata(name, description, inputForm, files, audio, mode);
    }

    /** The app's /site title and description over /info's name and description, where the site sets them. */
    DifyAppMetadata withSite(String title, String siteDescription) {
        return new DifyAppMetadata(title != null ? title : name, siteDescription != null ? siteDescription : description, inputForm, files, audio, mode);
    }
}
