package io.difygateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.difygateway.errors.OpenAiException;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    private static ModelProperties dify(String baseUrl, String apiKey, String appType) {
        ModelProperties model = new ModelProperties();
        model.setBaseUrl(baseUrl);
        model.setApiKey(apiKey);
        model.setAppType(appType);
        return model;
    }

    private static GatewayProperties with(String id, ModelProperties model) {
        GatewayProperties properties = new GatewayProperties();
        properties.getModels().put(id, model);
        return properties;
    }

    @Test
    void resolvesAConfiguredModelAndNormalisesItsBaseUrl() {
        ModelRegistry registry = new ModelRegistry(with("helpdesk", dify("http://dify.internal/v1/", "app-secret", "agent-chat")));
        ModelDefinition model = registry.resolve("helpdesk");
        assertThat(model.baseUrl()).isEqualTo("http://dify.internal/v1");
        assertThat(model.dify().appType()).isEqualTo("agent-chat");
        assertThat(model.displayName()).as("no display-name: the app's own name is used").isNull();
        assertThat(model.toString()).doesNotContain("app-secret");
        assertThat(registry.isDemoEnabled()).isFalse();
    }

    @Test
    void appTypeDefaultsToChat() {
        assertThat(new ModelRegistry(with("m", dify("https://api.dify.ai/v1", "k", null))).resolve("m").dify().appType()).isEqualTo("chat");
    }

    @Test
    void unknownModelIsA404() {
        ModelRegistry registry = new ModelRegistry(with("m", dify("https://api.dify.ai/v1", "k", "chat")));
        assertThatThrownBy(() -> registry.resolve("other")).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("model_not_found");
        });
    }

    @Test
    void missingBaseUrlNamesTheKey() {
        assertThatThrownBy(() -> new ModelRegistry(with("helpdesk", dify(null, "k", "chat"))))
                .isInstanceOf(GatewayConfigException.class).hasMessageContaining("gateway.models.helpdesk.base-url is missing");
    }

    @Test
    void aBaseUrlThatIsNotHttpNamesTheKey() {
        assertThatThrownBy(() -> new ModelRegistry(with("helpdesk", dify("dify.internal/v1", "k", "chat"))))
                .isInstanceOf(GatewayConfigException.class).hasMessageContaining("gateway.models.helpdesk.base-url");
    }

    @Test
    void missingApiKeyNamesTheKey() {
        assertThatThrownBy(() -> new ModelRegistry(with("helpdesk", dify("http://d/v1", " ", "chat"))))
                .isInstanceOf(GatewayConfigException.class).hasMessageContaining("gateway.models.helpdesk.api-key is missing");
    }

    @Test
    void taskAnswersAreTheModelsUnlessDifyIsNamedAndNothingElseIsAccepted() {
        assertThat(new ModelRegistry(with("m", dify("http://d/v1", "k", "chat"))).resolve("m").dify().difyTaskAnswers()).isFalse();
        ModelProperties fromDify = dify("http://d/v1", "k", "chat");
        fromDify.setTaskAnswers("dify");
        assertThat(new ModelRegistry(with("m", fromDify)).resolve("m").dify().difyTaskAnswers()).isTrue();
        ModelProperties wrong = dify("http://d/v1", "k", "chat");
        wrong.setTaskAnswers("suggested");
        assertThatThrownBy(() -> new ModelRegistry(with("helpdesk", wrong))).isInstanceOfSatisfying(GatewayConfigException.class, e -> {
            assertThat(e.getMessage()).contains("gateway.models.helpdesk.task-answers 'suggested'");
            assertThat(e.action()).contains("model or dify");
        });
    }

    @Test
    void unknownAppTypeNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> new ModelRegistry(with("helpdesk", dify("http://d/v1", "k", "chatbot"))))
                .isInstanceOfSatisfying(GatewayConfigException.class, e -> {
                    assertThat(e.getMessage()).contains("gateway.models.helpdesk.app-type 'chatbot'");
                    assertThat(e.action()).contains("advanced-chat, agent, agent-chat, chat");
                });
    }

    @Test
    void invalidBackendAndModelIdsAreRejected() {
        ModelProperties model = dify("http://d/v1", "k", "chat");
        model.setBackend("Dify Backend");
        assertThatThrownBy(() -> new ModelRegistry(with("m", model))).hasMessageContaining("gateway.models.m.backend");
        assertThatThrownBy(() -> new ModelRegistry(with("a/b", dify("http://d/v1", "k", "chat"))))
                .hasMessageContaining("may only contain");
    }

    @Test
    void theEnvironmentModelIsAddedWhenItsBaseUrlIsSet() {
        GatewayProperties properties = new GatewayProperties();
        properties.getEnvModel().setBaseUrl("https://api.dify.ai/v1");
        properties.getEnvModel().setApiKey("app-env");
        properties.getEnvModel().setId("support");
        properties.getEnvModel().setAppType("advanced-chat");
        ModelRegistry registry = new ModelRegistry(properties);
        assertThat(registry.resolve("support").dify().appType()).isEqualTo("advanced-chat");
        assertThat(registry.isDemoEnabled()).isFalse();
    }

    @Test
    void theEnvironmentModelWithoutKeyStopsStartup() {
        GatewayProperties properties = new GatewayProperties();
        properties.getEnvModel().setBaseUrl("https://api.dify.ai/v1");
        assertThatThrownBy(() -> new ModelRegistry(properties)).hasMessageContaining("gateway.env-model.api-key");
    }

    @Test
    void theDemoIsOnWithoutModelsAndOffWithModels() {
        assertThat(new ModelRegistry(new GatewayProperties()).isDemoEnabled()).isTrue();
        GatewayProperties forced = with("m", dify("http://d/v1", "k", "chat"));
        forced.getDemo().setEnabled("true");
        assertThat(new ModelRegistry(forced).isDemoEnabled()).isTrue();
        GatewayProperties off = new GatewayProperties();
        off.getDemo().setEnabled("false");
        assertThat(new ModelRegistry(off).isDemoEnabled()).isFalse();
        GatewayProperties bad = new GatewayProperties();
        bad.getDemo().setEnabled("yes");
        assertThatThrownBy(() -> new ModelRegistry(bad)).hasMessageContaining("gateway.demo.enabled");
    }
}
