package io.difygateway.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.stereotype.Component;

/**
 * Stops startup on a {@code gateway.*} key that the gateway does not know (a typo such as
 * {@code gateway.models.helpdesk.upstream-modle}), naming the key, where it was set and the nearest valid key.
 * Spring's relaxed forms of a valid key ({@code upstream_model}, {@code upstreamModel}) are valid. Free maps
 * ({@code inputs}) take any key. Environment variables are not checked: unrelated ones may start with GATEWAY_.
 */
@Component
public class ConfigKeysCheck {

    private static final String PREFIX = "gateway";

    public ConfigKeysCheck(ConfigurableEnvironment environment) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            boolean environmentVariables = source.getUnderlyingSource() instanceof PropertySource<?> underlying
                    && StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(underlying.getName());
            if (environmentVariables || !(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().forEach(name -> check(name, source));
        }
    }

    private static void check(ConfigurationPropertyName name, ConfigurationPropertySource source) {
        if (name.getNumberOfElements() < 2 || !PREFIX.equals(name.getElement(0, Form.UNIFORM))) {
            return;
        }
        unknownPart(name).ifPresent(unknown -> {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            String origin = property == null || property.getOrigin() == null ? "" : " (set in " + property.getOrigin() + ")";
            throw new GatewayConfigException("Unknown configuration key '" + name + "'" + origin + ".",
                    unknown.nearest() == null ? "Remove it; the README lists every gateway.* key."
                            : "Did you mean '" + unknown.nearest() + "'? The README lists every gateway.* key.");
        });
    }

    /** A key that names nothing, with the nearest valid key (null when none is close). */
    record Unknown(String nearest) {
    }

    /** Walks a key through the configuration classes; empty when every element names something. */
    static Optional<Unknown> unknownPart(ConfigurationPropertyName name) {
        Type type = GatewayProperties.class;
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            Class<?> raw = raw(type);
            if (Map.class.isAssignableFrom(raw)) {
                type = typeArgument(type, 1); // the element is a map key: anything goes
                if (raw(type) == Object.class) {
                    return Optional.empty(); // a free map such as inputs
                }
                continue;
            }
            if (java.util.Collection.class.isAssignableFrom(raw)) {
                type = typeArgument(type, 0);
                continue;
            }
            Map<String, Type> properties = properties(raw);
            if (properties.isEmpty()) {
                return Optional.of(new Unknown(prefix(name, i))); // a value cannot have keys below it
            }
            String element = name.getElement(i, Form.UNIFORM);
            Type next = null;
            String nearest = null;
            int best = Integer.MAX_VALUE;
            for (Map.Entry<String, Type> property : properties.entrySet()) {
                String dashed = dashed(property.getKey());
                if (dashed.replace("-", "").equals(element)) {
                    next = property.getValue();
                    break;
                }
                int distance = distance(dashed.replace("-", ""), element);
                if (distance < best) {
                    best = distance;
                    nearest = dashed;
                }
            }
            if (next == null) {
                boolean close = best <= Math.max(2, element.length() / 3);
                return Optional.of(new Unknown(close ? prefix(name, i) + "." + nearest : null));
            }
            type = next;
        }
        return Optional.empty();
    }

    private static String prefix(ConfigurationPropertyName name, int elements) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < elements; i++) {
            prefix.append(i == 0 ? "" : ".").append(name.getElement(i, Form.ORIGINAL));
        }
        return prefix.toString();
    }

    /** The bindable properties of a configuration class: its fields (also inherited) or its record components. */
    private static Map<String, Type> properties(Class<?> type) {
        Map<String, Type> properties = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.put(component.getName(), component.getGenericType());
            }
            return properties;
        }
        if (!type.getName().startsWith(GatewayProperties.class.getPackageName())) {
            return properties; // String, Duration, DataSize, numbers: values
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    properties.putIfAbsent(field.getName(), field.getGenericType());
                }
            }
        }
        return properties;
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[index] : Object.class;
    }

    private static String dashed(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Levenshtein distance, for "did you mean" hints (also the route check's, for Kamelet parameters). */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
