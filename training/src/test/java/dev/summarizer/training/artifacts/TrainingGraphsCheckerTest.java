package dev.summarizer.training.artifacts;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Weights;
import dev.summarizer.onnx.Graph;
import dev.summarizer.onnx.OnnxModelWriter;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.onnx.global.onnx;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training, eval and optimizer models are standard ONNX: checker with full shape inference, opset 17 only. */
class TrainingGraphsCheckerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"relu-tied", "gated-untied"})
    void everyArtifactPassesTheChecker(String arch) throws Exception {
        T5Weights w = ModelFolder.open(Fixtures.referenceModel(arch)).readWeights();
        Graph[] graphs = {
            TrainingGraphs.training(w.config(), w.layout(), 0.1, 3, 0.1),
            TrainingGraphs.eval(w.config(), w.layout(), 0),
            OptimizerGraph.adamW(w.layout(), new AdamWSettings(0.9, 0.999, 1e-8, 0.01)),
        };
        for (Graph g : graphs) {
            Path file = dir.resolve(arch + "-" + g.name() + ".onnx");
            OnnxModelWriter.write(g, file);
            assertDoesNotThrow(() -> onnx.check_model(file.toString(), true, false, false), g.name());
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
            assertEquals(1, model.getOpsetImportCount());
            assertEquals("", model.getOpsetImport(0).getDomain(), "standard operators only");
            Set<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
            if (g.name().equals("training")) {
                assertTrue(ops.contains("ScatterND") && ops.contains("Dropout") && ops.contains("SoftmaxCrossEntropyLoss"), ops.toString());
                assertEquals(1 + w.layout().specs().size(), model.getGraph().getOutputCount());
            }
        }
    }
}
