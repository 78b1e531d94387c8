"""Reference vectors for ROUGE: what Google's rouge_score computes with use_stemmer=True.

rouge_score cannot be installed here, so this script re-implements its algorithm, step by step, from
its source in google-research/google-research, folder rouge/:
  rouge/tokenize.py      tokenize(): lowercase, every run of characters outside [a-z0-9] becomes one
                         space, split on whitespace, stem tokens longer than 3 characters, keep only
                         tokens matching ^[a-z0-9]+$
  rouge/tokenizers.py    DefaultTokenizer(use_stemmer): nltk.stem.porter.PorterStemmer() in its
                         default mode (NLTK_EXTENSIONS), the same stemmer this script uses
  rouge/rouge_scorer.py  RougeScorer.score() and score_multi(), _create_ngrams, _score_ngrams,
                         _score_lcs, _lcs_table, _backtrack_norec, _summary_level_lcs, _union_lcs,
                         and get_sents() for rougeLsum: split on "\n", drop zero-length lines
  rouge/scoring.py       fmeasure(): 2pr/(p+r), 0 when p+r is 0
The stemmer is NLTK's own, so the stem table below is NLTK's output, not a re-implementation.

Writes into training/src/test/resources/fixtures/rouge/:
  stems.tsv     word<TAB>nltk stem, for a few thousand distinct words from DialogSum and SAMSum, chosen
                to cover every path through the stemmer (per-step rule signature), plus short words
  scores.json   prediction/reference(s) pairs with rouge1/rouge2/rougeL/rougeLsum precision, recall and
                F-measure per pair (texts are scored as given: their lines are the Lsum sentences), the
                corpus means of the F-measures, and a few pairs scored with use_stemmer=False

Before writing anything it checks itself against the expectations in rouge_score's rouge_scorer_test.py
(ROUGE-1.5.5's numbers on rouge_score's test data).

Usage: python scripts/reference/rouge_fixtures.py [--data DIR]   (DIR defaults to ../shared/data)
"""
import argparse
import collections
import json
import os
import random
import re

import nltk
from nltk.stem.porter import PorterStemmer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "rouge")

STEMMER = PorterStemmer()  # the default mode, NLTK_EXTENSIONS, as rouge_score constructs it
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


# ---------------------------------------------------------------------------------------------------
# rouge_score, re-implemented


def tokenize(text, use_stemmer=True):
    spaced = re.sub(r"[^a-z0-9]+", " ", text.lower())
    words = re.split(r"\s+", spaced)
    if use_stemmer:
        words = [STEMMER.stem(w) if len(w) > 3 else w for w in words]
    return [w for w in words if re.match(r"^[a-z0-9]+$", w)]


def fmeasure(precision, recall):
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def score_tuple(precision, recall):
    return {"precision": precision, "recall": recall, "fmeasure": fmeasure(precision, recall)}


ZERO = {"precision": 0, "recall": 0, "fmeasure": 0}


def ngram_counts(tokens, n):
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(target, prediction, n):
    t, p = ngram_counts(target, n), ngram_counts(prediction, n)
    overlap = sum(min(count, p[g]) for g, count in t.items())
    return score_tuple(overlap / max(sum(p.values()), 1), overlap / max(sum(t.values()), 1))


def lcs_table(ref, can):
    table = [[0] * (len(can) + 1) for _ in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(can) + 1):
            if ref[i - 1] == can[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table


def lcs_indices(ref, can):
    """The indices into ref of the one LCS that rouge_score's backtrack reads out."""
    table = lcs_table(ref, can)
    i, j, picked = len(ref), len(can), []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            picked.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return picked[::-1]


def rouge_l(target, prediction):
    if not target or not prediction:
        return dict(ZERO)
    length = lcs_table(target, prediction)[-1][-1]
    return score_tuple(length / len(prediction), length / len(target))


def rouge_lsum(target_sentences, prediction_sentences):
    if not target_sentences or not prediction_sentences:
        return dict(ZERO)
    m = sum(len(s) for s in target_sentences)
    n = sum(len(s) for s in prediction_sentences)
    if not m or not n:
        return dict(ZERO)
    left_in_target = collections.Counter(t for s in target_sentences for t in s)
    left_in_prediction = collections.Counter(t for s in prediction_sentences for t in s)
    hits = 0
    for ref in target_sentences:
        union = set()
        for can in prediction_sentences:
            union.update(lcs_indices(ref, can))
        for token in (ref[i] for i in sorted(union)):
            # rouge-1.5.5's guard against counting a token more often than either side has it
            if left_in_prediction[token] > 0 and left_in_target[token] > 0:
                hits += 1
                left_in_prediction[token] -= 1
                left_in_target[token] -= 1
    return score_tuple(hits / n, hits / m)


def sentences(text):
    return [line for line in text.split("\n") if len(line)]


def score(target, prediction, use_stemmer=True):
    t, p = tokenize(target, use_stemmer), tokenize(prediction, use_stemmer)
    return {
        "rouge1": rouge_n(t, p, 1),
        "rouge2": rouge_n(t, p, 2),
        "rougeL": rouge_l(t, p),
        "rougeLsum": rouge_lsum([tokenize(s, use_stemmer) for s in sentences(target)],
                                [tokenize(s, use_stemmer) for s in sentences(prediction)]),
    }


def score_multi(targets, prediction, use_stemmer=True):
    """Per ROUGE type, the score against the reference with the highest F (the first on ties)."""
    per_target = [score(t, prediction, use_stemmer) for t in targets]
    best = {}
    for kind in TYPES:
        winner = per_target[0][kind]
        for s in per_target[1:]:
            if s[kind]["fmeasure"] > winner["fmeasure"]:
                winner = s[kind]
        best[kind] = winner
    return best


def self_check():
    """The re-implementation against the expectations in rouge_score's rouge/rouge_scorer_test.py (values from
    manual runs of ROUGE-1.5.5 on the first two lines of rouge/testdata/target.txt and prediction.txt, and on
    testdata/pyrouge_files/{target,prediction}_multi.0.txt), so that a slip here cannot pass silently."""
    target = [
        "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
        "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
        "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
        "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
        "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
        "NhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkNE QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J "
        "dVN tmbOT\n",
        "vMR HDm,xOAetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing AwkeKbO 'DxqNOHBH "
        "qKtVvm OYJl mM\n",
    ]
    prediction = [
        "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
        "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
        "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
        "xfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J\n",
        "VjWH'BdyWjnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO\n",
    ]
    expected = [  # (line, use_stemmer, type, recall, precision, fmeasure)
        (0, False, "rouge1", 0.40741, 0.68750, 0.51163), (1, False, "rouge1", 0.40476, 0.65385, 0.50000),
        (0, True, "rouge1", 0.40741, 0.68750, 0.51163), (1, True, "rouge1", 0.42857, 0.69231, 0.52941),
        (0, True, "rouge2", 0.30769, 0.53333, 0.39024), (1, True, "rouge2", 0.29268, 0.48000, 0.36364),
        (0, False, "rougeL", 0.40741, 0.68750, 0.51163), (1, False, "rougeL", 0.40476, 0.65385, 0.50000),
    ]
    for line, use_stemmer, kind, recall, precision, f in expected:
        got = score(target[line], prediction[line], use_stemmer)[kind]
        assert (round(got["recall"], 5), round(got["precision"], 5), round(got["fmeasure"], 5)) == (recall, precision, f), \
            (line, use_stemmer, kind, got)
    got = score("".join(target), "".join(prediction))["rougeLsum"]
    assert (round(got["recall"], 5), round(got["precision"], 5), round(got["fmeasure"], 5)) == (0.36538, 0.66667, 0.47205), got
    got = score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", use_stemmer=False)["rougeLsum"]
    assert (got["recall"], got["precision"], round(got["fmeasure"], 4)) == (0.8, 0.4, 0.5333), got


# ---------------------------------------------------------------------------------------------------
# inputs


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_data(data):
    return {
        "dialogsum_test": read_jsonl(os.path.join(data, "dialogsum", "test.jsonl")),
        "dialogsum_train": read_jsonl(os.path.join(data, "dialogsum", "train.jsonl")),
        "dialogsum_validation": read_jsonl(os.path.join(data, "dialogsum", "validation.jsonl")),
        "samsum_train": read_jsonl(os.path.join(data, "samsum", "train.jsonl")),
        "samsum_validation": read_jsonl(os.path.join(data, "samsum", "validation.jsonl")),
    }


TEXT_FIELDS = ("dialogue", "summary", "summary1", "summary2", "summary3")


def raw_words(datasets):
    words = set()
    for rows in datasets.values():
        for row in rows:
            for field in TEXT_FIELDS:
                if field in row:
                    words.update(w for w in re.sub(r"[^a-z0-9]+", " ", row[field].lower()).split())
    return sorted(words)


# ---------------------------------------------------------------------------------------------------
# the stem table


def stem_signature(word):
    """Which suffix each of NLTK's steps rewrote, e.g. (('1a', 's', ''), ('4', 'ment', '')): words with
    the same signature exercise the same rules."""
    if word in STEMMER.pool or len(word) <= 2:
        return ("special",)
    steps = [("1a", STEMMER._step1a), ("1b", STEMMER._step1b), ("1c", STEMMER._step1c),
             ("2", STEMMER._step2), ("3", STEMMER._step3), ("4", STEMMER._step4),
             ("5a", STEMMER._step5a), ("5b", STEMMER._step5b)]
    signature, current = [], word
    for name, step in steps:
        after = step(current)
        if after != current:
            common = 0
            while common < min(len(after), len(current)) and after[common] == current[common]:
                common += 1
            signature.append((name, current[common:], after[common:]))
        current = after
    return tuple(signature)


HAND_PICKED_WORDS = [
    # NLTK's irregular forms and short-word shortcut
    "sky", "skies", "dying", "lying", "tying", "news", "innings", "inning", "outings", "outing",
    "cannings", "canning", "howe", "proceed", "exceed", "succeed", "a", "is", "as", "yes", "ies",
    # the paper's examples
    "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring",
    "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed",
    "failing", "filing", "happy", "relational", "conditional", "rational", "valenci", "hesitanci",
    "digitizer", "conformabli", "radicalli", "differentli", "vileli", "analogousli", "vietnamization",
    "predication", "operator", "feudalism", "decisiveness", "hopefulness", "callousness", "formaliti",
    "sensitiviti", "sensibiliti", "triplicate", "formative", "formalize", "electriciti", "electrical",
    "hopeful", "goodness", "revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable",
    "defensible", "irritant", "replacement", "adjustment", "dependent", "adoption", "homologou",
    "communism", "activate", "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate",
    "cease", "controll", "roll",
    # NLTK's extensions: -ies/-ied on 4 letters, -y after a consonant, -alli, -fulli, -logi
    "dies", "died", "flies", "spied", "spy", "fly", "enjoy", "toy", "generalli", "hopefulli",
    "archaeologi", "theologi", "geologi", "syzygy", "yyyy", "yyyyy", "ayy", "eyed",
    # digits and mixtures the tokenizer lets through
    "1990s", "2nd", "3rd", "4th", "100", "mp3s", "covid19", "abc123ing",
]


def stem_table(words, rng, per_signature=12, total=7000):
    by_signature = collections.defaultdict(list)
    for w in words:
        by_signature[stem_signature(w)].append(w)
    chosen = set(HAND_PICKED_WORDS)
    for group in by_signature.values():
        chosen.update(rng.sample(group, min(per_signature, len(group))))
    chosen.update(rng.sample([w for w in words if len(w) <= 3], 300))
    rest = [w for w in words if w not in chosen]
    chosen.update(rng.sample(rest, max(0, total - len(chosen))))
    return sorted(chosen), len(by_signature)


# ---------------------------------------------------------------------------------------------------
# the scored pairs


def split_sentences_simply(text):
    """Only to lay out multi-line fixtures; the Java splitter is tested on its own cases."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


SUFFIXES = ["s", "es", "ed", "ing", "ly", "ness", "ment", "ation", "er", "ers", "ful", "ize", "ized"]


class Perturber:
    def __init__(self, rng, vocabulary):
        self.rng = rng
        self.vocabulary = vocabulary

    def __call__(self, text):
        words = text.split(" ")
        edits = self.rng.randint(1, 4)
        for _ in range(edits):
            if not words:
                break
            kind = self.rng.choice(["drop", "swap", "inflect", "inflect", "duplicate", "replace", "case",
                                    "punctuate", "strip_suffix"])
            i = self.rng.randrange(len(words))
            if kind == "drop" and len(words) > 1:
                del words[i]
            elif kind == "swap" and i + 1 < len(words):
                words[i], words[i + 1] = words[i + 1], words[i]
            elif kind == "inflect":
                words[i] = words[i].rstrip(".,!?") + self.rng.choice(SUFFIXES)
            elif kind == "strip_suffix":
                for suffix in sorted(SUFFIXES, key=len, reverse=True):
                    if words[i].endswith(suffix) and len(words[i]) > len(suffix) + 2:
                        words[i] = words[i][: -len(suffix)]
                        break
            elif kind == "duplicate":
                words.insert(i, words[i])
            elif kind == "replace":
                words[i] = self.rng.choice(self.vocabulary)
            elif kind == "case":
                words[i] = words[i].upper() if self.rng.random() < 0.5 else words[i].title()
            elif kind == "punctuate":
                words[i] = words[i] + self.rng.choice([",", " -", "'s", "...", " (", ")", ";", "--"])
        return " ".join(words)


HAND_WRITTEN_PAIRS = [
    # (prediction, references)
    ("", [""]),
    ("", ["the cat sat on the mat"]),
    ("the cat sat on the mat", [""]),
    ("   \n\n  ", ["the cat"]),
    ("...!?", ["--- ;;; ,,,"]),
    ("the cat sat on the mat", ["the cat sat on the mat"]),
    ("the the the the", ["the cat"]),
    ("the cat", ["the the the the"]),
    ("cat", ["cat"]),
    ("cat", ["dog"]),
    ("a b c d", ["d c b a"]),
    ("running runs runner ran", ["run running ran runners"]),
    ("was is has his", ["wa i ha hi"]),
    ("Flies are dying; skies are lying.", ["The fly died, the sky lied"]),
    ("İstanbul KELVIN \u212aelvin caf\u00e9 na\u00efve \uff11\uff12\uff13 123", ["istanbul kelvin cafe naive 123"]),
    ("C'est la vie! Don't stop-believing, it's 5:30 p.m.", ["dont stop believing its 5 30 pm"]),
    ("emoji \U0001F600 test\U0001F600ing tab\tseparated", ["emoji testing tab separated"]),
    ("one\ntwo\nthree", ["one two three"]),
    ("one two three", ["one\ntwo\nthree"]),
    ("a b\nb a", ["a b a b"]),
    ("a b a b", ["a b\nb a"]),
    ("x y z\n\n\nz y x\n", ["x z\n\ny x\n"]),
    ("the cat\r\nthe dog\r\n", ["the dog\r\nthe cat"]),
    ("w1 w2 w3 w4 w5\nw6 w7", ["w1 w3 w5\nw2 w4\nw6 w7 w1"]),
    ("police killed the gunman", ["the gunman police killed", "the gunman was shot", ""]),
    ("the cat", ["", "the cat"]),
    ("the cat", ["the dog", "the cow"]),
    ("a b c", ["a b x", "a c b", "c b a"]),
    ("only the punctuation differs.", ["Only, the punctuation -- differs!", "only the punctuation differs"]),
    ("\u00a0nbsp\u2003em\u3000ideographic spaces", ["nbsp em ideographic spaces"]),
]


def row(prediction, references, use_stemmer=True):
    scores = score_multi(references, prediction, use_stemmer)
    return {"prediction": prediction, "references": references, "scores": scores}


def make_pairs(datasets, rng):
    test = datasets["dialogsum_test"]
    samsum = datasets["samsum_validation"]
    vocabulary = raw_words({"s": samsum})
    perturb = Perturber(rng, vocabulary)
    samsum_multi = [r["summary"] for r in samsum if len(split_sentences_simply(r["summary"])) >= 2]
    pairs = [(p, refs, "hand-written") for p, refs in HAND_WRITTEN_PAIRS]

    for r in rng.sample(test, 50):  # two human summaries of one dialogue
        pairs.append((r["summary1"], [r["summary2"]], "dialogsum summary1 vs summary2"))
    for r in rng.sample(test, 40):  # the third against the other two
        pairs.append((r["summary3"], [r["summary1"], r["summary2"]], "dialogsum summary3 vs 1 and 2"))
    for r in rng.sample(test, 25):
        pairs.append((perturb(r["summary1"]), [r["summary1"], r["summary2"], r["summary3"]],
                      "perturbed dialogsum summary1 vs all three"))
    for r in rng.sample(samsum, 90):
        pairs.append((perturb(r["summary"]), [r["summary"]], "perturbed samsum summary"))
    for a, b in zip(rng.sample(samsum, 25), rng.sample(samsum, 25)):
        pairs.append((a["summary"], [b["summary"]], "unrelated samsum summaries"))
    for text in rng.sample(samsum_multi, 60):  # one sentence a line, reordered or perturbed
        lines = split_sentences_simply(text)
        predicted = [perturb(s) if rng.random() < 0.6 else s for s in lines]
        rng.shuffle(predicted)
        if rng.random() < 0.3:
            predicted.insert(rng.randrange(len(predicted) + 1), "")
        if rng.random() < 0.2:
            predicted.insert(rng.randrange(len(predicted) + 1), " ... ")
        joiner = "\r\n" if rng.random() < 0.1 else "\n"
        pairs.append((joiner.join(predicted), ["\n".join(lines)], "multi-line samsum summary"))
    for text in rng.sample(samsum_multi, 15):  # Lsum sees one sentence on one side, lines on the other
        pairs.append((perturb(text), ["\n".join(split_sentences_simply(text))], "one line vs lines"))
    for r in rng.sample(datasets["dialogsum_validation"], 6):  # long inputs
        pairs.append((r["summary"], [r["dialogue"]], "summary vs its whole dialogue"))
    for r in rng.sample(datasets["samsum_train"], 6):
        pairs.append((r["dialogue"].replace("\r\n", "\n"), [r["summary"]], "dialogue vs its summary"))
    return pairs


# ---------------------------------------------------------------------------------------------------


def one_case_a_line(fixture):
    """JSON with one case per line, so that a regenerated fixture diffs case by case."""
    parts = []
    for key, value in fixture.items():
        if isinstance(value, list):
            rows = ",\n".join("  " + json.dumps(v, ensure_ascii=True) for v in value)
            parts.append(f" {json.dumps(key)}: [\n{rows}\n ]")
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    args = parser.parse_args()
    self_check()
    rng = random.Random(20240611)
    datasets = load_data(args.data)
    os.makedirs(OUT, exist_ok=True)

    words, signatures = stem_table(raw_words(datasets), rng)
    with open(os.path.join(OUT, "stems.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for w in words:
            f.write(f"{w}\t{STEMMER.stem(w)}\n")

    cases = []
    for prediction, references, source in make_pairs(datasets, rng):
        case = row(prediction, references)
        case["source"] = source
        cases.append(case)
    means = {kind: sum(c["scores"][kind]["fmeasure"] for c in cases) / len(cases) for kind in TYPES}
    unstemmed = [row(p, refs, use_stemmer=False) for p, refs in HAND_WRITTEN_PAIRS[5:20]]
    unstemmed += [row(c["prediction"], c["references"], use_stemmer=False)
                  for c in rng.sample(cases[len(HAND_WRITTEN_PAIRS):], 25)]

    fixture = {
        "generator": "scripts/reference/rouge_fixtures.py",
        "nltk": nltk.__version__,
        "use_stemmer": True,
        "cases": cases,
        "means": means,
        "unstemmed_cases": unstemmed,
    }
    with open(os.path.join(OUT, "scores.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(one_case_a_line(fixture))
    print(f"stems.tsv: {len(words)} words over {signatures} rule signatures; "
          f"scores.json: {len(cases)} pairs, {len(unstemmed)} unstemmed; means {means}")


if __name__ == "__main__":
    main()
