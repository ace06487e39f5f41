package io.difygateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * OpenAI's own OpenAPI document (src/test/resources/openai/openapi.yaml.gz: github.com/openai/openai-openapi at
 * f85dbe22, 2026-08-21) as JSON Schemas: {@link #problems} validates a body or an event against one of its component
 * schemas. The document still marks nullable fields with the OpenAPI 3.0 keyword {@code nullable: true}, which JSON
 * Schema ignores; it is turned into a {@code null} alternative first, or OpenAI's own nulls would fail.
 */
public final class OpenAiSchemas {

    private static final JsonNode COMPONENTS = load();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private OpenAiSchemas() {
    }

    /** The ways a JSON value breaks the named schema ({@code Response}, {@code ResponseStreamEvent}, ...); empty when it fits. */
    public static Set<String> problems(String schema, JsonNode value) {
        return SCHEMAS.computeIfAbsent(schema, OpenAiSchemas::compile).validate(value).stream()
                .map(ValidationMessage::getMessage).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static JsonSchema compile(String name) {
        if (!COMPONENTS.path("schemas").has(name)) {
            throw new IllegalArgumentException("OpenAI's OpenAPI document has no schema " + name);
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema")
                .put("$ref", "#/components/schemas/" + name);
        root.set("components", COMPONENTS);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
    }

    private static JsonNode load() {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("src/test/resources/openai/openapi.yaml.gz")))) {
            JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(in);
            JsonNode components = document.get("components");
            nullable(components);
            return components;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code nullable: true} → {@code type: [T, "null"]}, or an {@code anyOf} with null where there is no type. */
    private static void nullable(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.path("nullable").asBoolean(false)) {
                object.remove("nullable");
                JsonNode type = object.get("type");
                if (type != null && type.isTextual()) {
                    ArrayNode types = object.putArray("type");
                    types.add(type.asText()).add("null");
                } else if (type == null) {
                    ObjectNode copy = object.deepCopy();
                    object.removeAll();
                    object.putArray("anyOf").add(copy).addObject().put("type", "null");
                }
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                nullable(children.next());
            }
        } else if (node.isArray()) {
            node.forEach(OpenAiSchemas::nullable);
        }
    }
}
