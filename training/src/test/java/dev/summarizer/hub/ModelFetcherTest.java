package dev.summarizer.hub;

import dev.summarizer.Progress;
import static dev.summarizer.hub.HubFixtures.ALIAS;
import static dev.summarizer.hub.HubFixtures.MODEL_FOLDER;
import static dev.summarizer.hub.HubFixtures.REPO;
import static dev.summarizer.hub.HubFixtures.filesUnder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetcherTest {
    @TempDir
    Path dir;

    private FakeHub hub;
    private FakeHub.Repo t5;
    private Path folder;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        t5 = HubFixtures.t5Small(hub);
        folder = dir.resolve("model");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void fetchesTheModelFolderFilesByteForByteAndNothingElse() throws Exception {
        ModelFetcher.Result result = fetcher(FakeHub.TOKEN, 3).fetch(ALIAS, "main", folder, false);

        assertEquals(REPO, result.repo());
        assertEquals(t5.commit, result.commit());
        assertEquals(MODEL_FOLDER.size(), result.files());
        assertEquals(MODEL_FOLDER.stream().sorted().toList(), filesUnder(folder));
        for (String file : MODEL_FOLDER) {
            assertArrayEquals(t5.files.get(file), Files.readAllBytes(folder.resolve(file)), file);
        }
        assertFalse(Files.exists(dir.resolve("model.incomplete")), "the staging folder is moved into place");
        T5Weights weights = ModelFolder.open(folder).readWeights();
        assertTrue(weights.layout().parameterCount() > 0);

        // The alias is answered with a relative redirect; files are then asked for at the listed commit.
        assertEquals(List.of("/api/models/t5-small", "/api/models/google-t5/t5-small"),
                hub.requests("hub", "GET").stream().filter(r -> r.path().startsWith("/api/")).map(FakeHub.Request::path).toList());
        assertTrue(hub.requests("hub", "HEAD").stream().allMatch(r -> r.path().startsWith("/" + REPO + "/resolve/" + t5.commit + "/")));
        // The token goes to the Hub, never to the CDN the LFS redirects point at.
        assertTrue(hub.requests("hub", "HEAD").stream().allMatch(r -> ("Bearer " + FakeHub.TOKEN).equals(r.authorization())));
        assertEquals(2, hub.requests("cdn", "GET").size(), "model.safetensors and spiece.model, no other LFS file");
        assertTrue(hub.requests("cdn", "GET").stream().allMatch(r -> r.authorization() == null));
    }

    @Test
    void resumesWithARangeRequestWhenTheConnectionDrops() throws Exception {
        hub.dropAfter("cdn", weightsOnTheCdn(), 50_000, 1);

        fetcher(null, 3).fetch(REPO, "main", folder, false);

        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        // The second request asks for the rest: from what arrived before the drop (at most the 50,000 bytes sent).
        List<String> ranges = hub.requests("cdn", "GET").stream().filter(r -> r.path().endsWith(weightsOnTheCdn()))
                .map(FakeHub.Request::range).toList();
        assertEquals(2, ranges.size(), ranges.toString());
        assertNull(ranges.get(0));
        long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= 50_000, ranges.toString());
    }

    @Test
    void aStalledConnectionIsGivenUpAndTheDownloadResumed() throws Exception {
        hub.stallAfter("cdn", weightsOnTheCdn(), 50_000, 1);
        HubHttp impatient = new HubHttp(hub.settings(null), RetryPolicy.immediate(3), Duration.ofMillis(300));

        long start = System.nanoTime();
        new ModelFetcher(impatient, progress()).fetch(REPO, "main", folder, false);

        assertTrue(System.nanoTime() - start < 4_000_000_000L, "not waiting for the server's 5 s");
        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        List<String> ranges = hub.requests("cdn", "GET").stream().filter(r -> r.path().endsWith(weightsOnTheCdn()))
                .map(FakeHub.Request::range).toList();
        assertEquals(2, ranges.size(), ranges.toString());
        assertTrue(ranges.get(1).startsWith("bytes="), ranges.toString());
    }

    @Test
    void resumesThePartialFileAnInterruptedRunLeft() throws Exception {
        hub.dropAfter("cdn", weightsOnTheCdn(), 50_000, 1);
        HubException e = assertThrows(HubException.class, () -> fetcher(null, 0).fetch(REPO, "main", folder, false));
        assertTrue(e.getMessage().startsWith(REPO + "/model.safetensors: download interrupted ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(") after 1 attempt; run again to resume"), e.getMessage());
        assertFalse(Files.exists(folder), "no model folder until every file is there");
        Path partial = dir.resolve("model.incomplete/model.safetensors.incomplete");
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept <= 50_000, "kept " + kept);

        hub.requests.clear();
        fetcher(null, 0).fetch(REPO, "main", folder, false);

        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        assertEquals(List.of("bytes=" + kept + "-"), hub.requests("cdn", "GET").stream()
                .filter(r -> r.path().endsWith(weightsOnTheCdn()))
                .map(FakeHub.Request::range).toList());
        assertTrue(log.toString().contains("spiece.model: already downloaded"), log.toString());
    }

    @Test
    void startsOverWhenTheServerAnswersARangeWithTheWholeFile() throws Exception {
        hub.dropAfter("cdn", weightsOnTheCdn(), 50_000, 1);
        hub.ignoreRange("cdn", weightsOnTheCdn(), 1);

        fetcher(null, 3).fetch(REPO, "main", folder, false);

        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        assertTrue(log.toString().contains("the server does not resume downloads; starting over"), log.toString());
    }

    @Test
    void aWrongChecksumFailsNamingTheFileAndLeavesNoFile() throws Exception {
        String claimed = "0".repeat(64);
        t5.claim("model.safetensors", claimed);

        HubException e = assertThrows(HubException.class, () -> fetcher(null, 3).fetch(REPO, "main", folder, false));

        assertEquals(REPO + "/model.safetensors: checksum mismatch (expected sha256 " + claimed + ", got "
                + FakeHub.sha256Hex(t5.files.get("model.safetensors")) + "); deleted the download, run again", e.getMessage());
        assertFalse(Files.exists(folder));
        assertEquals(List.of(), filesUnder(dir).stream().filter(f -> f.contains("model.safetensors")).toList());
    }

    @Test
    void aWrongGitBlobChecksumOfASmallFileFailsToo() throws Exception {
        String claimed = "1".repeat(40);
        t5.claim("config.json", claimed);

        HubException e = assertThrows(HubException.class, () -> fetcher(null, 3).fetch(REPO, "main", folder, false));

        assertEquals(REPO + "/config.json: checksum mismatch (expected git blob sha1 " + claimed + ", got "
                + FakeHub.gitBlobSha1(t5.files.get("config.json")) + "); deleted the download, run again", e.getMessage());
        List<String> left = filesUnder(dir);
        assertFalse(left.contains("model.incomplete/config.json") || left.contains("model.incomplete/config.json.incomplete"),
                left.toString());
        assertFalse(Files.exists(folder));
    }

    @Test
    void aStalePartialFileIsDownloadedAgainFromTheStart() throws Exception {
        Path staging = Files.createDirectories(dir.resolve("model.incomplete"));
        Files.write(staging.resolve("model.safetensors.incomplete"), HubFixtures.noise(1000, 9));

        fetcher(null, 3).fetch(REPO, "main", folder, false);

        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        assertTrue(log.toString().contains("checksum mismatch"), log.toString());
        assertTrue(log.toString().contains("downloading it again from the start"), log.toString());
    }

    @Test
    void privateRepositoriesNeedAToken() throws Exception {
        hub.repo("acme/private-t5").file("config.json", HubFixtures.text("{}")).lfsFile("model.safetensors",
                HubFixtures.noise(100, 1)).isPrivate = true;

        HubException anonymous = assertThrows(HubException.class,
                () -> fetcher(null, 3).fetch("acme/private-t5", "main", folder, false));
        assertEquals("model acme/private-t5: access denied (401 RepoNotFound): it is private or gated, or does not exist;"
                + " set HF_TOKEN to a token that can read it", anonymous.getMessage());

        HubException wrongToken = assertThrows(HubException.class,
                () -> fetcher("hf_wrong", 3).fetch("acme/private-t5", "main", folder, false));
        assertEquals("model acme/private-t5: access denied (401: Invalid credentials in Authorization header):"
                + " HF_TOKEN was not accepted", wrongToken.getMessage());

        fetcher(FakeHub.TOKEN, 3).fetch("acme/private-t5", "main", folder, false);
        assertEquals(List.of("config.json", "model.safetensors"), filesUnder(folder));
    }

    @Test
    void gatedRepositoriesSayWhatToDo() throws Exception {
        hub.repo("acme/gated-t5").file("config.json", HubFixtures.text("{}")).isGated = true;

        HubException anonymous = assertThrows(HubException.class,
                () -> fetcher(null, 3).fetch("acme/gated-t5", "main", folder, false));
        assertEquals("model acme/gated-t5: access denied (401 GatedRepo): it is private or gated, or does not exist;"
                + " set HF_TOKEN to a token that can read it", anonymous.getMessage());

        HubException notGranted = assertThrows(HubException.class,
                () -> fetcher(FakeHub.TOKEN, 3).fetch("acme/gated-t5", "main", folder, false));
        assertEquals("model acme/gated-t5: access denied (403 GatedRepo: Access to model acme/gated-t5 is restricted and"
                + " you are not in the authorized list. Visit https://huggingface.co/acme/gated-t5 to ask for access.): a gated"
                + " repository needs its conditions accepted on the Hub and HF_TOKEN set to a token of that account",
                notGranted.getMessage());
    }

    @Test
    void missingRepositoriesRevisionsAndFilesAreNamed() throws Exception {
        HubException repo = assertThrows(HubException.class,
                () -> fetcher(FakeHub.TOKEN, 3).fetch("nobody/nothing", "main", folder, false));
        assertEquals("model nobody/nothing: not found on " + hub.endpoint() + " (404 RepoNotFound: Repository not found)",
                repo.getMessage());

        hub.requests.clear();
        HubException revision = assertThrows(HubException.class,
                () -> fetcher(null, 3).fetch(ALIAS, "v9", folder, false));
        assertEquals("model t5-small: not found on " + hub.endpoint() + " (404 RevisionNotFound: Invalid rev id: v9)",
                revision.getMessage());
        assertEquals("/api/models/google-t5/t5-small/revision/v9", hub.requests("hub", "GET").get(1).path());
    }

    @Test
    void serverErrorsAreRetried() throws Exception {
        hub.failWith("hub", "HEAD", "/config.json", 500, 2);
        hub.failWith("cdn", "GET", "/repos/", 503, 1);

        fetcher(null, 3).fetch(REPO, "main", folder, false);

        assertEquals(MODEL_FOLDER.stream().sorted().toList(), filesUnder(folder));
        assertEquals(3, hub.requests("hub", "HEAD").stream().filter(r -> r.path().endsWith("/config.json")).count());
    }

    @Test
    void aServerErrorThatLastsIsReportedAfterTheRetries() throws Exception {
        hub.failWith("hub", "HEAD", "/config.json", 500, 10);

        HubException e = assertThrows(HubException.class, () -> fetcher(null, 3).fetch(REPO, "main", folder, false));

        assertEquals(REPO + "/config.json: " + hub.endpoint() + " answered 500 after 4 attempts (planted error)", e.getMessage());
    }

    @Test
    void aRepositoryWithOnlyPyTorchWeightsIsRefused() throws Exception {
        hub.repo("acme/old-t5").file("config.json", HubFixtures.text("{}")).lfsFile("pytorch_model.bin", HubFixtures.noise(100, 1));

        HubException e = assertThrows(HubException.class, () -> fetcher(null, 3).fetch("acme/old-t5", "main", folder, false));

        assertEquals("acme/old-t5: the repository has only PyTorch weights (pytorch_model.bin); this project reads"
                + " safetensors (model.safetensors)", e.getMessage());
        assertEquals(1, hub.requests.size(), "nothing but the listing was asked for");
    }

    @Test
    void followsRelativeRedirectsOfFileUrlsToTheirNewPath() throws Exception {
        hub.aliasAnsweredInPlace("t5-old-name", REPO);

        ModelFetcher.Result result = fetcher(null, 3).fetch("t5-old-name", "main", folder, false);

        assertEquals("t5-old-name", result.repo());
        assertArrayEquals(t5.files.get("config.json"), Files.readAllBytes(folder.resolve("config.json")));
        assertArrayEquals(t5.files.get("model.safetensors"), Files.readAllBytes(folder.resolve("model.safetensors")));
        List<String> heads = hub.requests("hub", "HEAD").stream().map(FakeHub.Request::path).toList();
        assertTrue(heads.contains("/t5-old-name/resolve/" + t5.commit + "/config.json"), heads.toString());
        assertTrue(heads.contains("/" + REPO + "/resolve/" + t5.commit + "/config.json"), heads.toString());
    }

    @Test
    void anExistingMatchingFolderIsLeftAsItIs() throws Exception {
        fetcher(null, 3).fetch(REPO, "main", folder, false);
        hub.requests.clear();

        ModelFetcher.Result again = fetcher(null, 3).fetch(REPO, "main", folder, false);

        assertTrue(again.alreadyThere());
        assertTrue(hub.requests("hub", "GET").stream().noneMatch(r -> r.path().contains("/resolve/")));
        assertTrue(hub.requests("cdn", "GET").isEmpty());
        assertTrue(log.toString().contains(folder + ": already downloaded"), log.toString());
    }

    @Test
    void anExistingFolderThatDiffersIsReplacedOnlyWithOverwrite() throws Exception {
        fetcher(null, 3).fetch(REPO, "main", folder, false);
        Files.writeString(folder.resolve("config.json"), "{\"edited\": true}");

        HubException e = assertThrows(HubException.class, () -> fetcher(null, 3).fetch(REPO, "main", folder, false));
        assertEquals(folder + " already exists and its config.json is not " + REPO + "'s at " + t5.commit.substring(0, 7)
                + " (pass --overwrite to replace it)", e.getMessage());

        hub.requests.clear();
        fetcher(null, 3).fetch(REPO, "main", folder, true);
        assertArrayEquals(t5.files.get("config.json"), Files.readAllBytes(folder.resolve("config.json")));
        assertTrue(hub.requests("cdn", "GET").isEmpty(), "the files that matched were copied, not downloaded again");
        assertEquals(1, hub.requests("hub", "GET").stream().filter(r -> r.path().contains("/resolve/")).count());
    }

    @Test
    void shardedWeightsComeWithTheirIndex() throws Exception {
        byte[] first = HubFixtures.noise(3000, 11);
        byte[] second = HubFixtures.noise(2000, 12);
        String index = "{\"metadata\": {\"total_size\": 5000}, \"weight_map\": {"
                + "\"shared.weight\": \"model-00001-of-00002.safetensors\","
                + "\"encoder.final_layer_norm.weight\": \"model-00002-of-00002.safetensors\","
                + "\"decoder.final_layer_norm.weight\": \"model-00002-of-00002.safetensors\"}}";
        hub.repo("acme/big-t5").file("config.json", HubFixtures.text("{}"))
                .lfsFile("model-00001-of-00002.safetensors", first)
                .lfsFile("model-00002-of-00002.safetensors", second)
                .file("model.safetensors.index.json", HubFixtures.text(index))
                .lfsFile("pytorch_model-00001-of-00002.bin", HubFixtures.noise(10, 1));

        ModelFetcher.Result result = fetcher(null, 3).fetch("acme/big-t5", "main", folder, false);

        assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"), filesUnder(folder));
        assertArrayEquals(second, Files.readAllBytes(folder.resolve("model-00002-of-00002.safetensors")));
        assertEquals(4, result.files());
    }

    @Test
    void anUnreachableHubIsReportedAsOffline() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HubSettings settings = HubSettings.of("http://127.0.0.1:" + port, null, Map.of());
        ModelFetcher fetcher = new ModelFetcher(new HubHttp(settings, RetryPolicy.immediate(3)), progress());

        HubException e = assertThrows(HubException.class, () -> fetcher.fetch(REPO, "main", folder, false));

        assertEquals("cannot reach http://127.0.0.1:" + port + " (offline?)", e.getMessage());
    }

    @Test
    void aRepositoryWithoutTokenizerJsonIsFetchedWithANote() throws Exception {
        hub.repo("google/t5-v1_1-tiny").file("config.json", HubFixtures.text("{}"))
                .lfsFile("model.safetensors", HubFixtures.noise(100, 1))
                .lfsFile("spiece.model", HubFixtures.noise(100, 2));

        fetcher(null, 3).fetch("google/t5-v1_1-tiny", "main", folder, false);

        assertEquals(List.of("config.json", "model.safetensors", "spiece.model"), filesUnder(folder));
        assertTrue(log.toString().contains("note: google/t5-v1_1-tiny has no tokenizer.json"), log.toString());
    }

    /** The CDN path part of model.safetensors (its SHA-256), to plant faults on that file alone. */
    private String weightsOnTheCdn() {
        return FakeHub.sha256Hex(t5.files.get("model.safetensors"));
    }

    private ModelFetcher fetcher(String token, int retries) {
        return new ModelFetcher(new HubHttp(hub.settings(token), RetryPolicy.immediate(retries)), progress());
    }

    private Progress progress() {
        return new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, System::nanoTime);
    }
}
