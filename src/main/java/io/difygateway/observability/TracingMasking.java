package io.difygateway.observability;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExchangeFormatter;
import org.apache.camel.spi.Tracer;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Camel's tracer prints every header of every step (with {@code camel.main.tracing=true}) and ignores the log mask:
 * this wraps its formatter so that bearer tokens and secret values are masked there too.
 */
@Component
public class TracingMasking implements CamelContextConfiguration {

    private final SecretMasking masking;

    public TracingMasking(SecretMasking masking) {
        this.masking = masking;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        mask(camel);
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        mask(camel);
    }

    private void mask(CamelContext camel) {
        Tracer tracer = camel.getCamelContextExtension().getContextPlugin(Tracer.class);
        if (tracer == null) {
            tracer = camel.getTracer();
        }
        if (tracer != null && !(tracer.getExchangeFormatter() instanceof Masked)) {
            tracer.setExchangeFormatter(new Masked(tracer.getExchangeFormatter(), masking));
        }
    }

    private record Masked(ExchangeFormatter delegate, SecretMasking masking) implements ExchangeFormatter {
        @Override
        public String format(Exchange exchange) {
            return masking.format(delegate.format(exchange));
        }
    }
}
