package dev.summarizer.training.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.summarizer.export.SuppliedInitializers;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.Node;
import dev.summarizer.onnx.Value;
import dev.summarizer.testing.Fixtures;
import dev.summarizer.training.artifacts.ArtifactNames;
import dev.summarizer.training.artifacts.T5Loss;
import dev.summarizer.training.artifacts.TrainingGraphs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The LoRA training model's shape: it takes only the adapter's factors (and the batch) as inputs, outputs only their
 * gradients, holds the frozen weights as initializers supplied from memory, and computes no frozen weight's gradient.
 */
class LoraGraphsTest {
    private static final T5Weights WEIGHTS = ModelFolder.open(Fixtures.referenceModel("gated-untied")).readWeights();
    private static final LoraConfig CONFIG = new LoraConfig(4, 8, 0.1, List.of("q", "v", "wo"));
    private static final LoraGraphs.Adapter ADAPTER = new LoraGraphs.Adapter(CONFIG,
            LoraTargets.modules(WEIGHTS.layout(), CONFIG.targetModules()));

    private static Graph training() {
        return LoraGraphs.training(WEIGHTS.config(), WEIGHTS.layout(), ADAPTER, 0.1, 3, 0, T5Loss.Form.FUSED);
    }

    @Test
    void theAdapterIsTheOnlyTrainedInputAndItsGradientsTheOnlyOutputs() throws Exception {
        List<ParameterSpec> factors = ADAPTER.specs(WEIGHTS.layout());
        ModelProto model = ModelProto.parseFrom(SuppliedInitializers.of(training(), WEIGHTS.layout()).model());
        List<String> inputs = model.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList();
        List<String> expectedInputs = new ArrayList<>(factors.stream().map(ParameterSpec::name).toList());
        expectedInputs.addAll(List.of(ArtifactNames.INPUT_IDS, ArtifactNames.ATTENTION_MASK, ArtifactNames.LABELS));
        assertEquals(expectedInputs, inputs);
        List<String> expectedOutputs = new ArrayList<>(List.of(ArtifactNames.LOSS));
        factors.forEach(f -> expectedOutputs.add(ArtifactNames.gradient(f.name())));
        assertEquals(expectedOutputs, model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());

        // Every frozen weight the forward reads is an initializer whose data the session supplies, none embedded.
        Set<String> frozen = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (WEIGHTS.layout().contains(t.getName())) {
                assertEquals(TensorProto.DataLocation.EXTERNAL, t.getDataLocation(), t.getName());
                frozen.add(t.getName());
            }
        }
        assertEquals(WEIGHTS.layout().specs().size(), frozen.size(), "all of the model's weights");
        assertTrue(model.getSerializedSize() < 2_000_000, "the model holds no weights: " + model.getSerializedSize() + " bytes");
    }

    /**
     * A frozen weight's gradient would be a product over the batch with the weight's shape (or its transpose): the
     * full fine-tuning graph has one per linear weight, the LoRA graph none.
     */
    @Test
    void noNodeComputesAFrozenWeightsGradient() {
        Set<List<Long>> weightShapes = new HashSet<>();
        for (ParameterSpec spec : WEIGHTS.layout().specs()) {
            if (spec.shape().length == 2) {
                weightShapes.add(Arrays.stream(spec.shape()).boxed().toList());
                weightShapes.add(List.of(spec.shape()[1], spec.shape()[0]));
            }
        }
        Graph full = TrainingGraphs.training(WEIGHTS.config(), WEIGHTS.layout(), 0.1, 3, 0);
        assertTrue(weightGradientProducts(full, weightShapes) >= 3 * 7 + 2 * 11, "the control: full fine-tuning has them");
        assertEquals(0, weightGradientProducts(training(), weightShapes));
        // Nor any scatter into an embedding or position-bias table.
        assertFalse(training().nodes().stream().anyMatch(n -> n.opType().equals("ScatterND")));
    }

    private static long weightGradientProducts(Graph g, Set<List<Long>> weightShapes) {
        long count = 0;
        for (Node n : g.nodes()) {
            Value out = n.output();
            if (n.opType().equals("MatMul") && out.rank() == 2 && out.shape().isFullyFixed()
                    && weightShapes.contains(Arrays.stream(out.shape().sizes()).boxed().toList())) {
                count++;
            }
        }
        return count;
    }
}
