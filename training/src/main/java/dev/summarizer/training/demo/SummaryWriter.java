package dev.summarizer.training.demo;

/**
 * The reference summary of a scene: one fixed sentence per outcome, in the third person, plus one sentence
 * for a favour. Fixed templates make the target exactly learnable, so the held-out ROUGE measures whether the
 * model picked the right facts out of an unseen combination rather than how it phrases them.
 */
final class SummaryWriter {
    private SummaryWriter() {}

    static String write(DialogueScene scene) {
        String a = scene.proposer();
        String b = scene.partner();
        String plan = switch (scene.answer()) {
            case AGREES -> a + " and " + b + " will " + scene.plan() + " at " + scene.place() + " " + scene.time() + ".";
            case RESCHEDULES -> b + " can't make it " + scene.time() + ", so " + a + " and " + b + " will " + scene.plan()
                    + " at " + scene.place() + " " + scene.newTime() + ".";
            case DECLINES -> b + " can't " + scene.plan() + " with " + a + " at " + scene.place() + " " + scene.time() + ".";
        };
        return switch (scene.favour()) {
            case NONE -> plan;
            case PARTNER_DOES_IT -> plan + " " + b + " will " + scene.request() + ".";
            case PROPOSER_DOES_IT -> plan + " " + a + " will " + scene.request() + ".";
        };
    }
}
