package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.support.MutableClock;
import io.difygateway.support.TestModels;
import org.junit.jupiter.api.Test;

class DifyAppCatalogTest {

    private static final ModelDefinition MODEL = TestModels.dify("chat").build();

    private final MutableClock clock = new MutableClock();
    private final DifyAppCatalog catalog = new DifyAppCatalog(new ModelRegistry(new GatewayProperties()), new ObjectMapper(), clock);

    @Test
    void readsNameDescriptionFormAndFileSettings() {
        catalog.acceptInfo(MODEL, 200, "{\"name\": \"Helpdesk\", \"description\": \"IT help\", \"mode\": \"chat\"}");
        catalog.acceptParameters(MODEL, 200, """
                {"user_input_form": [{"text-input": {"label": "City", "variable": "city", "required": true, "default": ""}}],
                 "file_upload": {"enabled": true, "allowed_file_types": ["document"], "number_limits": 5,
                                 "allowed_file_upload_methods": ["local_file"]}}""");
        DifyAppMetadata app = catalog.metadata(MODEL);
        assertThat(app.name()).isEqualTo("Helpdesk");
        assertThat(app.description()).isEqualTo("IT help");
        assertThat(app.inputForm()).containsExactly(new DifyAppMetadata.InputField("city", "City", "text-input", true, null));
        assertThat(app.files()).isEqualTo(new DifyAppMetadata.FileUploadSettings(false, true, 5, false, true));
        assertThat(catalog.needsRead(MODEL)).isFalse();
    }

    @Test
    void readsTheOlderImageOnlyFileSettings() {
        catalog.acceptParameters(MODEL, 200, """
                {"user_input_form": [], "file_upload": {"image": {"enabled": true, "number_limits": 3, "transfer_methods": ["remote_url"]}}}""");
        assertThat(catalog.metadata(MODEL).files()).isEqualTo(new DifyAppMetadata.FileUploadSettings(true, false, 3, true, false));
    }

    @Test
    void aFailedReadIsRetriedByRequestsOnlyAfterAPause() {
        assertThat(catalog.needsRead(MODEL)).isTrue();
        catalog.reading(MODEL);
        catalog.acceptParameters(MODEL, 503, "<html>");
        assertThat(catalog.lastFailure(MODEL)).hasValue("GET /parameters answered HTTP 503");
        assertThat(catalog.needsRead(MODEL)).isFalse();
        clock.advance(DifyAppCatalog.RETRY_AFTER_FAILURE.plusSeconds(1));
        assertThat(catalog.needsRead(MODEL)).isTrue();
        assertThat(catalog.metadata(MODEL).inputForm()).isNull();
    }

    @Test
    void aReadInProgressElsewhereDoesNotLetARequestGoOnWithoutTheApp() {
        catalog.reading(MODEL); // the background refresh has started reading, nothing is known yet
        assertThat(catalog.needsRead(MODEL)).as("the request reads the app itself").isTrue();
    }
}
