package dev.summarizer.training.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.training.artifacts.OptimizerGraph;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.artifacts.TrainingGraphs;
import dev.summarizer.export.GraphWeights;
import dev.summarizer.export.InferenceGraphs;
import dev.summarizer.export.RowwiseDecoderGraphs;
import dev.summarizer.training.lora.LoraGraphs;
import dev.summarizer.export.SuppliedInitializers;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.runtime.Device;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.export.quantize.WeightQuantization;
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
import org.junit.jupiter.params.provider.ValueSource;
import dev.summarizer.runtime.CpuFallback;

/**
 * Every graph the project builds for a CUDA session (the four inference files and their 8- and 4-bit twins, the
 * decoding helpers, the training, eval and optimizer models of full and LoRA fine-tuning, gradient accumulation), for
 * both reference architectures, checked against ONNX Runtime 1.29's CUDA kernel
 * table (see {@link CudaKernelCoverage} for the rules). A graph not in {@link #KNOWN_CUDA_GAPS} must have a CUDA
 * kernel for every node; a graph in it must have exactly the listed gaps, so that closing one (or opening a new
 * one) fails here until the list is updated. The goal is an empty list.
 */
class CudaKernelCoverageTest {
    private static final CudaKernelTable TABLE = CudaKernelTable.load();

    /**
     * Graph name to (node signature to number of such nodes) of the nodes that have no CUDA kernel today. Empty: the
     * CUDA sessions' training and eval models compute the loss from LogSoftmax and GatherElements
     * ({@link T5Loss.Form#DECOMPOSED}); the fused SoftmaxCrossEntropyLoss, which only ONNX Runtime's training builds
     * register for CUDA, stays in the CPU sessions' models, which are not checked here.
     */
    static final Map<String, Map<String, Integer>> KNOWN_CUDA_GAPS = Map.of();

    static Stream<Arguments> graphs() {
        List<Arguments> out = new ArrayList<>();
        for (String arch : List.of("relu-tied", "gated-untied")) {
            Supplier<T5Weights> weights = () -> weights(arch);
            out.add(graph(arch + "/encoder", () -> model(InferenceGraphs.encoder(weights.get()))));
            out.add(graph(arch + "/decoder", () -> model(InferenceGraphs.decoder(weights.get()))));
            out.add(graph(arch + "/decoder_with_past", () -> model(InferenceGraphs.decoderWithPast(weights.get()))));
            out.add(graph(arch + "/decoder_merged", () -> model(InferenceGraphs.decoderMerged(weights.get()))));
            for (QuantizationSpec spec : List.of(QuantizationSpec.Q8, QuantizationSpec.Q4)) {
                for (var file : OnnxExport.graphs().entrySet()) {
                    out.add(graph(arch + "/" + spec.fileName(file.getKey()), () -> {
                        Graph g = file.getValue().apply(weights.get());
                        WeightQuantization.apply(g, spec);
                        return model(g);
                    }));
                }
            }
            out.add(graph(arch + "/beam_candidates", () -> parse(DecodingHelperGraphs.beamCandidates(weights.get().config().vocabSize()))));
            out.add(graph(arch + "/cache_reorder", () -> parse(DecodingHelperGraphs.cacheReorder(2 * weights.get().config().numDecoderLayers()))));
            out.add(graph(arch + "/rowwise_cross_key_values",
                    () -> model(RowwiseDecoderGraphs.crossKeyValues(GraphWeights.embedded(weights.get())))));
            out.add(graph(arch + "/rowwise_decoder_step", () -> model(RowwiseDecoderGraphs.step(GraphWeights.embedded(weights.get())))));
            out.add(graph(arch + "/cache_regather", () -> parse(DecodingHelperGraphs.cacheRegather(2 * weights.get().config().numDecoderLayers()))));
            // The training and eval models as a CUDA session builds them.
            T5Loss.Form cuda = T5Loss.Form.forDevice(Device.CUDA);
            out.add(graph(arch + "/training", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0, cuda));
            }));
            out.add(graph(arch + "/training_label_smoothing", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0.1, cuda));
            }));
            out.add(graph(arch + "/eval", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.eval(w.config(), w.layout(), 0, cuda));
            }));
            out.add(graph(arch + "/eval_label_smoothing", () -> {
                T5Weights w = weights.get();
                return model(TrainingGraphs.eval(w.config(), w.layout(), 0.1, cuda));
            }));
            // LoRA on every linear layer, with the frozen weights as the initializers a session supplies.
            out.add(graph(arch + "/lora_training", () -> {
                T5Weights w = weights.get();
                return supplied(LoraGraphs.training(w.config(), w.layout(), adapter(w), 0.1, 3, 0.1, cuda), w);
            }));
            out.add(graph(arch + "/lora_eval", () -> {
                T5Weights w = weights.get();
                return supplied(LoraGraphs.eval(w.config(), w.layout(), adapter(w), 0, cuda), w);
            }));
            out.add(graph(arch + "/lora_optimizer", () -> {
                T5Weights w = weights.get();
                return model(OptimizerGraph.adamW(adapter(w).specs(w.layout()), new AdamWSettings(0.9, 0.999, 1e-8, 0.01)));
            }));
            out.add(graph(arch + "/optimizer", () -> model(OptimizerGraph.adamW(weights.get().layout(),
                    new AdamWSettings(0.9, 0.999, 1e-8, 0.01)))));
            out.add(graph(arch + "/accumulate", () -> model(TrainingSession.accumulationGraph(weights.get().layout().specs()))));
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

    /**
     * CUDA sessions set session.disable_cpu_ep_fallback=1 on graphs {@link CpuFallback#forGraph} finds free of shape
     * arithmetic: those have no node the CUDA provider hands to the CPU provider itself. The training graphs have some,
     * which the option would make ONNX Runtime refuse, so they keep the fallback.
     */
    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void cpuFallbackIsDisabledOnlyWhereNoNodeGoesToTheCpuByDesign(String arch) {
        T5Weights w = weights(arch);
        AdamWSettings adamW = new AdamWSettings(0.9, 0.999, 1e-8, 0.01);
        T5Loss.Form cuda = T5Loss.Form.forDevice(Device.CUDA);
        for (Graph optimizer : List.of(OptimizerGraph.adamW(w.layout(), adamW), OptimizerGraph.adamW(adapter(w).specs(w.layout()), adamW))) {
            assertEquals(CpuFallback.DISABLED, CpuFallback.forGraph(optimizer));
            Report r = CudaKernelCoverage.check(model(optimizer), TABLE);
            assertEquals(0, r.hostSide().size() + r.hostSideWithKernel(), "host-side nodes of " + optimizer.name());
        }
        for (Graph training : List.of(TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0, cuda),
                LoraGraphs.training(w.config(), w.layout(), adapter(w), 0.1, 3, 0, cuda))) {
            assertEquals(CpuFallback.ALLOWED, CpuFallback.forGraph(training));
            assertTrue(CudaKernelCoverage.check(model(training), TABLE).hostSideWithKernel() > 0, training.name());
        }
    }

    private static Arguments graph(String name, Supplier<ModelProto> build) {
        return Arguments.of(name, build);
    }

    private static T5Weights weights(String arch) {
        return ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
    }

    private static LoraGraphs.Adapter adapter(T5Weights w) {
        LoraConfig config = new LoraConfig(4, 8, 0.05, List.of(LoraConfig.ALL_LINEAR));
        return new LoraGraphs.Adapter(config, LoraTargets.modules(w.layout(), config.targetModules()));
    }

    /** The model as ONNX Runtime gets it: the frozen weights as initializers (their data supplied when the session opens). */
    private static ModelProto supplied(Graph g, T5Weights w) {
        return parse(SuppliedInitializers.of(g, w.layout()).model());
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
