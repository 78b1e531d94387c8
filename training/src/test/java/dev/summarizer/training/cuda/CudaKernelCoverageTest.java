package dev.summarizer.training.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.artifacts.OptimizerGraph;
import dev.summarizer.training.artifacts.TrainingGraphs;
import dev.summarizer.export.GraphWeights;
import dev.summarizer.export.InferenceGraphs;
import dev.summarizer.export.RowwiseDecoderGraphs;
import dev.summarizer.generate.DecodingHelperGraphs;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.cuda.CudaKernelCoverage.Finding;
import dev.summarizer.training.cuda.CudaKernelCoverage.Report;
import dev.summarizer.training.session.TrainingSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every graph the project builds, for both reference architectures, checked against ONNX Runtime 1.29's CUDA kernel
 * table (see {@link CudaKernelCoverage} for the rules). A graph not in {@link #KNOWN_CUDA_GAPS} must have a CUDA
 * kernel for every node; a graph in it must have exactly the listed gaps, so that closing one (or opening a new
 * one) fails here until the list is updated. The goal is an empty list.
 */
class CudaKernelCoverageTest {
    private static final CudaKernelTable TABLE = CudaKernelTable.load();

    /**
     * Graph name to (node signature to number of such nodes) of the nodes that have no CUDA kernel today: the loss.
     * SoftmaxCrossEntropyLoss is registered only by ONNX Runtime's training builds, which the inference packages
     * (onnxruntime, onnxruntime_gpu) are not; on CUDA it runs on the CPU with the logits copied to the host.
     */
    static final Map<String, Map<String, Integer>> KNOWN_CUDA_GAPS = knownGaps();

    private static Map<String, Map<String, Integer>> knownGaps() {
        Map<String, Integer> loss = Map.of("SoftmaxCrossEntropyLoss(ai.onnx v13; T=tensor(float), Tind=tensor(int64))", 1);
        Map<String, Map<String, Integer>> gaps = new java.util.TreeMap<>();
        for (String arch : List.of("relu-tied", "gated-untied")) {
            for (String graph : List.of("training", "training_label_smoothing", "eval", "eval_label_smoothing")) {
                gaps.put(arch + "/" + graph, loss);
            }
        }
        return gaps;
    }

    static Stream<Arguments> graphs() {
        List<Arguments> out = new ArrayList<>();
        for (String arch : List.of("relu-tied", "gated-untied")) {
            Supplier<T5Weights> weights = () -> weights(arch);
            out.add(graph(arch + "/encoder", () -> model(InferenceGraphs.encoder(weights.get()))));
            out.add(graph(arch + "/decoder", () -> model(InferenceGraphs.decoder(weights.get()))));
            out.add(graph(arch + "/decoder_with_past", () -> model(InferenceGraphs.decoderWithPast(weights.get()))));
            out.add(graph(arch + "/decoder_merged", () -> model(InferenceGraphs.decoderMerged(weights.get()))));
            out.add(graph(arch + "/beam_candidates", () -> parse(DecodingHelperGraphs.beamCandidates(weights.get().config().vocabSize()))));
            out.add(graph(arch + "/cache_reorder", () -> parse(DecodingHelperGraphs.cacheReorder(2 * weights.get().config().numDecoderLayers()))));
            out.add(graph(arch + "/rowwise_cross_key_values",
                    () -> model(RowwiseDecoderGraphs.crossKeyValues(GraphWeights.embedded(weights.get())))));
            out.add(graph(arch + "/rowwise_decoder_step", () -> model(RowwiseDecoderGraphs.step(GraphWeights.embedded(weights.get())))));
            out.add(graph(arch + "/cache_regather", () -> parse(DecodingHelperGraphs.cacheRegather(2 * weights.get().config().numDecoderLayers()))));
            out.add(graph(arch + "/training", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0));
            }));
            out.add(graph(arch + "/training_label_smoothing", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0.1));
            }));
            out.add(graph(arch + "/eval", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.eval(w.config(), w.layout(), 0));
            }));
            out.add(graph(arch + "/eval_label_smoothing", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.eval(w.config(), w.layout(), 0.1));
            }));
            out.add(graph(arch + "/optimizer", () -> model(OptimizerGraph.adamW(weights.get().layout(),
                    new AdamWSettings(0.9, 0.999, 1e-8, 0.01)))));
            out.add(graph(arch + "/accumulate", () -> model(TrainingSession.accumulationGraph(weights.get().layout()))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void everyNodeHasACudaKernelButTheKnownGaps(String name, Supplier<ModelProto> build) {
        Report r = CudaKernelCoverage.check(build.get(), TABLE);
        System.out.printf("%s: %d nodes (%d Constant), %d without CUDA kernel, %d host-side without kernel,"
                + " %d host-side with kernel%n", name, r.nodes(), r.constants(), r.uncovered().size(), r.hostSide().size(),
                r.hostSideWithKernel());
        r.uncovered().forEach(f -> System.out.println("  uncovered " + f));
        r.hostSide().forEach(f -> System.out.println("  host-side " + f));
        assertEquals(KNOWN_CUDA_GAPS.getOrDefault(name, Map.of()), r.uncoveredSignatures(),
                name + ": nodes without a CUDA kernel changed:\n" + String.join("\n", r.uncovered().stream().map(Finding::toString).toList()));
    }

    private static Arguments graph(String name, Supplier<ModelProto> build) {
        return Arguments.of(name, build);
    }

    private static T5Weights weights(String arch) {
        return ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
    }

    private static ModelProto model(Graph g) {
        return OnnxModelWriter.toModel(g);
    }

    private static ModelProto parse(byte[] bytes) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
