package dev.summarizer.training.train;

/**
 * When to log, evaluate and save, as transformers' {@code DefaultFlowCallback} decides it: every
 * {@code logging_steps}, every {@code eval_steps} (or at each epoch's end when 0), every {@code save_steps}, and all
 * three at the last step.
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
        long evalSteps = args.evaluation().evalSteps();
        boolean endOfEpoch = s % stepsPerEpoch == 0;
        control.shouldLog |= s % args.loggingSteps() == 0 || last;
        control.shouldEvaluate |= evaluates && ((evalSteps > 0 ? s % evalSteps == 0 : endOfEpoch) || last);
        long saveSteps = args.checkpointing().saveSteps();
        control.shouldSave |= (saveSteps > 0 && s % saveSteps == 0) || last;
        control.shouldTrainingStop |= last;
    }
}
