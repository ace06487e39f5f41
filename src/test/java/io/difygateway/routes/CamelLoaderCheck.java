package io.difygateway.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.EndpointRequiredDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads route and Kamelet files with Camel's own YAML loader, then resolves every static endpoint of their routes and
 * templates in a bare CamelContext: what only Camel knows fails here, in the build, with file and line, instead of at
 * the gateway's start (an option the endpoint does not have, as {@code direct:upstream-call?api-version=1}, or as the
 * DSL renames a {@code parameters:} key {@code api-version} to {@code apiVersion}; a step the DSL cannot read).
 * Endpoints that need the running gateway (platform-http) or are Kamelets (checked against their definition by
 * {@link RouteFileValidator}) are left out, as are URIs with expressions or template placeholders.
 */
final class CamelLoaderCheck {

    private CamelLoaderCheck() {
    }

    /** The problems of these files, each starting with {@code file:line:} (or {@code file:} when Camel gives no line). */
    static List<String> check(List<Path> files) {
        List<String> problems = new ArrayList<>();
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.setSourceLocationEnabled(true);
            camel.getPropertiesComponent().setIgnoreMissingLocation(true);
            for (Path file : files) {
                Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
                int routesBefore = model.getRouteDefinitions().size();
                int templatesBefore = model.getRouteTemplateDefinitions().size();
                try {
                    Resource resource = ResourceHelper.resolveMandatoryResource(camel, "file:" + file.toAbsolutePath());
                    PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
                } catch (Exception e) {
                    problems.add(file + ": Camel's YAML loader cannot read it: " + firstLine(e));
                    continue;
                }
                List<RouteDefinition> routes = new ArrayList<>(model.getRouteDefinitions().subList(routesBefore, model.getRouteDefinitions().size()));
                for (RouteTemplateDefinition template : model.getRouteTemplateDefinitions().subList(templatesBefore, model.getRouteTemplateDefinitions().size())) {
                    routes.add(template.getRoute());
                }
                for (RouteDefinition route : routes) {
                    checkEndpoint(camel, file, route.getInput().getEndpointUri(), route.getInput().getLineNumber(), problems);
                    Collection<EndpointRequiredDefinition> calls = ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), EndpointRequiredDefinition.class);
                    for (EndpointRequiredDefinition call : calls) {
                        checkEndpoint(camel, file, call.getEndpointUri(), ((ProcessorDefinition<?>) call).getLineNumber(), problems);
                    }
                }
            }
        } finally {
            camel.stop();
        }
        return problems;
    }

    private static void checkEndpoint(CamelContext camel, Path file, String uri, int line, List<String> problems) {
        if (uri == null || uri.startsWith("platform-http:") || uri.startsWith("kamelet:") || uri.contains("${") || uri.contains("{{")) {
            return;
        }
        try {
            camel.getEndpoint(uri);
        } catch (Exception e) {
            problems.add(file + (line > 0 ? ":" + line : "") + ": Camel cannot make the endpoint " + uri + ": " + firstLine(e));
        }
    }

    private static String firstLine(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
