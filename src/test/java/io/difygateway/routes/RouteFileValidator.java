package io.difygateway.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.difygateway.config.ConfigKeysCheck;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks route and Kamelet files the way the build should: each against the Camel YAML DSL's JSON schema (shipped in
 * the camel-yaml-dsl jar; a Kamelet's template as a route), in the canonical form (no top-level {@code from}, no scalar
 * {@code to}), every route with an id and a description, ids unique, every static {@code direct:} target served by a
 * route, no {@code method} expression or OGNL path, no {@code toD} to a URI built from expressions, backend files
 * calling upstream only through the shared blocks, named after their route and reading only the variable contract.
 * Kamelets as camel-kamelets' own validator checks them (name, documented typed parameters, every parameter used and
 * every placeholder declared), and every Kamelet call against its Kamelet (known parameters, required ones present,
 * enum values, no bare '&', which Camel splits a parameter at). Then every file is loaded by Camel's own YAML loader
 * and every static endpoint of it resolved, which catches what only Camel knows (an endpoint option it does not have,
 * such as {@code direct:upstream-call?api-version=1}). Every problem names the file and line.
 */
final class RouteFileValidator {

    private static final Set<String> SCALAR_FORBIDDEN = Set.of("to", "toD", "wireTap", "enrich", "pollEnrich", "log");
    private static final Pattern DIRECT = Pattern.compile("^direct:([A-Za-z0-9_.-]+)$");
    /** ${variable.a.b}, ${variable.a.m()}, ${header.a.b}, ${body.x}, ${body[0]}: a walk into an object. */
    private static final Pattern OGNL = Pattern.compile("\\$\\{(?:(?:variable|header|exchangeProperty)\\.[A-Za-z0-9_-]+[.(\\[]|body[.\\[])");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
    /** ${variable.name}: a read of a flat variable (names may hold '-': the options' option-<key>). */
    private static final Pattern VARIABLE_READ = Pattern.compile("\\$\\{variable\\.([A-Za-z0-9_-]+)");
    /** A Kamelet template's placeholder {{name}} or {{?name}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9_.-]+)}}");
    private static final Pattern KAMELET_URI = Pattern.compile("^kamelet:([A-Za-z0-9-]+)(?:\\?(.*))?$");
    private static final Set<String> CONTRACT = contract();
    /** An endpoint of Camel's HTTP components: backend files call them only through direct:upstream-call. */
    private static final Pattern HTTP_ENDPOINT = Pattern.compile("^https?:.*");

    private final JsonSchema schema;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> routeIds = new HashMap<>();
    private final Map<String, String> directConsumers = new HashMap<>();
    private final Map<String, String> directTargets = new LinkedHashMap<>();
    private final Map<String, Kamelet> kamelets = new HashMap<>();
    private final List<KameletCall> kameletCalls = new ArrayList<>();

    /** A Kamelet's declared parameters: their definitions by name, and the required ones. */
    private record Kamelet(Map<String, JsonNode> properties, Set<String> required) {
    }

    /** A step that calls a Kamelet, where, with which parameters (from the URI's query and from parameters:). */
    private record KameletCall(String where, String name, Map<String, String> parameters) {
    }

    RouteFileValidator() throws IOException {
        try (InputStream in = RouteFileValidator.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            if (in == null) {
                throw new IllegalStateException("schema/camelYamlDsl.json is not on the classpath (camel-yaml-dsl)");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(new ObjectMapper().readTree(in));
        }
    }

    /** Checks the files; returns the problems, each starting with {@code file:line:}. */
    List<String> validate(List<Path> files) throws IOException {
        for (Path file : files) {
            validate(file);
        }
        directTargets.forEach((target, where) -> {
            if (!directConsumers.containsKey(target)) {
                problems.add(where + ": no route starts from direct:" + target);
            }
        });
        kameletCalls.forEach(this::checkKameletCall);
        problems.addAll(CamelLoaderCheck.check(files));
        return problems;
    }

    /** The backends served: names of routes that start from {@code direct:backend-<name>}. */
    Set<String> backends() {
        Set<String> backends = new TreeSet<>();
        directConsumers.keySet().stream().filter(name -> name.startsWith("backend-")).forEach(name -> backends.add(name.substring(8)));
        return backends;
    }

    private void validate(Path file) throws IOException {
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (RuntimeException e) {
            problems.add(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        if (root == null) {
            problems.add(file + ":1: empty route file");
            return;
        }
        Map<List<Object>, Integer> lines = new HashMap<>();
        JsonNode json = toJson(root, new ArrayList<>(), lines);
        if (file.getFileName().toString().endsWith(".kamelet.yaml")) {
            validateKamelet(file, json, lines);
            return;
        }
        for (ValidationMessage message : schema.validate(json)) {
            List<Object> path = new ArrayList<>();
            for (int i = 0; i < message.getInstanceLocation().getNameCount(); i++) {
                path.add(message.getInstanceLocation().getElement(i));
            }
            problems.add(file + ":" + lineOf(path, lines) + ": does not match the Camel YAML DSL schema: " + message.getMessage());
        }
        if (!json.isArray()) {
            return;
        }
        for (int i = 0; i < json.size(); i++) {
            JsonNode item = json.get(i);
            String at = file + ":" + lines.getOrDefault(List.of(i), 1);
            if (item.has("from")) {
                problems.add(at + ": a top-level 'from' is the deprecated compact form; write '- route:' with id, description and from");
            }
            JsonNode route = item.get("route");
            if (route != null) {
                checkRoute(file, route, List.of(i, "route"), lines);
            }
        }
        checkSteps(file, json, new ArrayList<>(), lines);
        checkBackendFileName(file, json, lines);
        if (isBackendFile(file)) {
            checkVariableContract(file, json, lines);
        }
    }

    /**
     * A Kamelet file, as camel-kamelets' validator checks them: kind Kamelet, named after its file, a title and a
     * description, every parameter with title, description and type, the required ones declared, every parameter used by
     * the template and every placeholder of the template declared (or a template bean); then its template as a route.
     */
    private void validateKamelet(Path file, JsonNode json, Map<List<Object>, Integer> lines) {
        String name = file.getFileName().toString().replaceFirst("\\.kamelet\\.yaml$", "");
        if (!"Kamelet".equals(json.path("kind").asText())) {
            problems.add(file + ":1: a .kamelet.yaml file must be of kind Kamelet");
            return;
        }
        if (!name.equals(json.path("metadata").path("name").asText())) {
            problems.add(file + ":" + lineOf(List.of("metadata", "name"), lines) + ": the Kamelet must be named after its file: " + name);
        }
        JsonNode definition = json.path("spec").path("definition");
        for (String field : List.of("title", "description")) {
            if (definition.path(field).asText("").isBlank()) {
                problems.add(file + ":" + lineOf(List.of("spec", "definition"), lines) + ": the Kamelet has no " + field);
            }
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        definition.path("properties").fields().forEachRemaining(property -> {
            properties.put(property.getKey(), property.getValue());
            for (String field : List.of("title", "description", "type")) {
                if (property.getValue().path(field).asText("").isBlank()) {
                    problems.add(file + ":" + lineOf(List.of("spec", "definition", "properties", property.getKey()), lines)
                            + ": the parameter '" + property.getKey() + "' has no " + field);
                }
            }
        });
        Set<String> required = new TreeSet<>();
        definition.path("required").forEach(item -> required.add(item.asText()));
        required.stream().filter(item -> !properties.containsKey(item)).forEach(item ->
                problems.add(file + ":" + lineOf(List.of("spec", "definition", "required"), lines) + ": the required parameter '" + item + "' is not declared"));
        JsonNode template = json.path("spec").path("template");
        Set<String> beans = new TreeSet<>();
        template.path("beans").forEach(bean -> beans.add(bean.path("name").asText()));
        Set<String> used = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(template.toString());
        while (placeholder.find()) {
            used.add(placeholder.group(1));
        }
        used.stream().filter(item -> !properties.containsKey(item) && !beans.contains(item)).forEach(item ->
                problems.add(file + ":" + lineOf(List.of("spec", "template"), lines) + ": the template uses {{" + item + "}}, which is no parameter"));
        properties.keySet().stream().filter(item -> !used.contains(item)).forEach(item ->
                problems.add(file + ":" + lineOf(List.of("spec", "definition", "properties", item), lines) + ": the parameter '" + item + "' is never used"));
        kamelets.put(name, new Kamelet(properties, required));

        // the template as a route: the same schema and step rules as a route file, lines mapped back
        ArrayNode asRoutes = JsonNodeFactory.instance.arrayNode();
        asRoutes.addObject().putObject("route").put("id", name).set("from", template.path("from"));
        List<Object> base = List.of("spec", "template", "from");
        for (ValidationMessage message : schema.validate(asRoutes)) {
            List<Object> path = new ArrayList<>(base);
            for (int i = 3; i < message.getInstanceLocation().getNameCount(); i++) {
                path.add(message.getInstanceLocation().getElement(i));
            }
            problems.add(file + ":" + lineOf(path, lines) + ": does not match the Camel YAML DSL schema: " + message.getMessage());
        }
        checkSteps(file, template, new ArrayList<>(List.of("spec", "template")), lines);
    }

    /** A Kamelet call names only parameters its Kamelet declares, gives the required ones, and no value Camel would split. */
    private void checkKameletCall(KameletCall call) {
        Kamelet kamelet = kamelets.get(call.name());
        if (kamelet == null) {
            problems.add(call.where() + ": no Kamelet named " + call.name() + " (routes/kamelets/" + call.name() + ".kamelet.yaml)");
            return;
        }
        call.parameters().forEach((name, value) -> {
            JsonNode property = kamelet.properties().get(name);
            if (property == null) {
                String nearest = kamelet.properties().keySet().stream()
                        .min(java.util.Comparator.comparingInt(known -> ConfigKeysCheck.distance(known.toLowerCase(), name.replace("-", "").toLowerCase())))
                        .orElse(null);
                problems.add(call.where() + ": the Kamelet " + call.name() + " has no parameter '" + name + "'"
                        + (nearest == null ? "" : "; did you mean '" + nearest + "'?") + " (it has: " + String.join(", ", kamelet.properties().keySet()) + ")");
                return;
            }
            if (value.contains("&") && !value.startsWith("RAW(")) {
                problems.add(call.where() + ": the value of '" + name + "' holds '&', where Camel splits endpoint parameters: write it as RAW(" + value + ")");
            }
            if (property.has("enum") && !value.contains("{{")) {
                List<String> allowed = new ArrayList<>();
                property.get("enum").forEach(item -> allowed.add(item.asText()));
                if (!allowed.contains(value)) {
                    problems.add(call.where() + ": '" + name + ": " + value + "' is not one of " + String.join(", ", allowed));
                }
            }
        });
        kamelet.required().stream().filter(name -> kamelet.properties().containsKey(name) && !call.parameters().containsKey(name)
                        && !kamelet.properties().get(name).has("default"))
                .forEach(name -> problems.add(call.where() + ": the Kamelet " + call.name() + " needs the parameter '" + name + "'"));
    }

    /**
     * A backend reads only the variables of the contract (the constants of GatewayVariables and BackendSteps, the
     * routes/README table) and those it sets itself: anything else is a typo or a dependency on another route's inside.
     */
    private void checkVariableContract(Path file, JsonNode json, Map<List<Object>, Integer> lines) {
        Set<String> known = new TreeSet<>(CONTRACT);
        Map<String, List<Object>> reads = new LinkedHashMap<>();
        collectVariables(json, new ArrayList<>(), known, reads);
        reads.forEach((name, path) -> {
            if (!known.contains(name) && !name.startsWith(io.difygateway.frontdoor.GatewayVariables.OPTION_PREFIX)) {
                problems.add(file + ":" + lineOf(path, lines) + ": the backend reads the variable '" + name + "', which is neither in the"
                        + " variable contract (GatewayVariables, BackendSteps; routes/README.md) nor set in this file");
            }
        });
    }

    private static void collectVariables(JsonNode node, List<Object> path, Set<String> set, Map<String, List<Object>> reads) {
        if (node.isObject()) {
            if (node.path("setVariable").path("name").isTextual()) {
                set.add(node.path("setVariable").path("name").asText());
            }
            if (node.path("variable").path("expression").isTextual()) {
                reads.putIfAbsent(node.path("variable").path("expression").asText(), childOf(path, "variable"));
            }
            node.fields().forEachRemaining(field -> collectVariables(field.getValue(), childOf(path, field.getKey()), set, reads));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> child = new ArrayList<>(path);
                child.add(i);
                collectVariables(node.get(i), child, set, reads);
            }
        } else if (node.isTextual()) {
            Matcher read = VARIABLE_READ.matcher(node.asText());
            while (read.find()) {
                reads.putIfAbsent(read.group(1), path);
            }
        }
    }

    /** The names of the variable contract: every public String constant of the two classes that define it. */
    private static Set<String> contract() {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : List.of(io.difygateway.frontdoor.GatewayVariables.class, io.difygateway.upstream.BackendSteps.class)) {
            for (java.lang.reflect.Field field : type.getFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    try {
                        names.add((String) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return Set.copyOf(names);
    }

    private void checkRoute(Path file, JsonNode route, List<Object> path, Map<List<Object>, Integer> lines) {
        String at = file + ":" + lineOf(path, lines);
        String id = route.path("id").asText("");
        if (id.isEmpty()) {
            problems.add(at + ": the route has no id");
        } else if (routeIds.putIfAbsent(id, at) != null) {
            problems.add(at + ": route id '" + id + "' is also used at " + routeIds.get(id));
        }
        if (route.path("description").asText("").isBlank()) {
            problems.add(at + ": route '" + id + "' has no description");
        }
        Matcher direct = DIRECT.matcher(route.path("from").path("uri").asText(""));
        if (direct.matches()) {
            directConsumers.put(direct.group(1), at);
        }
    }

    /** Walks every node: scalar shorthand steps, and static direct: targets. */
    private void checkSteps(Path file, JsonNode node, List<Object> path, Map<List<Object>, Integer> lines) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                List<Object> child = childOf(path, field.getKey());
                if (SCALAR_FORBIDDEN.contains(field.getKey()) && field.getValue().isTextual()) {
                    problems.add(file + ":" + lineOf(child, lines) + ": '" + field.getKey() + ": " + field.getValue().asText()
                            + "' is the compact form; write it with uri (and parameters) or message");
                }
                checkNamedSteps(file, field.getKey(), field.getValue(), child, lines);
                if ("toD".equals(field.getKey())) {
                    checkDynamicUpstream(file, field.getValue(), child, lines);
                }
                if ("to".equals(field.getKey())) {
                    checkUpstreamCall(file, field.getValue(), child, lines);
                }
                if (List.of("to", "wireTap", "enrich").contains(field.getKey())) {
                    recordKameletCall(file, field.getValue(), child, lines);
                    Matcher direct = DIRECT.matcher(field.getValue().path("uri").asText(field.getValue().asText("")));
                    if (direct.matches()) {
                        directTargets.putIfAbsent(direct.group(1), file + ":" + lineOf(child, lines));
                    }
                }
                checkSteps(file, field.getValue(), child, lines);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkSteps(file, node.get(i), childOf(path, i), lines);
            }
        }
    }

    private void recordKameletCall(Path file, JsonNode step, List<Object> path, Map<List<Object>, Integer> lines) {
        Matcher kamelet = KAMELET_URI.matcher(step.path("uri").asText(step.asText("")));
        if (!kamelet.matches() || "source".equals(kamelet.group(1)) || "sink".equals(kamelet.group(1))) {
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (kamelet.group(2) != null) {
            for (String pair : kamelet.group(2).split("&")) {
                String[] nameValue = pair.split("=", 2);
                parameters.put(nameValue[0], nameValue.length == 2 ? nameValue[1] : "");
            }
        }
        step.path("parameters").fields().forEachRemaining(parameter -> parameters.put(parameter.getKey(), parameter.getValue().asText()));
        kameletCalls.add(new KameletCall(file + ":" + lineOf(path, lines), kamelet.group(1), parameters));
    }

    /**
     * Route steps call Java by name: no {@code method} expression and no bean call with an argument list (each copies
     * the exchange twice), no OGNL path into an object or the body ({@code ${variable.model.id}}, {@code ${body.data}}).
     */
    private void checkNamedSteps(Path file, String key, JsonNode value, List<Object> path, Map<List<Object>, Integer> lines) {
        String at = file + ":" + lineOf(path, lines);
        if ("method".equals(key) && value.isObject()) {
            problems.add(at + ": a 'method' expression copies the exchange twice per call; call '" + value.path("ref").asText()
                    + "' with a process step (a Processor bean) or a bean step whose parameters bind by annotation");
        } else if ("method".equals(key) && value.asText("").contains("(")) {
            problems.add(at + ": 'method: " + value.asText() + "' passes arguments as expressions; bind them by annotation"
                    + " (@Body, @Header, @Variable) or use a process step");
        } else if (value.isTextual() && OGNL.matcher(value.asText()).find()) {
            problems.add(at + ": '" + value.asText() + "' walks into an object (OGNL, ~4 µs a step); read a flat variable"
                    + " (the table in routes/README.md, \"How a chat completion flows\")");
        }
    }

    /** A toD to anything but a direct route makes an endpoint (HTTP client, pool, evictor thread) per distinct URI. */
    private void checkDynamicUpstream(Path file, JsonNode toD, List<Object> path, Map<List<Object>, Integer> lines) {
        String uri = toD.path("uri").asText(toD.asText(""));
        if (!uri.startsWith("direct:") && EXPRESSION.matcher(uri).find()) {
            problems.add(file + ":" + lineOf(path, lines) + ": toD to '" + uri + "' creates an endpoint (HTTP client, pool, evictor"
                    + " thread) per distinct URI; set upstreamUrl and call direct:upstream-call instead");
        }
    }

    /** A backend calls upstream through the shared block, which keeps one pooled client and applies the timeouts. */
    private void checkUpstreamCall(Path file, JsonNode to, List<Object> path, Map<List<Object>, Integer> lines) {
        String uri = to.path("uri").asText(to.asText(""));
        if (HTTP_ENDPOINT.matcher(uri).matches() && isBackendFile(file)) {
            problems.add(file + ":" + lineOf(path, lines) + ": a backend calls '" + uri + "' directly; call it through kamelet:upstream-stream-action"
                    + " (or set upstreamUrl and call direct:upstream-call): one pooled client, the model's timeouts and auth");
        }
    }

    /** A file of a backend's routes: its chat route (backends/) or another API's route of it (embeddings/, audio/). */
    private static boolean isBackendFile(Path file) {
        return file.getParent() != null && List.of("backends", "embeddings", "audio").contains(file.getParent().getFileName().toString());
    }

    /** A backend file {@code backends/<name>.camel.yaml} is the route {@code direct:backend-<name>}. */
    private void checkBackendFileName(Path file, JsonNode json, Map<List<Object>, Integer> lines) {
        if (file.getParent() == null || !"backends".equals(file.getParent().getFileName().toString())) {
            return;
        }
        String name = file.getFileName().toString().replaceFirst("\\.camel\\.yaml$", "");
        boolean found = false;
        for (JsonNode item : json) {
            found |= ("direct:backend-" + name).equals(item.path("route").path("from").path("uri").asText());
        }
        if (!found) {
            problems.add(file + ":1: a backend file named " + file.getFileName() + " must hold the route from direct:backend-" + name);
        }
    }

    private static List<Object> childOf(List<Object> path, Object key) {
        List<Object> child = new ArrayList<>(path);
        child.add(key);
        return child;
    }

    private static int lineOf(List<Object> path, Map<List<Object>, Integer> lines) {
        for (int length = path.size(); length >= 0; length--) {
            Integer line = lines.get(path.subList(0, length));
            if (line != null) {
                return line;
            }
        }
        return 1;
    }

    private static JsonNode toJson(Node node, List<Object> path, Map<List<Object>, Integer> lines) {
        lines.put(List.copyOf(path), node.getStartMark().getLine() + 1);
        JsonNodeFactory factory = JsonNodeFactory.instance;
        if (node instanceof MappingNode mapping) {
            ObjectNode object = factory.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = ((ScalarNode) tuple.getKeyNode()).getValue();
                path.add(key);
                object.set(key, toJson(tuple.getValueNode(), path, lines));
                path.remove(path.size() - 1);
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = factory.arrayNode();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                path.add(i);
                array.add(toJson(sequence.getValue().get(i), path, lines));
                path.remove(path.size() - 1);
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        if (Tag.BOOL.equals(tag)) {
            return factory.booleanNode(Boolean.parseBoolean(value));
        }
        if (Tag.INT.equals(tag)) {
            return factory.numberNode(Long.parseLong(value.replace("_", "")));
        }
        if (Tag.FLOAT.equals(tag)) {
            return factory.numberNode(Double.parseDouble(value));
        }
        if (Tag.NULL.equals(tag)) {
            return factory.nullNode();
        }
        return factory.textNode(value);
    }
}
