package io.difygateway.observability;

import java.util.regex.Pattern;

import org.apache.camel.spi.MaskingFormatter;
import org.springframework.stereotype.Component;

/**
 * Camel's log mask (used by tracing, the log EIP and error-handler exchange dumps once
 * {@code camel.main.log-mask} is on): hides bearer tokens and values of secret-looking keys.
 */
@Component("CamelCustomLogMask")
public class SecretMasking implements MaskingFormatter {

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s,;\"'}\\]]+");
    private static final Pattern SECRET_FIELDS = Pattern.compile(
            "(?i)((?:authorization|api[-_]?key|apikey|password|secret|token|x-openwebui-user-jwt)\\s*[=:]\\s*\"?)([^\\s,;\"'}\\]]+)");

    @Override
    public String format(String source) {
        if (source == null) {
            return null;
        }
        return SECRET_FIELDS.matcher(BEARER.matcher(source).replaceAll("$1******")).replaceAll("$1******");
    }
}
