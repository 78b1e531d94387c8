package dev.summarizer.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run is, with the fields and meaning of transformers' {@code TrainerState}, saved as
 * {@code trainer_state.json} in every checkpoint in the same format (so Hugging Face tools read it): the optimizer
 * steps taken, the epoch as a fraction, every logged row, the best metric and its checkpoint, and the early-stopping
 * counter under {@code stateful_callbacks}, as the Trainer keeps it.
 */
final class TrainerState {
    long globalStep;
    double epoch;
    long maxSteps;
    long loggingSteps;
    long evalSteps;
    long saveSteps;
    int trainBatchSize;
    double numTrainEpochs;
    final List<ObjectNode> logHistory = new ArrayList<>();
    Double bestMetric;
    Long bestGlobalStep;
    String bestModelCheckpoint;
    int earlyStoppingPatience;
    int earlyStoppingPatienceCounter;

    ObjectNode toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        // transformers writes its dataclass with sorted keys.
        if (bestGlobalStep == null) {
            json.putNull("best_global_step");
        } else {
            json.put("best_global_step", bestGlobalStep);
        }
        if (bestMetric == null) {
            json.putNull("best_metric");
        } else {
            json.put("best_metric", bestMetric);
        }
        json.put("best_model_checkpoint", bestModelCheckpoint);
        json.put("epoch", epoch);
        json.put("eval_steps", evalSteps);
        json.put("global_step", globalStep);
        json.put("is_hyper_param_search", false);
        json.put("is_local_process_zero", true);
        json.put("is_world_process_zero", true);
        ArrayNode history = json.putArray("log_history");
        logHistory.forEach(history::add);
        json.put("logging_steps", loggingSteps);
        json.put("max_steps", maxSteps);
        json.put("num_input_tokens_seen", 0);
        json.put("num_train_epochs", numTrainEpochs);
        json.put("save_steps", saveSteps);
        ObjectNode callbacks = json.putObject("stateful_callbacks");
        if (earlyStoppingPatience > 0) {
            ObjectNode early = callbacks.putObject("EarlyStoppingCallback");
            early.putObject("args").put("early_stopping_patience", earlyStoppingPatience).put("early_stopping_threshold", 0.0);
            early.putObject("attributes").put("early_stopping_patience_counter", earlyStoppingPatienceCounter);
        }
        json.put("total_flos", 0);
        json.put("train_batch_size", trainBatchSize);
        json.putNull("trial_name");
        json.putNull("trial_params");
        return json;
    }

    /** The state a checkpoint recorded; the run's settings (max_steps, ...) are set again by the trainer. */
    static TrainerState fromJson(JsonNode json) {
        TrainerState s = new TrainerState();
        s.globalStep = json.path("global_step").asLong();
        s.epoch = json.path("epoch").asDouble();
        json.path("log_history").forEach(row -> s.logHistory.add((ObjectNode) row));
        s.bestMetric = json.hasNonNull("best_metric") ? json.get("best_metric").asDouble() : null;
        s.bestGlobalStep = json.hasNonNull("best_global_step") ? json.get("best_global_step").asLong() : null;
        s.bestModelCheckpoint = json.hasNonNull("best_model_checkpoint") ? json.get("best_model_checkpoint").asText() : null;
        s.earlyStoppingPatienceCounter = json.path("stateful_callbacks").path("EarlyStoppingCallback").path("attributes")
                .path("early_stopping_patience_counter").asInt();
        return s;
    }
}
