package dev.summarizer.training.train;

/**
 * When to log, evaluate and save, as transformers' {@code DefaultFlowCallback} decides it from the strategies: every
 * N steps or at each epoch's end, or never. Beyond the Trainer, the last step is logged, evaluated and saved (unless
 * the strategy is {@code no}), so every run ends with its final numbers and a checkpoint to resume or pick from.
 */
final class DefaultFlowCallback implements TrainerCallback {
    private final TrainingArguments args;
    private final long maxSteps;
    private final long stepsPerEpoch;
    private final boolean evaluates;

    DefaultFlowCallback(TrainingArguments args, long maxSteps, long stepsPerEpoch, boolean evaluates) {
        this.args = args;
        this.maxSteps = maxSteps;
        this.stepsPerEpoch = stepsPerEpoch;
        this.evaluates = evaluates;
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control, StepOutcome step) {
        long s = state.globalStep;
        boolean last = s >= maxSteps;
        boolean endOfEpoch = s % stepsPerEpoch == 0;
        control.shouldLog |= due(args.loggingStrategy(), args.loggingSteps(), s, endOfEpoch, last);
        control.shouldEvaluate |= evaluates
                && due(args.evaluation().strategy(), args.evaluation().evalSteps(), s, endOfEpoch, last);
        control.shouldSave |= due(args.checkpointing().saveStrategy(), args.checkpointing().saveSteps(), s, endOfEpoch, last);
        control.shouldTrainingStop |= last;
    }

    private static boolean due(Strategy strategy, long every, long step, boolean endOfEpoch, boolean last) {
        return switch (strategy) {
            case NO -> false;
            case STEPS -> (every > 0 && step % every == 0) || last;
            case EPOCH -> endOfEpoch || last;
        };
    }
}
