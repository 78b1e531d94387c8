package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.export.OnnxExport;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Collections;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Continuous batching against decoding alone: texts of mixed lengths and settings (greedy and beams, length limits,
 * minimum lengths, no-repeat n-grams, length penalties, early stopping) arrive at random steps of a running batch
 * smaller than what they ask for together, so they wait, join, leave and regroup; each must get exactly the ids a
 * batch of that text alone gets from the exported decoder files. On both reference architectures, with the EOS logit
 * boosted as the generation fixtures do it, so summaries end at many different lengths.
 */
class ContinuousBatchTest {
    @TempDir
    Path dir;

    private record Model(OnnxSeq2SeqModel alone, T5Weights weights) {}

    private Model open(String arch) throws Exception {
        // The EOS row of the lm_head scaled, so that EOS wins often but not always.
        T5Weights weights = GenerationParityTest.boostEos(ModelFolder.open(Fixtures.fixture(arch)).readWeights(), 3f);
        OnnxExport.writeOnnxFiles(weights, Files.createDirectories(dir.resolve("onnx")), line -> {});
        return new Model(OnnxSeq2SeqModel.open(dir, weights.config(), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE),
                weights);
    }

    private record Text(EncoderInput input, DecodingSettings settings, long arrivalStep) {}

    private static List<Text> texts(Random random, int count, int vocab) {
        List<Text> texts = new ArrayList<>();
        EarlyStopping[] stopping = EarlyStopping.values();
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(40);
            long[] ids = new long[length];
            for (int t = 0; t < length - 1; t++) {
                ids[t] = 2 + random.nextInt(vocab - 2);
            }
            ids[length - 1] = 1;
            int maxNew = 1 + random.nextInt(30);
            int beams = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
            DecodingSettings settings = new DecodingSettings(maxNew, random.nextInt(4) == 0 ? random.nextInt(maxNew + 1) : 0,
                    beams, new double[] {1.0, 0.6, 1.7}[random.nextInt(3)], stopping[random.nextInt(stopping.length)],
                    new int[] {0, 0, 2, 3}[random.nextInt(4)]);
            texts.add(new Text(new EncoderInput(ids, length, false), settings, random.nextInt(60)));
        }
        return texts;
    }

    /** What a batch of {@code text} alone gets, through the exported decoder files. */
    private static long[] alone(OnnxSeq2SeqModel model, Text text) throws Exception {
        SpecialTokens special = SpecialTokens.of(model.config());
        long[] ids = text.input().ids();
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        try (TokenScorer scorer = model.startDecoding(new long[][] {ids}, new long[][] {mask}, text.settings().numBeams())) {
            return text.settings().numBeams() == 1
                    ? GreedySearch.run(scorer, 1, text.settings(), special, DecodingObserver.NONE)[0]
                    : BeamSearch.run(scorer, 1, text.settings(), special, DecodingObserver.NONE)[0];
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void everyTextGetsItsIdsAloneWhateverItJoined(String arch) throws Exception {
        Model model = open(arch);
        AtomicInteger largest = new AtomicInteger();
        AtomicInteger regroupings = new AtomicInteger();
        ContinuousBatch.StepListener watch = new ContinuousBatch.StepListener() {
            int lastTexts;

            @Override
            public void beforeStep(int rows, int texts) {
                largest.accumulateAndGet(rows, Math::max);
                if (texts != lastTexts) {
                    regroupings.incrementAndGet();
                }
                lastTexts = texts;
            }
        };
        for (long seed : new long[] {1, 2, 3}) {
            List<Text> texts = texts(new Random(seed * 31 + arch.length()), 24, model.weights().config().vocabSize());
            try (ContinuousBatch batch = ContinuousBatch.open(model.alone(), model.weights(), null, Device.CPU, 1, 6, watch)) {
                List<long[]> got = runAll(batch, texts, List.of());
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(alone(model.alone(), texts.get(i)), got.get(i),
                            "text " + i + " (" + texts.get(i).settings() + ", joined at step " + texts.get(i).arrivalStep() + ")");
                }
            }
        }
        assertEquals(6, largest.get(), "the batch should fill up");
        assertTrue(regroupings.get() > 30, "texts should join and leave often, regrouped " + regroupings.get() + " times");
        model.alone().close();
    }

    /**
     * Runs each text on its own thread once the batch has taken its arrival step (or sooner, when every text before it
     * has finished and the batch would wait for nothing); nulls for texts that were cancelled.
     */
    private static List<long[]> runAll(ContinuousBatch batch, List<Text> texts, List<Integer> cancelAfterSteps)
            throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<long[]>> futures = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < texts.size(); i++) {
            Text text = texts.get(i);
            int cancelAfter = i < cancelAfterSteps.size() ? cancelAfterSteps.get(i) : -1;
            long earlier = texts.stream().filter(t -> t.arrivalStep() < text.arrivalStep()).count();
            futures.add(threads.submit(() -> {
                while (batch.steps() < text.arrivalStep() && finished.get() < earlier) {
                    Thread.sleep(1);
                }
                AtomicLong seen = new AtomicLong();
                DecodingObserver observer = new DecodingObserver() {
                    @Override
                    public boolean cancelled() {
                        return cancelAfter >= 0 && seen.incrementAndGet() > cancelAfter;
                    }
                };
                try {
                    return batch.generate(text.input(), text.settings(), observer);
                } finally {
                    finished.incrementAndGet();
                }
            }));
        }
        List<long[]> out = new ArrayList<>();
        for (Future<long[]> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof CancellationException)) {
                    throw e;
                }
                out.add(null);
            }
        }
        threads.shutdown();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied"})
    void textsGivenUpMidwayLeaveWithoutDisturbingTheOthers(String arch) throws Exception {
        Model model = open(arch);
        List<Text> texts = texts(new Random(7), 16, model.weights().config().vocabSize());
        List<Integer> cancel = List.of(2, -1, 5, -1, 0, -1, 9);
        try (ContinuousBatch batch = ContinuousBatch.open(model.alone(), model.weights(), null, Device.CPU, 1, 5,
                ContinuousBatch.StepListener.NONE)) {
            List<long[]> got = runAll(batch, texts, cancel);
            for (int i = 0; i < texts.size(); i++) {
                boolean cancelled = i < cancel.size() && cancel.get(i) >= 0;
                if (!cancelled) {
                    assertArrayEquals(alone(model.alone(), texts.get(i)), got.get(i), "text " + i);
                }
            }
        }
        model.alone().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gated-untied"})
    void aFailedStepFailsItsTextsAndTheBatchGoesOnAfresh(String arch) throws Exception {
        Model model = open(arch);
        AtomicInteger stepsSeen = new AtomicInteger();
        ContinuousBatch.StepListener failOnce = new ContinuousBatch.StepListener() {
            @Override
            public void beforeStep(int rows, int texts) {
                if (stepsSeen.incrementAndGet() == 4) {
                    throw new IllegalStateException("injected failure");
                }
            }
        };
        List<Text> texts = texts(new Random(11), 6, model.weights().config().vocabSize());
        try (ContinuousBatch batch = ContinuousBatch.open(model.alone(), model.weights(), null, Device.CPU, 1, 8, failOnce)) {
            List<Future<long[]>> first = new ArrayList<>();
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            for (Text t : texts) {
                first.add(threads.submit(() -> batch.generate(t.input(), t.settings(), DecodingObserver.NONE)));
            }
            int failed = 0;
            for (int i = 0; i < texts.size(); i++) {
                try {
                    assertArrayEquals(alone(model.alone(), texts.get(i)), first.get(i).get(), "text " + i);
                } catch (ExecutionException e) {
                    assertInstanceOf(ContinuousBatch.StepFailedException.class, e.getCause());
                    failed++;
                }
            }
            assertTrue(failed > 0, "the injected failure should fail the texts in that step");
            // Afterwards the batch decodes exactly again.
            for (Text t : texts) {
                assertArrayEquals(alone(model.alone(), t), batch.generate(t.input(), t.settings(), DecodingObserver.NONE));
            }
            threads.shutdown();
        }
        model.alone().close();
    }

    /**
     * With one row taken, a long text and then a short one queue; when the row frees, the short one joins first (it
     * waited a shorter time, but for a far smaller budget: see {@link AdmissionQueue}), and both get their ids alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gated-untied"})
    void aShortTextThatQueuedBehindALongOneJoinsFirst(String arch) throws Exception {
        Model model = open(arch);
        long[] ids = {7, 8, 9, 10, 1};
        Text first = new Text(new EncoderInput(ids, ids.length, false), new DecodingSettings(3, 3, 1, 1.0, EarlyStopping.FALSE, 0), 0);
        Text longText = new Text(first.input(), new DecodingSettings(64, 0, 1, 1.0, EarlyStopping.FALSE, 0), 0);
        Text shortText = new Text(first.input(), new DecodingSettings(8, 0, 1, 1.0, EarlyStopping.FALSE, 0), 0);
        CountDownLatch bothQueued = new CountDownLatch(1);
        DecodingObserver holdsTheRow = new DecodingObserver() {
            @Override
            public void onStep(long[] tokens, boolean[] finished) {
                try {
                    bothQueued.await(); // the batch cannot step again until this text hands in its next token
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<String> finishedOrder = Collections.synchronizedList(new ArrayList<>());
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        ContinuousBatch.StepListener joins = new ContinuousBatch.StepListener() {
            @Override
            public void joined(long waitedNanos) {
                waits.add(waitedNanos);
            }
        };
        try (ContinuousBatch batch = ContinuousBatch.open(model.alone(), model.weights(), null, Device.CPU, 1, 1, joins);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<long[]> running = threads.submit(() -> batch.generate(first.input(), first.settings(), holdsTheRow));
            while (batch.steps() < 1) {
                Thread.sleep(1);
            }
            Future<long[]> longOne = threads.submit(() -> {
                long[] got = batch.generate(longText.input(), longText.settings(), DecodingObserver.NONE);
                finishedOrder.add("long");
                return got;
            });
            Thread.sleep(100);
            Future<long[]> shortOne = threads.submit(() -> {
                long[] got = batch.generate(shortText.input(), shortText.settings(), DecodingObserver.NONE);
                finishedOrder.add("short");
                return got;
            });
            Thread.sleep(50);
            bothQueued.countDown();
            assertArrayEquals(alone(model.alone(), first), running.get());
            assertArrayEquals(alone(model.alone(), longText), longOne.get());
            assertArrayEquals(alone(model.alone(), shortText), shortOne.get());
        }
        // One row: whichever joined first ended before the other began. Oldest first, the long one would have.
        assertEquals(List.of("short", "long"), finishedOrder);
        // What each waited for the row: the first text nothing much; the short one at least the 50 ms the row was
        // held after it came; the long one that and the 100 ms before the short one came.
        assertEquals(3, waits.size(), "joins " + waits);
        assertTrue(waits.get(0) < 50_000_000L, "first " + waits);
        assertTrue(waits.get(1) >= 50_000_000L, "short " + waits);
        assertTrue(waits.get(2) >= 150_000_000L, "long " + waits);
        model.alone().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied"})
    void moreBeamsThanRowsIsRefusedAndClosingStopsWaitingTexts(String arch) throws Exception {
        Model model = open(arch);
        ContinuousBatch batch = ContinuousBatch.open(model.alone(), model.weights(), null, Device.CPU, 1, 2,
                ContinuousBatch.StepListener.NONE);
        EncoderInput input = new EncoderInput(new long[] {5, 6, 1}, 3, false);
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> batch.generate(input, new DecodingSettings(5, 0, 3, 1.0, EarlyStopping.FALSE, 0), DecodingObserver.NONE));
        assertEquals("num_beams", e.setting());
        batch.close();
        assertThrows(CancellationException.class, () -> batch.generate(input, DecodingSettings.greedy(5), DecodingObserver.NONE));
        model.alone().close();
    }
}
