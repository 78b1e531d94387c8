package dev.summarizer.hub;

import dev.summarizer.Units;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.testing.Cli;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summarizer fetch} end to end, against the fake Hub. */
class FetchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FakeHub hub;
    private FakeHub.Repo t5;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        t5 = HubFixtures.t5Small(hub);
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            rows.add(JSON.createObjectNode().put("id", "1" + i).put("dialogue", "A: hi " + i + "\r\nB: hello")
                    .put("summary", "A and B greet."));
        }
        hub.dataset("Samsung/samsum", "samsum", "train", rows);
        hub.dataset("Samsung/samsum", "samsum", "validation", rows.subList(0, 7));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void fetchesAModelFolderAndADatasetThatTheProjectReads() throws Exception {
        Path out = dir.resolve("run");
        Cli.Result r = fetch("--model", "t5-small", "--dataset", "samsum", "--out", out.toString());

        assertEquals(0, r.status(), r.err());
        long bytes = HubFixtures.MODEL_FOLDER.stream().mapToLong(f -> t5.files.get(f).length).sum();
        assertEquals("model google-t5/t5-small at " + t5.commit + ": " + out.resolve("model") + " (7 files, "
                + Units.bytes(bytes) + ")\n"
                + "dataset Samsung/samsum (config samsum): " + out.resolve("data/samsum") + " (train 120 rows, validation 7 rows)\n",
                r.out());
        assertTrue(ModelFolder.open(out.resolve("model")).readWeights().layout().parameterCount() > 0);
        assertArrayEquals(HubFixtures.tokenizerJson(), Files.readAllBytes(out.resolve("model/tokenizer.json")));
        assertEquals(120, Files.readAllLines(out.resolve("data/samsum/train.jsonl")).size());
        assertFalse(Files.exists(out.resolve("model.incomplete")), "no staging folder is left");
        assertTrue(r.err().contains("note: " + DatasetName.SAMSUM_LICENSE), r.err());

        Cli.Result again = fetch("--model", "t5-small", "--dataset", "samsum", "--out", out.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.err().contains(out.resolve("model") + ": already downloaded"), again.err());
        assertTrue(again.err().contains("train: already downloaded (120 rows)"), again.err());
    }

    @Test
    void helpShowsExamplesAndSamsumsLicense() {
        Cli.Result help = Cli.run("fetch", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: summarizer fetch [options]"), help.out());
        for (String expected : List.of("--model NAME", "--dataset NAME", "--out DIR", "--revision REV", "--endpoint URL",
                "--datasets-endpoint URL", "HF_TOKEN", "CC BY-NC-ND 4.0", "  samsum         Samsung/samsum\n",
                "  cnn_dailymail  abisee/cnn_dailymail, config 3.0.0\n", "summarizer fetch --model t5-small --dataset samsum --out")) {
            assertTrue(help.out().contains(expected), expected + " in:\n" + help.out());
        }
        assertTrue(Cli.run("--help").out().contains("fetch"));
    }

    @Test
    void commandLineMistakesAreOneLineWithStatus2() {
        assertOneLine(Cli.run("fetch", "--out", "x"), 2,
                "summarizer fetch: give --model NAME, --dataset NAME, or both (see summarizer fetch --help)");
        assertOneLine(Cli.run("fetch", "--model", "t5-small"), 2, "summarizer fetch: --out is required");
        assertOneLine(Cli.run("fetch", "--model", "./models/t5", "--out", "x"), 2,
                "summarizer fetch: --model: \"./models/t5\" is not a Hub repository name (such as t5-small or google/flan-t5-small)");
        assertOneLine(Cli.run("fetch", "--model", "t5-small", "--limit", "5", "--out", "x"), 2,
                "summarizer fetch: --limit applies to --dataset, which is not given");
        assertOneLine(Cli.run("fetch", "--dataset", "samsum", "--limit", "0", "--out", "x"), 2,
                "summarizer fetch: --limit: must be between 1 and 2147483647, got 0");
        assertOneLine(Cli.run("fetch", "--model", "t5-small", "--endpoint", "ftp://example.org", "--out", "x"), 2,
                "summarizer fetch: --endpoint: expected an http(s) URL such as https://huggingface.co, got \"ftp://example.org\"");
        assertOneLine(Cli.run("fetch", "--dataset", "my data", "--out", "x"), 2,
                "summarizer fetch: --dataset: \"my data\" is not a dataset name (samsum, dialogsum, cnn_dailymail, xsum,"
                        + " or a repository id such as knkarthick/dialogsum)");
        assertFalse(Files.exists(Path.of("x")));
    }

    @Test
    void failuresAreOneLineWithStatus1() throws Exception {
        hub.repo("acme/old-t5").file("config.json", HubFixtures.text("{}")).lfsFile("pytorch_model.bin", HubFixtures.noise(10, 1));
        Path out = dir.resolve("out");

        assertOneLine(fetch("--model", "acme/old-t5", "--out", out.toString()), 1, "summarizer fetch: acme/old-t5: the"
                + " repository has only PyTorch weights (pytorch_model.bin); this project reads safetensors (model.safetensors)");
        assertOneLine(fetch("--model", "nobody/nothing", "--out", out.toString()), 1, "summarizer fetch: model nobody/nothing:"
                + " access denied (401 RepoNotFound): it is private or gated, or does not exist; set HF_TOKEN to a token"
                + " that can read it");
        assertOneLine(fetch("--dataset", "samsum", "--split", "test", "--out", out.toString()), 1,
                "summarizer fetch: dataset Samsung/samsum has no split \"test\" in config samsum (splits: train, validation)");

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Cli.Result offline = Cli.run("fetch", "--endpoint", "http://127.0.0.1:" + port, "--model", "t5-small", "--out",
                out.toString());
        assertOneLine(offline, 1, "summarizer fetch: cannot reach http://127.0.0.1:" + port + " (offline?)");
        assertFalse(Files.exists(out.resolve("model")));
    }

    private Cli.Result fetch(String... args) {
        List<String> all = new ArrayList<>(List.of("fetch", "--endpoint", hub.endpoint().toString(),
                "--datasets-endpoint", hub.datasetsEndpoint().toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static void assertOneLine(Cli.Result r, int status, String message) {
        assertEquals(status, r.status(), r.err());
        assertEquals(message, r.err().strip());
        assertEquals("", r.out());
    }
}
