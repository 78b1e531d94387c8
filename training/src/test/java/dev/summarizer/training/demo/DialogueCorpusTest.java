package dev.summarizer.training.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.training.demo.DialogueCorpus.Example;
import dev.summarizer.training.demo.DialogueScene.Answer;
import dev.summarizer.training.demo.DialogueScene.Combination;
import dev.summarizer.training.demo.DialogueScene.Favour;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DialogueCorpusTest {
    private static final DialogueCorpus.Splits SPLITS = new DialogueCorpus(7).generate(4000, 200, 300);

    @Test
    void heldOutCombinationsNeverOccurInTrainingOrValidation() {
        Set<Combination> seen = Stream.concat(SPLITS.train().stream(), SPLITS.validation().stream())
                .map(e -> e.scene().combination()).collect(Collectors.toSet());
        Set<Combination> heldOut = SPLITS.test().stream().map(e -> e.scene().combination()).collect(Collectors.toSet());
        assertTrue(heldOut.size() > 250, "the test split covers many combinations, got " + heldOut.size());
        Set<Combination> overlap = new HashSet<>(heldOut);
        overlap.retainAll(seen);
        assertEquals(Set.of(), overlap);
    }

    @Test
    void aboutOneCombinationInTenIsHeldOut() {
        DialogueCorpus corpus = new DialogueCorpus(7);
        int heldOut = 0;
        int all = 0;
        for (String a : DialogueWorld.PEOPLE) {
            for (String b : DialogueWorld.PEOPLE) {
                if (a.compareTo(b) >= 0) {
                    continue;
                }
                for (String plan : DialogueWorld.PLANS) {
                    for (String place : DialogueWorld.PLACES) {
                        all++;
                        heldOut += corpus.isHeldOut(new Combination(a, b, plan, place)) ? 1 : 0;
                    }
                }
            }
        }
        assertEquals(0.1, heldOut / (double) all, 0.01);
    }

    @Test
    void everyPersonPlanAndPlaceOfTheTestSplitIsSeenInTraining() {
        for (Example example : SPLITS.test()) {
            DialogueScene s = example.scene();
            for (String fact : List.of(s.proposer(), s.partner(), s.plan(), s.place())) {
                assertTrue(SPLITS.train().stream().anyMatch(e -> mentions(e.scene(), fact)), fact + " never occurs in training");
            }
        }
    }

    private static boolean mentions(DialogueScene s, String fact) {
        return Set.of(s.proposer(), s.partner(), s.plan(), s.place()).contains(fact);
    }

    @Test
    void dialoguesStateTheFactsTheirSummariesReport() {
        for (Example example : SPLITS.train()) {
            DialogueScene s = example.scene();
            String[] turns = example.dialogue().split("\n");
            assertTrue(turns[0].startsWith(s.proposer() + ": "), "the proposer opens: " + example.dialogue());
            for (String turn : turns) {
                assertTrue(turn.startsWith(s.proposer() + ": ") || turn.startsWith(s.partner() + ": "), turn);
            }
            for (String fact : List.of(s.plan(), s.place())) {
                assertTrue(example.dialogue().contains(fact), fact + " missing from " + example.dialogue());
                assertTrue(example.summary().contains(fact), fact + " missing from " + example.summary());
            }
            assertTrue(example.dialogue().toLowerCase().contains(s.time().toLowerCase()), example.dialogue());
            if (s.answer() == Answer.RESCHEDULES) {
                assertTrue(example.dialogue().toLowerCase().contains(s.newTime().toLowerCase()), example.dialogue());
                assertTrue(example.summary().endsWith(s.newTime() + ".") || example.summary().contains(s.newTime() + ". "),
                        "the summary keeps the new time: " + example.summary());
            }
            if (s.favour() != Favour.NONE) {
                assertTrue(example.dialogue().contains(s.request()), example.dialogue());
                String doer = s.favour() == Favour.PARTNER_DOES_IT ? s.partner() : s.proposer();
                assertTrue(example.summary().endsWith(doer + " will " + s.request() + "."), example.summary());
            }
            assertTrue(example.summary().startsWith(s.answer() == Answer.AGREES ? s.proposer() + " and " + s.partner() : s.partner()),
                    example.summary());
        }
    }

    @Test
    void theCorpusMixesOutcomesAndPhrasings() {
        Set<Answer> answers = EnumSet.noneOf(Answer.class);
        Set<Favour> favours = EnumSet.noneOf(Favour.class);
        Set<String> openings = new HashSet<>();
        for (Example example : SPLITS.train()) {
            answers.add(example.scene().answer());
            favours.add(example.scene().favour());
            openings.add(example.dialogue().lines().findFirst().orElseThrow().replace(example.scene().proposer(), "A")
                    .replace(example.scene().partner(), "B").replace(example.scene().plan(), "P")
                    .replace(example.scene().place(), "L").replace(example.scene().time(), "T"));
        }
        assertEquals(EnumSet.allOf(Answer.class), answers);
        assertEquals(EnumSet.allOf(Favour.class), favours);
        assertTrue(openings.size() >= 8, "greetings and proposals vary: " + openings);
    }

    @Test
    void theSeedDecidesTheCorpus() {
        DialogueCorpus.Splits again = new DialogueCorpus(7).generate(4000, 200, 300);
        assertEquals(SPLITS.train().subList(0, 50), again.train().subList(0, 50));
        DialogueCorpus.Splits other = new DialogueCorpus(8).generate(50, 1, 1);
        assertNotEquals(SPLITS.train().subList(0, 50), other.train());
        assertFalse(SPLITS.train().get(0).dialogue().isBlank());
    }
}
