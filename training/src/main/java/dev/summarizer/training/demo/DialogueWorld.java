package dev.summarizer.training.demo;

import java.util.List;

/**
 * What the synthetic dialogues talk about: people, the plans they make, where and when, and the small favours
 * they ask of each other. Every plan and request is an infinitive phrase, so that the same words fit into the
 * dialogue ("Shall we play tennis ...?") and into the reference summary ("Anna and Ben will play tennis ...").
 */
final class DialogueWorld {
    static final List<String> PEOPLE = List.of(
            "Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jonas",
            "Kate", "Leo", "Maya", "Nina", "Omar", "Paula", "Rosa", "Sam", "Tara", "Victor");

    static final List<String> PLANS = List.of(
            "have lunch", "have dinner", "watch a film", "play tennis", "go for a run", "study for the exam",
            "have coffee", "go shopping", "visit the exhibition", "practise the presentation", "play chess",
            "go swimming");

    static final List<String> PLACES = List.of(
            "the station", "the library", "the park", "Luigi's", "the mall", "the gym", "the old bridge",
            "the market", "the harbour", "the town hall", "the museum", "Rosie's cafe");

    /** Phrases that follow a place or a verb: "at the park at noon", "I can't make it at noon". */
    static final List<String> TIMES = List.of(
            "at noon", "at seven", "at half past five", "tomorrow morning", "tomorrow evening", "on Friday",
            "on Saturday afternoon", "on Sunday", "after work", "next Monday");

    static final List<String> REQUESTS = List.of(
            "bring the tickets", "book a table", "bring an umbrella", "buy some snacks", "bring the charger",
            "reserve a court", "print the notes", "bring a laptop", "pick up the keys", "call the others");

    private DialogueWorld() {}
}
