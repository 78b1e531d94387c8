package dev.summarizer.training.demo;

/**
 * The facts of one dialogue: who proposes what to whom, where and when, how the other answers, and an
 * optional favour. The dialogue and its reference summary are both written from these facts.
 *
 * @param proposer  who suggests the plan
 * @param partner   who answers
 * @param newTime   the time they settle on instead when the partner reschedules; null otherwise
 * @param request   a favour the proposer asks for once they agree; null when there is none
 */
public record DialogueScene(String proposer, String partner, String plan, String place, String time, Answer answer,
        String newTime, String request, Favour favour) {

    /** How the partner answers the proposal. */
    public enum Answer { AGREES, RESCHEDULES, DECLINES }

    /** What happens to the favour: the partner does it, or declines and the proposer does it. */
    public enum Favour { NONE, PARTNER_DOES_IT, PROPOSER_DOES_IT }

    public DialogueScene {
        if ((answer == Answer.RESCHEDULES) != (newTime != null)) {
            throw new IllegalArgumentException("a new time goes with a rescheduled plan only");
        }
        if ((request == null) != (favour == Favour.NONE)) {
            throw new IllegalArgumentException("a request needs someone who does it");
        }
        if (answer == Answer.DECLINES && request != null) {
            throw new IllegalArgumentException("nobody asks a favour for a plan that was declined");
        }
    }

    /** The combination the held-out split keeps apart from training: the pair of people, the plan and the place. */
    public Combination combination() {
        boolean ordered = proposer.compareTo(partner) < 0;
        return new Combination(ordered ? proposer : partner, ordered ? partner : proposer, plan, place);
    }

    /** A pair of people (in alphabetical order, so who proposes does not matter), a plan and a place. */
    public record Combination(String firstPerson, String secondPerson, String plan, String place) {}
}
