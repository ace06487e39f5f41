package io.difygateway.dify;

import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;
import static io.difygateway.frontdoor.GatewayVariables.TASK_ANSWERED;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.conversation.ConversationTracker;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.RequestHeaders;
import io.difygateway.observability.GatewayMetrics;
import io.difygateway.upstream.BackendSteps;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of routes/backends/dify-task-answers.camel.yaml: Open WebUI's title and follow-up tasks answered by the
 * chat's Dify conversation ({@code task-answers: dify}), over the variable {@code difyTask} ({@link DifyTaskAnswers.Plan}).
 */
@Configuration(proxyBeanMethods = false)
public class DifyTaskSteps {

    private static final Logger LOG = LoggerFactory.getLogger(DifyTaskSteps.class);

    /** Exchange variable: the {@link DifyTaskAnswers.Plan} of a task Dify is asked to answer. */
    static final String DIFY_TASK = "difyTask";

    /**
     * backgroundTask, chatRequest, headers, endUser, model → difyTask, for a title or follow-up task of a model with
     * {@code task-answers: dify} whose chat has a Dify conversation; else nothing.
     */
    @Bean
    Processor difyPlanTaskAnswer(ModelRegistry registry, ConversationTracker conversations, GatewayProperties properties,
                                 DifyTaskAnswers answers) {
        String taskHeader = properties.getTasks().getHeader();
        return exchange -> {
            if (!DifySteps.backgroundTask(exchange)) {
                return;
            }
            ChatCompletionRequest request = DifySteps.chatRequest(exchange);
            ModelDefinition requested = registry.resolve(request.model());
            if (!"dify".equals(requested.backend()) || !requested.dify().difyTaskAnswers()) {
                return;
            }
            DifyTaskAnswers.Kind kind = answers.kind(request, RequestHeaders.first(exchange.getMessage().getHeaders(), taskHeader));
            if (kind == null) {
                return;
            }
            String conversation = conversations.chatConversation(requested, exchange.getVariable(END_USER, String.class),
                    exchange.getMessage().getHeaders());
            if (conversation != null) {
                exchange.setVariable(DIFY_TASK, new DifyTaskAnswers.Plan(kind, requested, conversation, DifySteps.model(exchange)));
            }
        };
    }

    /** difyTask → model: the chat's Dify app, whose key the calls carry. */
    @Bean
    Processor difyTaskUseApp() {
        return exchange -> exchange.setVariable(MODEL, plan(exchange).app());
    }

    /** difyTask → true for a title task. */
    @Bean
    Predicate difyTaskIsTitle() {
        return exchange -> plan(exchange).kind() == DifyTaskAnswers.Kind.TITLE;
    }

    /** difyTask, endUser → upstreamUrl, body: POST /conversations/{id}/name, named by Dify's own model. */
    @Bean
    Processor difyTitleRequest(ObjectMapper json) {
        return exchange -> {
            DifyTaskAnswers.Plan plan = plan(exchange);
            exchange.getMessage().setBody(json.createObjectNode().put("name", "").put("auto_generate", true)
                    .put("user", exchange.getVariable(END_USER, String.class)).toString());
            exchange.setVariable(BackendSteps.UPSTREAM_URL, plan.app().baseUrl() + "/conversations/" + DifySteps.encode(plan.conversationId()) + "/name");
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, plan.app().socketMillis());
        };
    }

    /**
     * status, body (the renamed conversation, or the suggested questions), difyTask, completion → Dify's answer in the
     * JSON the task asks for, written as the task's answer (taskAnswered); nothing on an error or an empty answer.
     */
    @Bean
    Processor difyTaskAnswer(ObjectMapper json, DifyTaskAnswers answers, GatewayMetrics metrics) {
        return exchange -> {
            JsonNode answer = success(exchange, json);
            answer(exchange, answer == null ? null : answers.answer(plan(exchange).kind(), answer), metrics);
        };
    }

    /** difyTask, endUser → upstreamUrl, upstreamQuery: GET /messages of the conversation, the newest only. */
    @Bean
    Processor difyNewestMessageRequest() {
        return exchange -> get(exchange, "/messages", "conversation_id=" + DifySteps.encode(plan(exchange).conversationId()) + "&limit=1");
    }

    /**
     * status, body (the message list), difyTask, endUser → true with upstreamUrl, upstreamQuery: GET
     * /messages/{id}/suggested of the newest answer; false when Dify lists none.
     */
    @Bean
    Predicate difySuggestionsRequest(ObjectMapper json, DifyTaskAnswers answers) {
        return exchange -> {
            JsonNode messages = success(exchange, json);
            String messageId = messages == null ? null : answers.newestMessageId(messages);
            if (messageId == null) {
                return false;
            }
            get(exchange, "/messages/" + DifySteps.encode(messageId) + "/suggested", null);
            return true;
        };
    }

    /** difyTask, exception → logged; the task model answers as usual. */
    @Bean
    Processor difyTaskFailed() {
        return exchange -> LOG.debug("Dify could not answer the {} task of model {}; the task model answers it", plan(exchange).kind(),
                plan(exchange).app().id(), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** difyTask → model: the task's model again; difyTask removed. */
    @Bean
    Processor difyTaskDone() {
        return exchange -> exchange.setVariable(MODEL, ((DifyTaskAnswers.Plan) exchange.removeVariable(DIFY_TASK)).taskModel());
    }

    /** Sets up a GET of the chat's app at the path, for the end user, with more query parameters (or none). */
    private static void get(Exchange exchange, String path, String query) {
        DifyTaskAnswers.Plan plan = plan(exchange);
        exchange.getMessage().setBody(null);
        exchange.setVariable(BackendSteps.UPSTREAM_URL, plan.app().baseUrl() + path);
        exchange.setVariable(BackendSteps.UPSTREAM_QUERY, "user=" + DifySteps.encode(exchange.getVariable(END_USER, String.class))
                + (query == null ? "" : "&" + query));
        exchange.setVariable(BackendSteps.UPSTREAM_METHOD, "GET");
        exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, plan.app().socketMillis());
    }

    /** Writes Dify's answer into the completion, marks the task answered and counts it; nothing for no answer. */
    private static void answer(Exchange exchange, String text, GatewayMetrics metrics) {
        DifyTaskAnswers.Plan plan = plan(exchange);
        metrics.taskAnsweredByDify(plan.app().id(), plan.kind().name().toLowerCase(java.util.Locale.ROOT), text != null);
        if (text == null) {
            return;
        }
        DifySteps.completion(exchange).accept(List.of(new CompletionEvent.Text(text), new CompletionEvent.Finish("stop")));
        exchange.setVariable(TASK_ANSWERED, true);
    }

    /** The JSON of a 2xx answer, or null for any other status or a body that cannot be read as JSON; the body is closed. */
    private static JsonNode success(Exchange exchange, ObjectMapper json) {
        Integer status = DifySteps.status(exchange);
        try (InputStream body = DifySteps.body(exchange)) {
            return body == null || status == null || status < 200 || status >= 300 ? null : json.readTree(body);
        } catch (IOException e) {
            LOG.debug("Dify's answer to a task call could not be read", e);
            return null;
        }
    }

    private static DifyTaskAnswers.Plan plan(Exchange exchange) {
        return exchange.getVariable(DIFY_TASK, DifyTaskAnswers.Plan.class);
    }
}
