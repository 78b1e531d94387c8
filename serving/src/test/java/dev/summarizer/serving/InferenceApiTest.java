package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.Summary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face Inference API's summarization task on {@code POST /} and {@code POST /models/{name}}, as raw JSON:
 * the body {@code huggingface_hub.InferenceClient} and code written for the hosted API send, answers
 * {@code [{"summary_text"}]} equal to what the model gives each text alone, and errors as {@code {"error": "..."}}.
 */
class InferenceApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIALOGUE = "Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.";
    private static final String OTHER = "Carl: Is the report done?\nDana: Tomorrow morning, I promise.";

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        ServerTest.startIn(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        ServerTest.stop();
    }

    private static Summary alone(String text, DecodingSettings decoding) throws Exception {
        GenerationSettings d = ServerTest.summarizer.defaults();
        return ServerTest.summarizer.summarize(List.of(text), new GenerationSettings(d.source().withMaxSourceLength(512), decoding))
                .get(0);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return ServerTest.post(ServerTest.server, path, body);
    }

    private static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(1, body.size(), r.body());
        assertEquals(message, body.get("error").asText(), r.body());
    }

    @Test
    void oneTextOnTheRootAndSeveralOnAModelPath() throws Exception {
        DecodingSettings greedy = new DecodingSettings(7, 0, 1, 1.0, EarlyStopping.FALSE, 0);
        HttpResponse<String> one = post("/", "{\"inputs\": " + JSON.writeValueAsString(DIALOGUE)
                + ", \"parameters\": {\"max_new_tokens\": 7, \"num_beams\": 1}}");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("[{\"summary_text\":" + JSON.writeValueAsString(alone(DIALOGUE, greedy).text()) + "}]", one.body());

        DecodingSettings beams = new DecodingSettings(6, 2, 3, 0.8, EarlyStopping.TRUE, 2);
        String body = "{\"inputs\": [" + JSON.writeValueAsString(DIALOGUE) + ", " + JSON.writeValueAsString(OTHER) + "], "
                + "\"parameters\": {\"max_new_tokens\": 6, \"min_new_tokens\": 2, \"num_beams\": 3, \"length_penalty\": 0.8, "
                + "\"early_stopping\": true, \"no_repeat_ngram_size\": 2}, \"options\": {\"wait_for_model\": true}}";
        HttpResponse<String> many = post("/models/google/flan-t5-small", body);
        assertEquals(200, many.statusCode(), many.body());
        JsonNode list = JSON.readTree(many.body());
        assertEquals(2, list.size());
        assertEquals(alone(DIALOGUE, beams).text(), list.get(0).get("summary_text").asText());
        assertEquals(alone(OTHER, beams).text(), list.get(1).get("summary_text").asText());
    }

    @Test
    void theClientsGenerateParametersAndThePipelinesLengthsMeanWhatTheyMeanInTransformers() throws Exception {
        // InferenceClient.summarization(text, generate_parameters={...}) nests them; max_length counts the start token.
        DecodingSettings expected = new DecodingSettings(8, 3, 2, 1.0, EarlyStopping.FALSE, 0);
        HttpResponse<String> nested = post("/", "{\"inputs\": " + JSON.writeValueAsString(OTHER) + ", \"parameters\": "
                + "{\"truncation\": \"longest_first\", \"generate_parameters\": {\"max_length\": 9, \"min_length\": 4, "
                + "\"num_beams\": 2, \"do_sample\": false}}}");
        assertEquals(200, nested.statusCode(), nested.body());
        assertEquals(alone(OTHER, expected).text(), JSON.readTree(nested.body()).get(0).get("summary_text").asText());

        HttpResponse<String> raw = post("/", "{\"inputs\": " + JSON.writeValueAsString(OTHER) + ", \"parameters\": "
                + "{\"max_new_tokens\": 8, \"min_new_tokens\": 3, \"num_beams\": 2, \"clean_up_tokenization_spaces\": false}}");
        assertEquals(200, raw.statusCode(), raw.body());
        Summary summary = alone(OTHER, expected);
        assertEquals(ServerTest.summarizer.tokenizer().decode(summary.tokenIds(), false),
                JSON.readTree(raw.body()).get(0).get("summary_text").asText());
    }

    @Test
    void mistakesAreErrorsInTheApisShape() throws Exception {
        assertError(post("/", "{\"inputs\": \"x\", \"parameters\": {\"temperature\": 0.7}}"), 400,
                "unknown parameter \"parameters.temperature\"");
        assertError(post("/", "{\"inputs\": \"x\", \"parameters\": {\"generate_parameters\": {\"top_k\": 5}}}"), 400,
                "unknown generation parameter \"parameters.generate_parameters.top_k\"");
        assertError(post("/", "{\"inputs\": \"x\", \"stream\": true}"), 400, "unknown field \"stream\"");
        assertError(post("/", "{\"parameters\": {}}"), 400, "the body needs \"inputs\": a text or a list of texts");
        assertError(post("/", "{\"inputs\": 5}"), 400, "inputs must be a string or an array of strings");
        assertError(post("/", "{\"inputs\": \"x\", \"parameters\": {\"num_beams\": 0}}"), 400,
                "parameters.num_beams must be between 1 and 4, got 0");
        assertError(post("/", "{\"inputs\": \"x\", \"parameters\": {\"do_sample\": true}}"), 400,
                "parameters.do_sample: sampling is not supported; this server decodes greedily or with beam search");
        assertError(post("/models/any", "{\"inputs\": [\"x\", \"\"]}"), 400, "inputs[1]: text is empty");
        HttpResponse<String> tooLong = post("/", "{\"inputs\": " + JSON.writeValueAsString("word ".repeat(700))
                + ", \"parameters\": {\"truncation\": \"do_not_truncate\"}}");
        assertEquals(422, tooLong.statusCode(), tooLong.body());
        assertTrue(JSON.readTree(tooLong.body()).get("error").asText().matches("inputs: the text has \\d+ tokens; the limit is 512"),
                tooLong.body());
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ServerTest.server.port() + "/")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"inputs\": \"x\"}")).header("Content-Type", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertError(plain, 415, "the body must be application/json, got text/plain");
        // The page is still the page.
        assertTrue(ServerTest.get(ServerTest.server, "/").body().contains("<textarea"));
    }

    @Test
    void theApiKeyGuardsTheseRoutesToo() throws Exception {
        try (SummarizationServer keyed = SummarizationServer.start(ServerTest.config(c -> {
            c.apiKey = "s3cret";
            return c;
        }), ServerTest.summarizer)) {
            HttpResponse<String> r = ServerTest.post(keyed, "/models/t5", "{\"inputs\": \"x\"}");
            assertEquals(401, r.statusCode());
            assertEquals("a valid Authorization: Bearer <key> header is required", JSON.readTree(r.body()).get("error").asText());
            assertEquals(200, ServerTest.post(keyed, "/", "{\"inputs\": \"hello there\", \"parameters\": {\"max_new_tokens\": 2}}",
                    "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, ServerTest.get(keyed, "/").statusCode(), "the page needs no key");
        }
    }
}
