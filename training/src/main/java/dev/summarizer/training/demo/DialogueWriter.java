package dev.summarizer.training.demo;

import dev.summarizer.training.demo.DialogueScene.Answer;
import dev.summarizer.training.demo.DialogueScene.Favour;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Writes a scene as a chat, one "Name: words" turn per line, the way SAMSum's dialogues look. The phrasing is
 * drawn at random from several ways of saying each thing, and small talk that carries no facts is mixed in,
 * so that a model has to find the plan rather than read it off fixed positions.
 */
final class DialogueWriter {
    private static final List<String> GREETINGS = List.of("Hi {B}!", "Hey {B}, how are you?", "Hello {B}!", "{B}, got a minute?");
    private static final List<String> GREETING_REPLIES = List.of("Hi! Good, thanks.", "Hey! Sure, what's up?", "Hello! All fine here.");
    private static final List<String> PROPOSALS = List.of(
            "Do you want to {plan} at {place} {time}?",
            "Are you free {time}? We could {plan} at {place}.",
            "How about we {plan} {time}? I was thinking of {place}.",
            "Shall we {plan} at {place} {time}?",
            "I'd like to {plan} {time}. Join me at {place}?",
            "Would you like to {plan} with me {time}? Let's meet at {place}.");
    private static final List<String> AGREEMENTS = List.of(
            "Sure, sounds good!", "Yes, I'd love to.", "Great idea, count me in.", "Perfect, see you there.", "Why not, deal!");
    private static final List<String> RESCHEDULINGS = List.of(
            "Sorry, I can't {time}. What about {newTime}?",
            "I'm busy {time}. Could we do it {newTime}?",
            "Not {time}, sorry. Maybe {newTime}?",
            "{time} is bad for me, I have a meeting. Is {newTime} OK?");
    private static final List<String> RESCHEDULE_CONFIRMATIONS = List.of(
            "OK, {newTime} it is.", "Fine, {newTime} works for me.", "Sure, {newTime} then.");
    private static final List<String> REFUSALS = List.of(
            "Sorry, I can't, I have to work.", "I'm afraid I can't make it, I'm away.", "Not this time, sorry. I'm too busy.",
            "I'd love to, but I'm ill this week.");
    private static final List<String> REFUSAL_REPLIES = List.of("No worries, another time.", "Oh well, maybe next week.", "That's a pity. Get well!");
    private static final List<String> REQUESTS = List.of(
            "Could you {request}?", "Can you {request}, please?", "One more thing: please {request}.", "Would you {request}?");
    private static final List<String> REQUEST_ACCEPTANCES = List.of("Sure, I will.", "No problem.", "OK, leave it to me.", "Of course!");
    private static final List<String> REQUEST_REFUSALS = List.of(
            "Sorry, I can't, I won't have time.", "I don't think I can, sorry.", "Not sure I can manage that, sorry.");
    private static final List<String> SELF_HELP = List.of("OK, I'll {request} then.", "Never mind, I'll {request} myself.");
    private static final List<List<String>> SMALL_TALK = List.of(
            List.of("By the way, how was your trip?", "Lovely, thanks. Too short!"),
            List.of("Did you see the match yesterday?", "Yes, what a game!"),
            List.of("Is it going to rain?", "I hope not."),
            List.of("How is your sister?", "Much better, thanks for asking."),
            List.of("I'm so tired today.", "Me too, long week."));
    private static final List<String> CLOSINGS = List.of("See you!", "Great, see you then.", "Bye!", "Thanks!");

    private final RandomGenerator random;

    DialogueWriter(RandomGenerator random) {
        this.random = random;
    }

    String write(DialogueScene scene) {
        List<String> turns = new ArrayList<>();
        String a = scene.proposer();
        String b = scene.partner();
        if (random.nextDouble() < 0.5) {
            say(turns, a, pick(GREETINGS), scene);
            say(turns, b, pick(GREETING_REPLIES), scene);
        }
        say(turns, a, pick(PROPOSALS), scene);
        switch (scene.answer()) {
            case AGREES -> say(turns, b, pick(AGREEMENTS), scene);
            case RESCHEDULES -> {
                say(turns, b, pick(RESCHEDULINGS), scene);
                say(turns, a, pick(RESCHEDULE_CONFIRMATIONS), scene);
            }
            case DECLINES -> {
                say(turns, b, pick(REFUSALS), scene);
                say(turns, a, pick(REFUSAL_REPLIES), scene);
            }
        }
        if (random.nextDouble() < 0.4) {
            List<String> talk = pick(SMALL_TALK);
            boolean partnerAsks = random.nextBoolean();
            say(turns, partnerAsks ? b : a, talk.get(0), scene);
            say(turns, partnerAsks ? a : b, talk.get(1), scene);
        }
        if (scene.favour() != Favour.NONE) {
            say(turns, a, pick(REQUESTS), scene);
            if (scene.favour() == Favour.PARTNER_DOES_IT) {
                say(turns, b, pick(REQUEST_ACCEPTANCES), scene);
            } else {
                say(turns, b, pick(REQUEST_REFUSALS), scene);
                say(turns, a, pick(SELF_HELP), scene);
            }
        }
        if (scene.answer() != Answer.DECLINES && random.nextDouble() < 0.6) {
            say(turns, random.nextBoolean() ? a : b, pick(CLOSINGS), scene);
        }
        return String.join("\n", turns);
    }

    private void say(List<String> turns, String speaker, String template, DialogueScene scene) {
        turns.add(speaker + ": " + fill(template, scene));
    }

    /** Replaces the {slots} of a template with the scene's facts; a slot that opens the sentence gets a capital. */
    static String fill(String template, DialogueScene scene) {
        String text = template.replace("{B}", scene.partner())
                .replace("{plan}", scene.plan())
                .replace("{place}", scene.place())
                .replace("{request}", scene.request() == null ? "" : scene.request())
                .replace("{newTime}", scene.newTime() == null ? "" : scene.newTime())
                .replace("{time}", scene.time());
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
