package io.difygateway.completion;

import org.apache.camel.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Named route conditions about the completion in the exchange variable {@code completion}. */
@Configuration(proxyBeanMethods = false)
public class CompletionSteps {

    /** completion → true when the client left or a deadline passed: the backend should be asked to stop. */
    @Bean
    Predicate completionAbandoned() {
        return exchange -> {
            ChatCompletion completion = exchange.getVariable("completion", ChatCompletion.class);
            return completion != null && completion.isAbandoned();
        };
    }
}
