package io.difygateway.dify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.stereotype.Component;

/**
 * Translates the images and files of the last user message into Dify {@code files}: http(s) URLs are passed as
 * {@code remote_url}; data URIs (what Open WebUI sends) and OpenAI {@code file} parts are uploaded first with
 * {@code POST /files/upload} and passed as {@code local_file}. Checks them against the app's file-upload
 * settings, so that the client gets a clear 400 instead of a Dify failure.
 */
@Component("difyFiles")
public class DifyFileUploads {

    private final DifyAppCatalog catalog;
    private final ObjectMapper json;

    public DifyFileUploads(DifyAppCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** One file to upload, with what Dify will be told about it once uploaded. */
    public record PendingUpload(String filename, String mimeType, byte[] content, String difyType) {
        @Override
        public String toString() {
            return "PendingUpload[" + filename + ", " + mimeType + ", " + content.length + " bytes]";
        }
    }

    /** The files of one request: those to upload, and the Dify file objects collected so far. */
    public static final class Plan {
        private final List<PendingUpload> pendingUploads;
        private final List<Map<String, Object>> difyFiles;

        Plan(List<PendingUpload> pendingUploads, List<Map<String, Object>> difyFiles) {
            this.pendingUploads = pendingUploads;
            this.difyFiles = difyFiles;
        }

        public List<PendingUpload> getPendingUploads() {
            return pendingUploads;
        }

        /** The {@code files} of the Dify request: remote URLs, then each upload as it succeeded. */
        public List<Map<String, Object>> getDifyFiles() {
            return difyFiles;
        }
    }

    /** What to do with the last user message's attachments; a 400 when the app cannot take them. */
    public Plan plan(ChatCompletionRequest request, ModelDefinition model) {
        List<ChatMessage.Attachment> attachments = request.messages().get(request.lastUserIndex()).attachments();
        List<PendingUpload> uploads = new ArrayList<>();
        List<Map<String, Object>> files = new ArrayList<>();
        DifyAppMetadata app = catalog.metadata(model);
        // an app with file inputs takes the attachments there, whatever its upload feature says: Dify checks each input
        DifyAppMetadata.FileUploadSettings allowed = app.fileInputs(model.dify().inputs().keySet()).isEmpty() ? app.files() : null;
        if (allowed != null && allowed.limit() > 0 && attachments.size() > allowed.limit()) {
            throw reject(model, "accepts at most " + allowed.limit() + " files per message, this one has " + attachments.size());
        }
        int number = 1;
        for (ChatMessage.Attachment attachment : attachments) {
            if (attachment.url().startsWith("data:")) {
                PendingUpload upload = decode(attachment, number++);
                check(model, allowed, upload.difyType(), false);
                uploads.add(upload);
            } else if (attachment.url().startsWith("http://") || attachment.url().startsWith("https://")) {
                String type = attachment.image() ? "image" : "document";
                check(model, allowed, type, true);
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("type", type);
                file.put("transfer_method", "remote_url");
                file.put("url", attachment.url());
                files.add(file);
            } else {
                throw OpenAiException.invalidRequest("messages",
                        "An image or file must be an http(s) URL or a data: URI; got '" + DifyEventMapper.shorten(attachment.url(), 40) + "'.");
            }
        }
        return new Plan(uploads, files);
    }

    /** The multipart body of {@code POST /files/upload}: the file, and the user it belongs to. */
    public HttpEntity multipart(PendingUpload upload, String user) {
        return MultipartEntityBuilder.create()
                .setCharset(StandardCharsets.UTF_8)
                .addBinaryBody("file", upload.content(), ContentType.create(upload.mimeType()), upload.filename())
                .addTextBody("user", user, ContentType.TEXT_PLAIN.withCharset("UTF-8"))
                .build();
    }

    /** Takes Dify's answer to an upload: the file joins the plan's Dify files, or the client gets a clear error. */
    public void uploaded(Plan plan, PendingUpload upload, int status, String body, String model) {
        JsonNode answer = null;
        try {
            answer = json.readTree(body == null ? "" : body);
        } catch (IOException notJson) {
            // handled below
        }
        String message = answer == null ? "" : answer.path("message").asText("");
        String reason = message.isEmpty() ? "HTTP " + status : message;
        if (status >= 200 && status < 300 && answer != null && answer.path("id").isTextual()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("type", upload.difyType());
            file.put("transfer_method", "local_file");
            file.put("upload_file_id", answer.get("id").asText());
            plan.difyFiles.add(file);
            return;
        }
        if (status == 413) {
            throw new OpenAiException(413, "invalid_request_error", "file_too_large", "messages",
                    "The file '" + upload.filename() + "' is too large for the Dify app behind model '" + model + "'.");
        }
        if (status == 415 || status == 400) {
            throw OpenAiException.invalidRequest("messages", "The Dify app behind model '" + model + "' did not accept the file '"
                    + upload.filename() + "' (" + upload.mimeType() + "): " + reason);
        }
        throw new OpenAiException(502, "server_error", "upload_failed", null,
                "Uploading '" + upload.filename() + "' to the Dify app behind model '" + model + "' failed: " + reason);
    }

    private static PendingUpload decode(ChatMessage.Attachment attachment, int number) {
        String uri = attachment.url();
        int comma = uri.indexOf(',');
        String header = comma < 0 ? "" : uri.substring(5, comma);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw OpenAiException.invalidRequest("messages", "A data: URI must be base64-encoded (data:<type>;base64,...).");
        }
        String mime = header.substring(0, header.length() - ";base64".length()).toLowerCase(Locale.ROOT);
        if (mime.isEmpty()) {
            mime = "application/octet-stream";
        }
        byte[] content;
        try {
            content = Base64.getMimeDecoder().decode(uri.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalidRequest("messages", "A data: URI holds invalid base64.");
        }
        String difyType = difyType(mime, attachment.image());
        String filename = attachment.filename() != null && !attachment.filename().isBlank()
                ? attachment.filename().replaceAll("[/\\\\]", "_")
                : (attachment.image() ? "image-" : "file-") + number + extension(mime);
        return new PendingUpload(filename, mime, content, difyType);
    }

    private static String difyType(String mime, boolean image) {
        if (image || mime.startsWith("image/")) {
            return "image";
        }
        if (mime.startsWith("audio/")) {
            return "audio";
        }
        if (mime.startsWith("video/")) {
            return "video";
        }
        return "document";
    }

    private static String extension(String mime) {
        int slash = mime.indexOf('/');
        String subtype = slash < 0 ? "" : mime.substring(slash + 1).replaceAll("[^a-z0-9]", "");
        return switch (subtype) {
            case "jpeg" -> ".jpg";
            case "plain" -> ".txt";
            case "" -> "";
            default -> subtype.length() <= 5 ? "." + subtype : "";
        };
    }

    private static void check(ModelDefinition model, DifyAppMetadata.FileUploadSettings allowed, String type, boolean remote) {
        if (allowed == null) {
            return; // not known: Dify decides
        }
        if ("image".equals(type) ? !allowed.images() : !allowed.documents()) {
            throw reject(model, "does not accept " + ("image".equals(type) ? "images" : type + " files")
                    + " (enable file upload for it in the Dify app)");
        }
        if (remote && !allowed.remoteUrls()) {
            throw reject(model, "does not accept files by URL: send the file itself as a data: URI");
        }
        if (!remote && !allowed.uploads()) {
            throw reject(model, "accepts files only by URL, not uploaded");
        }
    }

    private static OpenAiException reject(ModelDefinition model, String what) {
        return new OpenAiException(400, "invalid_request_error", "unsupported_file", "messages",
                "The Dify app behind model '" + model.id() + "' " + what + ".");
    }
}
