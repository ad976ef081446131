"""``ketatraining new QUIZ_ID --topic T``: a commented skeleton quiz that validates."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

_SKELETON = """\
# A new quiz for the ketatraining course. Replace every "TODO: ..." text (run
# 'ketatraining validate --strict {path}' to list those left), then check it with
#     ketatraining validate {path}
# and look at it as a learner would with
#     ketatraining preview {quiz_id}
# The format is described in quizzes/README.md. Ids are stable keys stored with every
# answer: do not rename a quiz or question id once learners have answered it.
# Clinical statements must come from the course's evidence file and cite their primary
# source through quizzes/references.yaml.
schema_version: 1
id: {quiz_id}
title: "TODO: a short title"
description: >-
  TODO: one or two sentences on what this quiz checks.
topic: {topic}
pass_mark: 70          # percent needed to pass; learners see it before they start
# max_attempts: 3      # uncomment to limit attempts (default: unlimited)
shuffle: false         # true: new question and option order on every attempt
questions:
  # single_choice: exactly one option is correct.
  - id: single-1
    type: single_choice
    prompt: >-
      TODO: the question (Markdown, e.g. **bold**).
    options:
      - id: a
        text: "TODO: the right answer"
        correct: true
        feedback: "TODO: why it is right"
      - id: b
        text: "TODO: a plausible wrong answer"
        feedback: "TODO: why it is wrong, and what is right"
      - id: c
        text: "TODO: another plausible wrong answer"
        feedback: "TODO: why it is wrong"
    explanation: >-
      TODO: shown after answering: why the answer is right.
    references: []     # keys of quizzes/references.yaml, e.g. [feder2014]
    objective: {objective}  # key of quizzes/objectives.yaml
    difficulty: medium # easy, medium or hard
    points: 1

  # multiple_choice: select all that apply; partial credit, wrong ticks cost marks.
  - id: multiple-1
    type: multiple_choice
    prompt: >-
      TODO: the question. Select all that apply.
    options:
      - id: a
        text: "TODO: a right option"
        correct: true
        feedback: "TODO: why"
      - id: b
        text: "TODO: another right option"
        correct: true
        feedback: "TODO: why"
      - id: c
        text: "TODO: a wrong option"
        feedback: "TODO: why not"
    explanation: >-
      TODO: why these options and not the others.
    references: []
    objective: {objective}
    difficulty: medium

  # true_false: a statement the learner marks true or false.
  - id: true-false-1
    type: true_false
    prompt: >-
      **True or false?** TODO: the statement.
    answer: false      # whether the statement is true
    feedback_true: "TODO: feedback for a learner who answers True"
    feedback_false: "TODO: feedback for a learner who answers False"
    explanation: >-
      TODO: why.
    references: []
    objective: {objective}
    difficulty: easy

  # numeric: a number, accepted within a tolerance (bounds inclusive).
  - id: numeric-1
    type: numeric
    prompt: >-
      TODO: the question, with the numbers needed to work it out.
    value: 40          # TODO: the correct value
    units: mg          # shown next to the input; remove if none
    tolerance: 0.5     # accept 39.5 to 40.5; or relative_tolerance: 0.05 (5 %)
    feedback_correct: "TODO: feedback when the answer is accepted"
    feedback_incorrect: "TODO: a hint to the working"
    explanation: >-
      TODO: the working.
    references: []
    objective: {objective}
    difficulty: medium

  # matching: pair each item with one answer; partial credit per right pair. More
  # answers than items is fine (the extra ones are distractors).
  - id: matching-1
    type: matching
    prompt: >-
      TODO: what to match, e.g. match each term with its meaning.
    items:             # each item names the id of its answer
      - id: item-1
        text: "TODO: the first item"
        answer: answer-1
      - id: item-2
        text: "TODO: the second item"
        answer: answer-2
    answers:
      - id: answer-1
        text: "TODO: the answer of the first item"
      - id: answer-2
        text: "TODO: the answer of the second item"
      - id: answer-3
        text: "TODO: a plausible distractor"
    feedback_correct: "TODO: feedback when every pair is right"
    feedback_incorrect: "TODO: feedback when a pair is wrong"
    explanation: >-
      TODO: why these pairs.
    references: []
    objective: {objective}
    difficulty: medium

  # short_answer: typed text; case and extra spaces are ignored, * matches any run of
  # characters (no regular expressions). The best matching answer's credit counts.
  - id: short-answer-1
    type: short_answer
    prompt: >-
      TODO: a question with a one- or two-word answer.
    answers:
      - text: "TODO: the answer"
        credit: 100
        feedback: "TODO: why it is right"
      - text: "TODO: a partly right answer*"
        credit: 50
        feedback: "TODO: what is missing"
    feedback_incorrect: "TODO: the answer, and why"
    explanation: >-
      TODO: why.
    references: []
    objective: {objective}
    difficulty: medium

  # ordering: list the steps in the RIGHT order; learners see them shuffled.
  - id: ordering-1
    type: ordering
    prompt: >-
      TODO: put these steps in order.
    steps:
      - id: step-1
        text: "TODO: the first step"
      - id: step-2
        text: "TODO: the second step"
      - id: step-3
        text: "TODO: the third step"
    scoring: all_or_nothing  # or relative_to_next (partial credit, as Moodle)
    feedback_correct: "TODO: feedback for the right order"
    feedback_incorrect: "TODO: which step comes first, and why"
    explanation: >-
      TODO: why this order.
    references: []
    objective: {objective}
    difficulty: medium
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new",
        help="write a commented skeleton quiz with one question of each type",
        description="Write QUIZ_ID.yaml: a commented skeleton with one question of each "
        "type (single choice, multiple choice, true/false, numeric, matching, short answer, "
        "ordering). It passes 'validate' "
        "as written; its 'TODO: ...' texts are warnings until you replace them.",
        epilog=examples(
            "ketatraining new bp-monitoring --topic risks",
            "ketatraining new my-quiz --topic assessment --out drafts/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("quiz_id", metavar="QUIZ_ID",
                        help="the new quiz's id and file name (letters, digits, - _ .)")
    parser.add_argument("--topic", required=True, metavar="T",
                        help="one of the course topics (mechanism, benefits, risks, "
                        "contraindications, ptsd, treatments, assessment) or your own")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder to write to (default: the course's quizzes/)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.errors import KetaTrainingError
    from ketatraining.quiz.loading import catalog_for, check_file, default_quiz_dir
    from ketatraining.quiz.model import ID_PATTERN

    for value, what in ((args.quiz_id, "quiz id"), (args.topic, "topic")):
        if not re.fullmatch(ID_PATTERN, value):
            print(f"ketatraining new: '{value}' is not a valid {what}: use up to 64 letters, "
                  "digits, '-', '_' or '.', starting with a letter or digit.", file=sys.stderr)
            return EXIT_USAGE
    folder = args.out if args.out is not None else default_quiz_dir()
    if not folder.is_dir():
        msg = f"The folder {folder} does not exist; create it or choose another --out."
        raise KetaTrainingError(msg)
    path = folder / f"{args.quiz_id}.yaml"
    if path.exists() and not args.force:
        msg = f"{path} already exists; choose another id, or add --force to overwrite it."
        raise KetaTrainingError(msg)
    objectives = catalog_for(path).objectives or {}
    if not objectives:
        msg = (f"No learning objectives were found for {path} (objectives.yaml next to it "
               "or in the course); every question must point to one.")
        raise KetaTrainingError(msg)
    matching = [key for key, o in objectives.items() if getattr(o, "topic", None) == args.topic]
    objective = (matching or list(objectives))[0]
    path.write_text(_SKELETON.format(path=path, quiz_id=args.quiz_id, topic=args.topic,
                                     objective=json.dumps(objective)), encoding="utf-8")
    quiz, problems = check_file(path)
    if quiz is None:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    todos = sum(p.code == "KQ301" for p in problems)
    print(f"Wrote {path}: {len(quiz.questions)} questions, one of each type, for the "
          f"objective '{objective}'.")
    print(f"Next: replace its {todos} TODO texts, then run 'ketatraining validate {path}'.")
    return EXIT_OK
