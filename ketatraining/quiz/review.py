"""Item-writing review: cues a test-wise learner can use, and wording that misleads.

``validate`` says whether a quiz *works*; ``review`` says whether its items are *fair*.
The rules paraphrase the technical item flaws of the published item-writing guidance
(the NBME's *Constructing Written Test Questions for the Basic and Clinical Sciences*
and the item-writing literature built on it):

- flaws that help the test-wise: the key is the longest option (KQ401, and across the
  quiz KQ402), absolute words such as "always" or "never" only in wrong options
  (KQ405), words of the stem repeated only in the key (KQ406), the key kept at one
  position (KQ408);
- flaws that add irrelevant difficulty: "all/none of the above" (KQ403), a negative
  lead-in without emphasis (KQ404), duplicate or near-duplicate options (KQ407).

Every finding is a warning with a code, the question and a fix. Checks across a quiz
compare with chance by an exact binomial tail, so a short quiz is not flagged for a
pattern that luck alone explains.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ketatraining.quiz.model import MultipleChoice, Option, Quiz, SingleChoice
from ketatraining.quiz.problems import Problem
from ketatraining.quiz.yamlsource import Document
from ketatraining.text import plain_text

SIGNIFICANCE = 0.05
"""A quiz-wide pattern is flagged when chance alone would give it less often than this."""
NEAR_DUPLICATE = 0.9
"""Options whose texts are this similar (difflib ratio, 0..1) count as near-duplicates."""
MIN_ITEMS = 4
"""Fewer single-choice items than this say nothing about a quiz-wide pattern."""

REVIEW_CODES = ("KQ401", "KQ402", "KQ403", "KQ404", "KQ405", "KQ406", "KQ407", "KQ408")

_ABOVE = re.compile(r"\b(all|none|neither|both)\s+of\s+(the\s+)?(above|these|those)\b", re.IGNORECASE)
_NEGATIVE = re.compile(r"\b(not|except|least|incorrect|untrue|[a-z]+n't)\b", re.IGNORECASE)
_ABSOLUTE = re.compile(
    r"\b(always|never|only|all|none|every|must|completely|entirely|absolutely|"
    r"impossible|guaranteed|certainly|exclusively|invariably|no one|nobody)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_STOP_WORDS = """
about above after again against also among an and any are because been before being below
between both but can could did does doing down during each few for from further had has
have having her here hers him his how into its itself just more most much near off once
other our out over own same she should some such than that the their them then there these
they this those through too under until very was were what when where which while who whom
why will with would you your yes first second third following which patient patients
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class _Item:
    """A choice question as the checks see it: plain option texts and the keys."""

    index: int
    question: SingleChoice | MultipleChoice
    texts: tuple[str, ...]
    keys: tuple[int, ...]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", plain_text(text)).strip()


def _words(text: str) -> set[str]:
    found = set()
    for word in _WORD.findall(text.lower()):
        if len(word) < 4 or word in _STOP or word.isdigit():
            continue
        found.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return found


def binomial_tail(observed: int, chances: Sequence[float]) -> float:
    """P(at least ``observed`` successes) when trial i succeeds with ``chances[i]``.

    The exact Poisson-binomial distribution, by dynamic programming: the items of a quiz
    have different numbers of options, so each has its own chance.
    """
    distribution = [1.0]
    for p in chances:
        step = [0.0] * (len(distribution) + 1)
        for k, weight in enumerate(distribution):
            step[k] += weight * (1 - p)
            step[k + 1] += weight * p
        distribution = step
    return min(1.0, sum(distribution[observed:]))


class _Reviewer:
    def __init__(self, quiz: Quiz, document: Document | None, path: str) -> None:
        self.quiz = quiz
        self.document = document
        self.path = path
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, hint: str, loc: tuple[Any, ...] = (),
            question: str | None = None) -> None:
        line, column = self.document.position(loc) if self.document else (None, None)
        field = None
        if len(loc) > 2:
            field = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]"
                             for p in loc[2:]).replace(".[", "[")
        self.problems.append(Problem(code, message, self.path, line, column,
                                     question=question, field=field, hint=hint,
                                     severity="warning"))

    # -- per question ---------------------------------------------------------------
    def longest_key(self, item: _Item) -> bool:
        """KQ401: the single key is longer than every wrong option. Returns whether."""
        if not _key_is_longest(item):
            return False
        lengths = [len(t) for t in item.texts]
        key = item.keys[0]
        others = [n for i, n in enumerate(lengths) if i != key]
        self.add("KQ401", f"The right option is the longest ({lengths[key]} characters; the "
                 f"longest wrong one has {max(others)}).",
                 "Shorten the key or lengthen a wrong option so that length gives nothing "
                 "away; test-wise learners pick the longest, most qualified option.",
                 ("questions", item.index, "options", key), item.question.id)
        return True

    def above(self, item: _Item) -> None:
        """KQ403: 'all of the above' / 'none of the above' as an option."""
        for i, text in enumerate(item.texts):
            match = _ABOVE.search(text)
            if match:
                self.add("KQ403", f"Option {item.question.options[i].id} says "
                         f"'{match.group(0)}'.",
                         "Replace it with a plausible option of its own: 'all of the above' "
                         "is found by spotting two right options, and 'none of the above' "
                         "rewards knowing what is wrong, not what is right.",
                         ("questions", item.index, "options", i), item.question.id)

    def absolutes(self, item: _Item) -> None:
        """KQ405: absolute words appear in wrong options but in no key."""
        texts = [_ABOVE.sub(" ", t) for t in item.texts]  # "none of the above" is KQ403
        if any(_ABSOLUTE.search(texts[i]) for i in item.keys):
            return
        for i, text in enumerate(texts):
            if i in item.keys:
                continue
            words = sorted({w.lower() for w in _ABSOLUTE.findall(text)})
            if words:
                shown = ", ".join(f"'{w}'" for w in words)
                self.add("KQ405", f"Wrong option {item.question.options[i].id} uses {shown}; "
                         "no right option does.",
                         "Rephrase without the absolute word, or use such words in right "
                         "options too: learners learn that 'always' and 'never' are "
                         "usually wrong.",
                         ("questions", item.index, "options", i), item.question.id)

    def stem_echo(self, item: _Item) -> None:
        """KQ406: a content word of the stem reappears in a key and in no wrong option."""
        stem = _words(_plain(item.question.prompt))
        wrong: set[str] = set()
        for i, text in enumerate(item.texts):
            if i not in item.keys:
                wrong |= _words(text)
        for i in item.keys:
            echoed = sorted((stem & _words(item.texts[i])) - wrong)
            if echoed:
                shown = ", ".join(f"'{w}'" for w in echoed[:4])
                self.add("KQ406", f"The right option {item.question.options[i].id} repeats "
                         f"{shown} from the question; no wrong option does.",
                         "Reword the key, or use the word in a wrong option too, so that "
                         "matching words do not point to the answer.",
                         ("questions", item.index, "options", i), item.question.id)

    def duplicates(self, item: _Item) -> None:
        """KQ407: two options say the same (ignoring case, spacing and punctuation)."""
        normal = [re.sub(r"[^a-z0-9]+", " ", t.lower()).strip() for t in item.texts]
        options = item.question.options
        for i in range(len(normal)):
            for j in range(i + 1, len(normal)):
                ratio = difflib.SequenceMatcher(None, normal[i], normal[j]).ratio()
                if normal[i] == normal[j] or ratio >= NEAR_DUPLICATE:
                    kind = "the same" if normal[i] == normal[j] else "nearly the same"
                    self.add("KQ407", f"Options {options[i].id} and {options[j].id} say "
                             f"{kind} ({ratio:.0%} alike).",
                             "Make each option a distinct, plausible answer; near-twins "
                             "are either both right or both easy to rule out.",
                             ("questions", item.index, "options", j), item.question.id)

    def negative_stem(self, index: int, question: Any) -> None:
        """KQ404: a negative word in the lead-in that is neither bold, italic nor capitals."""
        lead_in = _lead_in(question.prompt)
        for match in _NEGATIVE.finditer(lead_in):
            word = match.group(0)
            if re.match(r"\s+(only|just)\b", lead_in[match.end():], re.IGNORECASE) or (
                    word.lower() == "least" and lead_in[:match.start()].lower().endswith("at ")):
                continue  # "not only", "at least": not a negative question
            if word.isupper() and len(word) > 1:
                continue
            if _emphasised(lead_in, match.start(), match.end()):
                continue
            self.add("KQ404", f"The question is worded negatively ('{word}') without "
                     "emphasis.",
                     f"Ask it positively if you can; otherwise make the word stand out "
                     f"(**{word.upper()}**), so that a learner reading quickly does not "
                     "answer the opposite question.",
                     ("questions", index, "prompt"), question.id)
            return

    # -- across the quiz -------------------------------------------------------------
    def longest_share(self, items: Sequence[_Item], longest: int) -> None:
        """KQ402: the key is the longest far more often than chance."""
        single = [i for i in items if isinstance(i.question, SingleChoice) and i.keys]
        if len(single) < MIN_ITEMS:
            return
        chances = [1 / len(i.texts) for i in single]
        expected = sum(chances)
        p = binomial_tail(longest, chances)
        if longest > expected and p < SIGNIFICANCE:
            self.add("KQ402", f"In {longest} of {len(single)} single-choice questions the "
                     f"right option is the longest ({longest / len(single):.0%}; chance "
                     f"would give about {expected / len(single):.0%}, p = {p:.2g}).",
                     "Review the KQ401 findings: a learner who always picks the longest "
                     "option scores far above chance on this quiz.", ("questions",))

    def key_positions(self, items: Sequence[_Item]) -> None:
        """KQ408: one option position holds the key far more often than chance."""
        single = [i for i in items if isinstance(i.question, SingleChoice) and i.keys]
        if len(single) < MIN_ITEMS:
            return
        widest = max(len(i.texts) for i in single)
        for position in range(widest):
            chances = [1 / len(i.texts) for i in single if len(i.texts) > position]
            observed = sum(i.keys[0] == position for i in single)
            expected = sum(chances)
            # Bonferroni over the positions tested.
            p = min(1.0, binomial_tail(observed, chances) * widest)
            if observed > expected and p < SIGNIFICANCE:
                letter = chr(ord("A") + position)
                shuffled = (" The quiz shuffles options, so learners in the course do not "
                            "see it, but exports (GIFT, QTI, print) keep this order."
                            if self.quiz.shuffle else "")
                self.add("KQ408", f"The right option is in position {position + 1} ({letter}) "
                         f"in {observed} of {len(single)} single-choice questions (chance "
                         f"would give about {expected:.1f}, p = {p:.2g}).{shuffled}",
                         "Spread the right options evenly over the positions.",
                         ("questions",))


def _key_is_longest(item: _Item) -> bool:
    """Whether a single-choice key is longer than every wrong option (ties give nothing
    away)."""
    if not isinstance(item.question, SingleChoice) or len(item.keys) != 1:
        return False
    lengths = [len(t) for t in item.texts]
    others = [n for i, n in enumerate(lengths) if i != item.keys[0]]
    return bool(others) and lengths[item.keys[0]] > max(others)


@dataclass(frozen=True)
class KeyShare:
    """How often a quiz's single-choice key is its longest option, against chance."""

    longest: int
    """Single-choice questions whose key is longer than every wrong option."""
    questions: int
    """Single-choice questions with a key."""
    chance: float
    """How many of them chance alone would give (the sum of 1 / options)."""
    p: float
    """The exact probability of at least ``longest`` by chance (KQ402 flags p < 0.05)."""

    def as_dict(self) -> dict[str, float | int]:
        return {"longest": self.longest, "questions": self.questions,
                "share": self.longest / self.questions, "chance": self.chance / self.questions,
                "p": self.p}

    def sentence(self) -> str:
        flagged = (" (KQ402)" if self.questions >= MIN_ITEMS and self.longest > self.chance
                   and self.p < SIGNIFICANCE else "")
        return (f"the right option is the longest in {self.longest} of {self.questions} "
                f"single-choice questions ({self.longest / self.questions:.0%}; chance "
                f"would give about {self.chance / self.questions:.0%}){flagged}")


def longest_key_share(quiz: Quiz) -> KeyShare | None:
    """The quiz-wide share behind KQ402, shown by ``review`` for every quiz (None without
    single-choice questions)."""
    single = [i for i in _items(quiz) if isinstance(i.question, SingleChoice) and i.keys]
    if not single:
        return None
    longest = sum(_key_is_longest(i) for i in single)
    chances = [1 / len(i.texts) for i in single]
    return KeyShare(longest, len(single), sum(chances), binomial_tail(longest, chances))


def _lead_in(prompt: str) -> str:
    """The sentence that asks the question: the last one with a '?', else the last one."""
    text = re.sub(r"\s+", " ", prompt).strip()
    sentences = [s for s in re.split(r"(?<=[.?!:])\s+(?=[*_<A-Z\"'(])", text) if s.strip()]
    asking = [s for s in sentences if "?" in s]
    return (asking or sentences or [text])[-1]


def _emphasised(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits inside Markdown or HTML emphasis."""
    before, after = text[:start], text[end:]
    for mark in ("**", "__", "*", "_"):
        if before.count(mark) % 2 == 1 and mark in after:
            return True
    lowered = before.lower()
    for tag in ("strong", "em", "b", "u", "i"):
        if lowered.rfind(f"<{tag}>") > lowered.rfind(f"</{tag}>"):
            return True
    return False


def _items(quiz: Quiz) -> list[_Item]:
    items = []
    for index, question in enumerate(quiz.questions):
        if isinstance(question, (SingleChoice, MultipleChoice)):
            options: list[Option] = list(question.options)
            items.append(_Item(index, question, tuple(_plain(o.text) for o in options),
                               tuple(i for i, o in enumerate(options) if o.correct)))
    return items


def review_quiz(quiz: Quiz, document: Document | None = None,
                path: str = "") -> list[Problem]:
    """Item-writing warnings for one valid quiz, in file order."""
    reviewer = _Reviewer(quiz, document, path or f"{quiz.id}.yaml")
    items = _items(quiz)
    longest = 0
    for index, question in enumerate(quiz.questions):
        reviewer.negative_stem(index, question)
    for item in items:
        longest += reviewer.longest_key(item)
        reviewer.above(item)
        reviewer.absolutes(item)
        reviewer.stem_echo(item)
        reviewer.duplicates(item)
    reviewer.longest_share(items, longest)
    reviewer.key_positions(items)
    return sorted(reviewer.problems, key=lambda p: (p.line or 0, p.column or 0, p.code))


def review_paths(paths: Iterable[Path]) -> dict[Path, list[Problem]]:
    """Review every quiz file named (folders searched): validation errors block a review,
    so a file with errors reports those instead."""
    return review_with_shares(paths)[0]


def review_with_shares(paths: Iterable[Path]) -> tuple[dict[Path, list[Problem]],
                                                       dict[Path, KeyShare]]:
    """:func:`review_paths`, plus each reviewed quiz's :class:`KeyShare` (for the report)."""
    from ketatraining.quiz.loading import CATALOG_FILES, check_file, iter_quiz_files
    from ketatraining.quiz.yamlsource import read_yaml

    results: dict[Path, list[Problem]] = {}
    shares: dict[Path, KeyShare] = {}
    for path in iter_quiz_files(paths):
        if path.name in CATALOG_FILES:
            continue
        quiz, problems = check_file(path)
        if quiz is None:
            results[path] = [p for p in problems if p.severity == "error"]
            continue
        document, _ = read_yaml(path.read_bytes(), str(path))
        results[path] = review_quiz(quiz, document, str(path))
        share = longest_key_share(quiz)
        if share is not None:
            shares[path] = share
    return results, shares
