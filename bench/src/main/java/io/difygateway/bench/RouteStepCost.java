package io.difygateway.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;

/**
 * What one route step that calls a bean costs, by the form it is written in: the {@code method} language (in a
 * {@code setVariable} or {@code transform}), a {@code bean} step, a {@code to: bean:} with {@code variableReceive},
 * against a {@code simple} expression; and what calling a building block costs: a {@code direct:} sub-route, and a
 * Kamelet (which Camel runs on a copy of the exchange), each of one trivial step. One JVM, no sockets; each exchange carries 12 headers and 15 variables,
 * like a chat completion in the gateway. Run with {@code ./mvnw -Pbench verify -Dbench.main=io.difygateway.bench.RouteStepCost}.
 */
public final class RouteStepCost {

    private static final int STEPS = 10;
    private static final int EXCHANGES = 100_000;

    /** The bean the steps call: two arguments from variables, a result. */
    public static final class Mapper {
        public String map(String text, Integer number) {
            return text + number;
        }
    }

    private RouteStepCost() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("no step (exchange and route only)", "direct:none");
        forms.put("setVariable with a simple expression", "direct:simple");
        forms.put("setVariable with a method expression", "direct:method-variable");
        forms.put("transform with a method expression", "direct:method-transform");
        forms.put("to bean: with variableReceive", "direct:to-bean");
        forms.put("bean step", "direct:bean");
        forms.put("to direct: (a sub-route of one step)", "direct:to-direct");
        forms.put("to kamelet: (a Kamelet of one step)", "direct:to-kamelet");
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("mapper", new Mapper());
            camel.addRoutes(routes());
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            Map<String, Double> micros = new LinkedHashMap<>();
            for (int round = 0; round < 3; round++) {
                for (Map.Entry<String, String> form : forms.entrySet()) {
                    micros.put(form.getKey(), microsPerExchange(camel, template, form.getValue()));
                }
            }
            double base = micros.values().iterator().next();
            System.out.println("| step form | µs per exchange (" + STEPS + " steps) | µs per step |");
            System.out.println("|---|---|---|");
            micros.forEach((form, value) -> System.out.println("| " + form + " | " + String.format(Locale.ROOT, "%.2f", value)
                    + " | " + String.format(Locale.ROOT, "%.2f", (value - base) / STEPS) + " |"));
        }
    }

    private static RouteBuilder routes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:none").log(LoggingLevel.TRACE, "none");
                from("direct:sub").setVariable("result", simple("${variable.v1}"));
                routeTemplate("noop-action").from("kamelet:source").setVariable("result", simple("${variable.v1}"));
                RouteDefinition toDirect = from("direct:to-direct");
                RouteDefinition toKamelet = from("direct:to-kamelet");
                RouteDefinition simple = from("direct:simple");
                RouteDefinition methodVariable = from("direct:method-variable");
                RouteDefinition methodTransform = from("direct:method-transform");
                RouteDefinition toBean = from("direct:to-bean");
                RouteDefinition bean = from("direct:bean");
                String call = "map(${variable.v1}, ${variable.v2})";
                for (int i = 0; i < STEPS; i++) {
                    simple.setVariable("result" + i, simple("${variable.v1}"));
                    methodVariable.setVariable("result" + i, method("mapper", call));
                    methodTransform.transform(method("mapper", call));
                    toBean.toV("bean:mapper?method=" + call, null, "result" + i);
                    bean.bean("mapper", call);
                    toDirect.to("direct:sub");
                    toKamelet.to("kamelet:noop-action");
                }
            }
        };
    }

    private static double microsPerExchange(CamelContext camel, ProducerTemplate template, String endpoint) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < EXCHANGES; i++) {
            Exchange exchange = new DefaultExchange(camel, ExchangePattern.InOut);
            for (int header = 0; header < 12; header++) {
                exchange.getIn().setHeader("Header-" + header, "value " + header);
            }
            for (int variable = 0; variable < 15; variable++) {
                exchange.setVariable("v" + variable, variable == 1 ? "text" : Integer.valueOf(variable));
            }
            exchange.getIn().setBody("body");
            template.send(endpoint, exchange);
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
        }
        return (System.nanoTime() - start) / 1000.0 / EXCHANGES;
    }
}
