package dev.summarizer.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    @Test
    void flagsComeFirstThenTheEnvironmentThenThePublicServers() {
        HubSettings defaults = HubSettings.of(null, null, Map.of());
        assertEquals(URI.create("https://huggingface.co"), defaults.endpoint());
        assertEquals(URI.create("https://datasets-server.huggingface.co"), defaults.datasetsServer());
        assertNull(defaults.token());

        Map<String, String> env = Map.of("HF_ENDPOINT", "https://mirror.example/hf/", "HF_DATASETS_SERVER",
                "http://viewer.example", "HF_TOKEN", " hf_abc\n");
        HubSettings fromEnv = HubSettings.of(null, null, env);
        assertEquals(URI.create("https://mirror.example/hf"), fromEnv.endpoint());
        assertEquals(URI.create("http://viewer.example"), fromEnv.datasetsServer());
        assertEquals("hf_abc", fromEnv.token());

        HubSettings fromFlags = HubSettings.of("http://127.0.0.1:8080", "http://127.0.0.1:8081", env);
        assertEquals(URI.create("http://127.0.0.1:8080"), fromFlags.endpoint());
        assertEquals(URI.create("http://127.0.0.1:8081"), fromFlags.datasetsServer());

        assertNull(HubSettings.of(null, null, Map.of("HF_TOKEN", "  ")).token());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HubSettings.of("huggingface.co", null, Map.of()));
        assertEquals("--endpoint: expected an http(s) URL such as https://huggingface.co, got \"huggingface.co\"", bad.getMessage());
    }

    @Test
    void urlsFollowTheHubsLayout() {
        URI hub = URI.create("https://huggingface.co");
        assertEquals(URI.create("https://huggingface.co/api/models/google-t5/t5-small"), HubUrls.modelApi(hub, "google-t5/t5-small", "main"));
        assertEquals(URI.create("https://huggingface.co/api/models/t5-small/revision/refs%2Fpr%2F1"),
                HubUrls.modelApi(hub, "t5-small", "refs/pr/1"));
        assertEquals(URI.create("https://huggingface.co/acme/m/resolve/v1.0/sub%20dir/model%2B1.safetensors"),
                HubUrls.resolve(hub, "acme/m", "v1.0", "sub dir/model+1.safetensors"));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("dataset", "Samsung/samsum");
        query.put("config", "3.0.0 plus");
        assertEquals(URI.create("https://datasets-server.huggingface.co/rows?dataset=Samsung%2Fsamsum&config=3.0.0+plus"),
                HubUrls.datasetsServer(URI.create("https://datasets-server.huggingface.co"), "rows", query));
        assertTrue(HubUrls.isRepoId("google/flan-t5-small") && HubUrls.isRepoId("t5-small"));
        for (String notOne : new String[] {"./t5", "/abs/path", "a/b/c", "a--b", "a/..", "my model", ""}) {
            assertFalse(HubUrls.isRepoId(notOne), notOne);
        }
    }
}
