"""GIFT export rules from issue 16: format markers at the start of a prompt, numbers
without binary noise, weights Moodle cannot express, missing-word questions."""

from __future__ import annotations

from typing import Any

import pytest

from ketatraining.interop.common import ExportRefused
from ketatraining.interop.gift import export_gift, gift_export, import_gift, parse_gift
from ketatraining.quiz.model import Quiz

BASE = {"explanation": "Why.", "references": [], "objective": "o"}


def quiz_with(*questions: dict[str, Any]) -> Quiz:
    return Quiz.model_validate({"schema_version": 1, "id": "g", "title": "G", "topic": "risks",
                                "pass_mark": 50, "questions": list(questions)})


def choice(prompt: str = "Which?", weights: list[float] | None = None,
           correct: tuple[bool, ...] = (True, True, False)) -> dict[str, Any]:
    options = []
    for index, right in enumerate(correct):
        option: dict[str, Any] = {"id": "abcdefghijklmnop"[index], "text": f"o{index}",
                                  "correct": right, "feedback": "f"}
        if weights is not None:
            option["weight"] = weights[index]
        options.append(option)
    return {"id": "q1", "type": "multiple_choice", "prompt": prompt, "options": options,
            **BASE}


def without_metadata(gift: str) -> str:
    return "\n".join(line for line in gift.split("\n") if not line.startswith("// keta"))


def test_prompt_starting_with_a_format_marker_gets_exactly_one_marker() -> None:
    quiz = quiz_with(choice("[html]This prompt starts with a marker"))
    gift = export_gift(quiz)
    assert "::q1::[markdown][html]This prompt" in gift
    assert "[markdown][markdown]" not in gift
    # Moodle strips one marker and keeps the rest as the text
    (question,) = [q for q in parse_gift(without_metadata(gift)).questions if q.kind != "category"]
    assert question.text == "[html]This prompt starts with a marker"
    assert import_gift(gift, quiz_id="g").data["questions"][0]["prompt"] == question.text


def test_relative_tolerance_is_written_without_binary_noise() -> None:
    quiz = quiz_with({"id": "n", "type": "numeric", "prompt": "Dose?", "value": 35.0,
                      "relative_tolerance": 0.02, "feedback_correct": "y",
                      "feedback_incorrect": "n", **BASE})
    gift = export_gift(quiz)
    assert "=35:0.7#" in gift and "0.7000000000000001" not in gift


def test_weights_moodle_cannot_express_are_refused_naming_question_and_nearest() -> None:
    quiz = quiz_with(choice(weights=[65, 35, -15]))
    with pytest.raises(ExportRefused) as refused:
        export_gift(quiz)
    problems = refused.value.problems
    assert [(p.code, p.severity, p.question) for p in problems] == [("KE001", "error", "q1")] * 3
    assert "option 'a'" in problems[0].message
    assert "66.66667% or 60%" in problems[0].message
    assert "40% or 33.33333%" in problems[1].message
    assert "-14.28571% or -16.66667%" in problems[2].message
    assert "--round-weights" in (problems[0].hint or "")


def test_round_weights_writes_the_nearest_grades_and_reports_each() -> None:
    quiz = quiz_with(choice(weights=[65, 35, -15]))
    text, problems = gift_export(quiz, round_weights=True)
    assert [(p.code, p.severity) for p in problems] == [("KE001", "warning")] * 3
    assert "rounded to 66.66667%" in problems[0].message
    weights = [a.weight for q in parse_gift(without_metadata(text)).questions
               for a in q.answers]
    assert weights == [66.66667, 33.33333, -14.28571]


def test_default_rule_that_gives_an_invalid_grade_is_refused_too() -> None:
    quiz = quiz_with(choice(correct=(True,) + (False,) * 11))  # -100/11 = -9.09%
    with pytest.raises(ExportRefused) as refused:
        export_gift(quiz)
    assert "default rule gives -9.09091%" in refused.value.problems[1].message
    assert export_gift(quiz_with(choice(correct=(True, True, True, False))))  # 33.33% is fine


def test_numeric_credit_moodle_cannot_express_is_refused() -> None:
    quiz = quiz_with({"id": "n", "type": "numeric", "prompt": "Dose?", "value": 40.0,
                      "feedback_correct": "y", "feedback_incorrect": "n",
                      "alternatives": [{"value": 41.0, "credit": 45}], **BASE})
    with pytest.raises(ExportRefused) as refused:
        export_gift(quiz)
    assert "alternative 1" in refused.value.problems[0].message


@pytest.mark.parametrize("kind", ["single_choice", "true_false", "numeric"])
def test_missing_word_questions_export_back_as_missing_word(kind: str) -> None:
    prompt = "Grant is _____ in Grant's tomb."
    bodies: dict[str, dict[str, Any]] = {
        "single_choice": {"options": [
            {"id": "a", "text": "buried", "feedback": "f"},
            {"id": "b", "text": "entombed", "correct": True, "feedback": "f"}]},
        "true_false": {"answer": True, "feedback_true": "y", "feedback_false": "n"},
        "numeric": {"value": 1.0, "feedback_correct": "y", "feedback_incorrect": "n"},
    }
    quiz = quiz_with({"id": "mw", "type": kind, "prompt": prompt, **bodies[kind], **BASE})
    gift = export_gift(quiz)
    assert "::mw::[markdown]Grant is {" in gift
    assert "\n} in Grant's tomb.\n" in gift
    (question,) = [q for q in parse_gift(without_metadata(gift)).questions if q.kind != "category"]
    assert question.missing_word and question.text == prompt  # as Moodle reads it
    again = Quiz.model_validate(import_gift(gift, quiz_id="g").data)
    assert again.questions[0] == quiz.questions[0]


def test_a_blank_at_the_end_stays_in_the_text() -> None:
    quiz = quiz_with(choice("The answer is _____"))
    gift = export_gift(quiz)
    assert "The answer is _____{" in gift
    assert import_gift(gift, quiz_id="g").data["questions"][0]["prompt"] == "The answer is _____"


def test_marks_and_case_sensitivity_gift_cannot_say_are_reported() -> None:
    # Moodle's GIFT import gives every question 1 mark and reads every short answer
    # case-insensitively (usecase 0): checked with Moodle's own qformat_gift
    quiz = quiz_with(
        {"id": "cs", "type": "short_answer", "prompt": "Receptor?", "points": 2,
         "answers": [{"text": "NMDA"}], "case_sensitive": True, "feedback_incorrect": "No.",
         **BASE},
        {"id": "ci", "type": "short_answer", "prompt": "Receptor?",
         "answers": [{"text": "NMDA"}], "feedback_incorrect": "No.", **BASE})
    text, problems = gift_export(quiz)
    assert sorted((p.code, p.question, p.severity) for p in problems) == [
        ("KE002", "cs", "warning"), ("KE002", "cs", "warning")]
    said = " ".join(p.message for p in problems)
    assert "1 mark, not 2" in said and "ignores case" in said
    result = import_gift(text, quiz_id="g")  # our own metadata still brings both back
    assert Quiz.model_validate(result.data) == quiz


def test_an_option_whose_markdown_reads_differently_as_a_block_is_written_as_html() -> None:
    # the course shows options inline; Moodle renders a GIFT [markdown] answer as block
    # Markdown ('> 5 mg' a quotation, '*' an empty list, '1. first' a numbered list), as
    # random quizzes read by Moodle's own qformat_gift showed: such options go as [html]
    options = [{"id": "a", "text": "> 5 mg", "correct": True, "feedback": "f"},
               {"id": "b", "text": "*", "feedback": "f"},
               {"id": "c", "text": "1. first", "feedback": "f"},
               {"id": "d", "text": "plain **bold**", "feedback": "f"}]
    quiz = quiz_with({"id": "q", "type": "single_choice", "prompt": "Dose?",
                      "options": options, **BASE})
    gift = export_gift(quiz)
    assert "\t=[html]&gt; 5 mg#f\n\t~[html]*#f\n\t~[html]1. first#f\n\t~plain **bold**#f" in gift
    assert Quiz.model_validate(import_gift(gift, quiz_id="g").data) == quiz
    (read,) = [q for q in parse_gift(without_metadata(gift)).questions if q.kind != "category"]
    assert [(a.format, a.text) for a in read.answers][:2] == [("html", "&gt; 5 mg"),
                                                              ("html", "*")]
    edited = gift.replace("[html]&gt; 5 mg", "[html]&gt; 6 mg")  # an edit in Moodle wins
    assert import_gift(edited, quiz_id="g").data["questions"][0]["options"][0][
        "text"] == "&gt; 6 mg"


def test_a_short_answers_feedback_for_any_other_answer_is_moodles_catch_all() -> None:
    # Moodle's shortanswer: '*' at 0% matches any other answer and shows its feedback
    # (its own test file writes '=%0%*#Completely wrong'); both ways
    quiz = quiz_with({"id": "sa", "type": "short_answer", "prompt": "Best animal?",
                      "answers": [{"text": "Frog"}, {"text": "Cat", "credit": 50}],
                      "feedback_incorrect": "Completely wrong.", **BASE})
    gift = export_gift(quiz)
    assert "\t=%100%Frog\n\t=%50%Cat\n\t=%0%*#Completely wrong.\n" in gift
    assert Quiz.model_validate(import_gift(gift, quiz_id="g").data) == quiz
    foreign = import_gift("::Animal::Which is the best animal?{=Frog#Good! =%50%Cat#Meh "
                          "=%0%*#Completely wrong}", quiz_id="g")
    (question,) = Quiz.model_validate(foreign.data).questions
    assert [a.text for a in question.answers] == ["Frog", "Cat"]
    assert question.feedback_incorrect == "Completely wrong"
