package dev.summarizer.training.demo;

import dev.summarizer.training.demo.DialogueScene.Answer;
import dev.summarizer.training.demo.DialogueScene.Combination;
import dev.summarizer.training.demo.DialogueScene.Favour;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The synthetic dialogue-summarization corpus of the demo. About one combination of (pair of people, plan,
 * place) in ten is held out: the training and validation splits never contain one, the test split only
 * contains them. Every person, plan and place still occurs in training, so the test split measures whether
 * the model learned to pick the facts out of a dialogue rather than to remember combinations it has seen.
 */
public final class DialogueCorpus {
    /** One in this many combinations is held out. */
    static final int HELD_OUT_ONE_IN = 10;

    /** A dialogue, its reference summary, and the scene both were written from. */
    public record Example(String dialogue, String summary, DialogueScene scene) {}

    /** The three splits. */
    public record Splits(List<Example> train, List<Example> validation, List<Example> test) {}

    private final SplittableRandom random;
    private final DialogueWriter dialogues;
    private final long seed;

    public DialogueCorpus(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.dialogues = new DialogueWriter(random.split());
    }

    public Splits generate(int trainSize, int validationSize, int testSize) {
        Predicate<DialogueScene> seen = scene -> !isHeldOut(scene.combination());
        List<Example> train = sample(trainSize, seen);
        List<Example> validation = sample(validationSize, seen);
        List<Example> test = sample(testSize, seen.negate());
        return new Splits(train, validation, test);
    }

    /**
     * Whether a combination belongs to the held-out split: a hash of the combination and the seed, so that the
     * rule needs no list and the same seed always holds out the same combinations.
     */
    boolean isHeldOut(Combination combination) {
        // Objects.hash is specified (String.hashCode folded as Arrays.hashCode does), unlike a record's hashCode.
        long h = seed * 0x9E3779B97F4A7C15L + Objects.hash(combination.firstPerson(), combination.secondPerson(),
                combination.plan(), combination.place());
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return Math.floorMod(h, HELD_OUT_ONE_IN) == 0;
    }

    private List<Example> sample(int count, Predicate<DialogueScene> accepted) {
        List<Example> examples = new ArrayList<>(count);
        while (examples.size() < count) {
            DialogueScene scene = scene();
            if (accepted.test(scene)) {
                examples.add(new Example(dialogues.write(scene), SummaryWriter.write(scene), scene));
            }
        }
        return examples;
    }

    DialogueScene scene() {
        String proposer = pick(DialogueWorld.PEOPLE);
        String partner;
        do {
            partner = pick(DialogueWorld.PEOPLE);
        } while (partner.equals(proposer));
        String time = pick(DialogueWorld.TIMES);
        double roll = random.nextDouble();
        Answer answer = roll < 0.5 ? Answer.AGREES : roll < 0.8 ? Answer.RESCHEDULES : Answer.DECLINES;
        String newTime = null;
        if (answer == Answer.RESCHEDULES) {
            do {
                newTime = pick(DialogueWorld.TIMES);
            } while (newTime.equals(time));
        }
        String request = null;
        Favour favour = Favour.NONE;
        if (answer != Answer.DECLINES && random.nextDouble() < 0.6) {
            request = pick(DialogueWorld.REQUESTS);
            favour = random.nextDouble() < 0.7 ? Favour.PARTNER_DOES_IT : Favour.PROPOSER_DOES_IT;
        }
        return new DialogueScene(proposer, partner, pick(DialogueWorld.PLANS), pick(DialogueWorld.PLACES), time, answer,
                newTime, request, favour);
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
