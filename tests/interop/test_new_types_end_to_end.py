"""matching, short_answer and ordering from a quiz file to every place a result goes.

The course's own item of each newer type, taken from its quiz file (``pharm-pk-match``
in pharmacology.yaml, ``risks-dissociation-name`` and ``risks-session-order`` in
risks.yaml) into one test quiz, validated, is answered by six learners through the quiz widget, as the page does it (the Check message with the front-end's timing), then read
back from the store, through item analysis (``ketatraining stats``: facility,
discrimination, what learners chose) and every export (``ketatraining export``: CSV,
xAPI, GIFT where GIFT can say it, QTI 3.0 and Moodle XML), checking what each one says.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from interop.test_moodle_xml_export import check_moodle_requirements
from interop.test_qti import Q, check_element, score
from ketatraining.cli import main
from ketatraining.progress.store import open_store
from ketatraining.widgets.quiz import QuizWidget

ROOT = Path(__file__).resolve().parents[2]
MATCH, NAME, ORDER = "pharm-pk-match", "risks-dissociation-name", "risks-session-order"
ITEMS = {MATCH: "pharmacology.yaml", NAME: "risks.yaml", ORDER: "risks.yaml"}
"""Each newer type's item in the course banks, and its quiz file."""
KEY = {"esk-bioavailability": "about-48", "esk-half-life": "h-7-12",
       "oral-bioavailability": "about-20", "trial-dose": "dose-05"}
STEPS = ["bp-before", "dose", "bp-40", "assess-leave", "no-driving"]

# What each learner answers, and its mark worked out by hand (matching: a quarter per right
# pair; short answer: 'dissociat*', any case or spacing; ordering relative to the next
# step: a quarter for each step placed directly before the step that truly follows it).
ANSWERS: list[dict[str, tuple[Any, float]]] = [
    {MATCH: (KEY, 1.0), NAME: ("Dissociation", 1.0), ORDER: (STEPS, 1.0)},
    {MATCH: (KEY, 1.0), NAME: ("  dissociative ", 1.0),
     ORDER: (["bp-before", "dose", "bp-40", "no-driving", "assess-leave"], 0.5)},
    {MATCH: ({**KEY, "trial-dose": "about-100"}, 0.75), NAME: ("DISSOCIATION", 1.0),
     ORDER: (["dose", "bp-before", "bp-40", "assess-leave", "no-driving"], 0.5)},
    {MATCH: ({**KEY, "esk-bioavailability": "about-20", "oral-bioavailability": "about-48"},
             0.5), NAME: ("depersonalisation", 0.0), ORDER: (STEPS, 1.0)},
    {MATCH: ({"esk-bioavailability": "h-7-12", "esk-half-life": "about-48",
              "oral-bioavailability": "about-20", "trial-dose": "about-100"}, 0.25),
     NAME: ("dissociation", 1.0), ORDER: (STEPS[::-1], 0.0)},
    {MATCH: ({item: "about-100" for item in KEY}, 0.0), NAME: ("anxiety", 0.0),
     ORDER: (STEPS[::-1], 0.0)},
]
LEARNERS = [f"learner-{n}" for n in range(len(ANSWERS))]


def marks(question: str) -> list[float]:
    return [answers[question][1] for answers in ANSWERS]


def course_item(question_id: str) -> dict[str, Any]:
    bank = yaml.safe_load((ROOT / "quizzes" / ITEMS[question_id]).read_text(encoding="utf-8"))
    return next(q for q in bank["questions"] if q["id"] == question_id)


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A quiz folder: the three course items as one quiz, with the course's bibliography
    and objectives."""
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    for name in ("references.yaml", "objectives.yaml"):
        shutil.copy(ROOT / "quizzes" / name, quizzes / name)
    bank = {"schema_version": 1, "id": "new-types", "title": "The newer question types",
            "topic": "risks", "pass_mark": 50, "questions": [course_item(q) for q in ITEMS]}
    (quizzes / "new-types.yaml").write_text(yaml.safe_dump(bank, sort_keys=False),
                                            encoding="utf-8")
    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(quizzes))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    capsys.readouterr()
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out, err


def answer_in_the_widget() -> None:
    with open_store() as store:
        for n, (learner, answers) in enumerate(zip(LEARNERS, ANSWERS, strict=True)):
            quiz = QuizWidget("new-types", store=store, learner_id=learner, seed=n)
            views = {q["id"]: q for q in quiz.questions}
            # The page gets the public view only: no pairs, no accepted answer, no order.
            assert "answer" not in json.dumps(views[MATCH]["data"]["items"])
            assert views[NAME]["data"] == {} and "dissociat" not in views[NAME]["prompt_html"]
            assert [s["id"] for s in views[ORDER]["data"]["steps"]] != STEPS
            for state in quiz.states:
                response, _ = answers[state.question_id]
                quiz._on_page_message(quiz, {  # what the page sends on Check
                    "type": "check", "round": quiz.round, "question_id": state.question_id,
                    "response": response, "seconds": 20.0 + n, "attempt_seconds": 300.0}, [])
            assert quiz.finished, quiz.messages
            assert {qid: c["score"] for qid, c in quiz.checked.items()} == {
                qid: mark for qid, (_, mark) in answers.items()}


def test_the_new_types_from_the_quiz_file_to_every_export(
        course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # -- the quiz file validates as a trainer would check it ------------------------------
    out, _ = run(capsys, "validate", str(course / "quizzes" / "new-types.yaml"))
    assert "1 file(s) checked: 0 error(s)" in out, out
    answer_in_the_widget()

    # -- the store: each response as its type's codec writes it, with its time ------------
    with open_store() as store:
        stored = {(s.learner_id, s.question_id): s for s in store.responses()}
        attempts = store.attempts()
    assert len(stored) == 3 * len(LEARNERS) and all(a.finished_at for a in attempts)
    for learner, answers in zip(LEARNERS, ANSWERS, strict=True):
        for question, (response, mark) in answers.items():
            row = stored[(learner, question)]
            assert row.response == response and row.score == mark
    assert stored[("learner-3", MATCH)].duration_seconds == 23.0

    # -- item analysis: facility, discrimination, what learners chose ---------------------
    out, _ = run(capsys, "stats", "new-types", "--json")
    stats = {q["id"]: q for q in json.loads(out)["questions"]}
    totals = [sum(a[q][1] for q in a) for a in ANSWERS]
    for question in (MATCH, NAME, ORDER):
        own = marks(question)
        rest = [t - m for t, m in zip(totals, own, strict=True)]
        assert stats[question]["facility"] == pytest.approx(statistics.fmean(own))
        assert stats[question]["discrimination_index"] == pytest.approx(
            100 * statistics.correlation(own, rest))
    chosen = {q: {o["option"]: o["count"] for o in stats[q]["options"]} for q in stats}
    assert chosen[MATCH]["trial-dose:about-100"] == 3  # the distractor, taken three times
    assert chosen[MATCH]["esk-bioavailability:about-48"] == 3
    assert chosen[MATCH]["esk-bioavailability:about-20"] == 1
    assert chosen[NAME] == {"answer-1": 4, "other": 2}
    assert chosen[ORDER]["bp-before"] == 3 and chosen[ORDER]["no-driving"] == 3

    # -- CSV: one row per answer, the response written by its type ------------------------
    out, _ = run(capsys, "export", "--format", "csv")
    rows = {(r["learner_id"], r["question_id"]): r for r in csv.DictReader(io.StringIO(out))}
    match_row = rows[("learner-2", MATCH)]
    assert match_row["question_type"] == "matching"
    assert match_row["response"] == ("esk-bioavailability=about-48;esk-half-life=h-7-12;"
                                     "oral-bioavailability=about-20;trial-dose=about-100")
    assert "trial-dose:about-100=1" in match_row["options"]
    assert "trial-dose:dose-05=0" in match_row["options"]
    assert match_row["score"] == "0.75"
    assert rows[("learner-1", NAME)]["response"] == "  dissociative "
    assert rows[("learner-3", NAME)]["options"] == "answer-1=0;other=1"
    assert rows[("learner-2", ORDER)]["response"] == "dose;bp-before;bp-40;assess-leave;no-driving"
    assert rows[("learner-2", ORDER)]["fraction"] == "0.5"

    # -- xAPI: matching, fill-in and sequencing interactions ------------------------------
    out, _ = run(capsys, "export", "--format", "xapi")
    answered = {(s["actor"]["account"]["name"], s["object"]["id"].rsplit("/", 1)[1]): s
                for s in json.loads(out) if s["verb"]["display"]["en-US"] == "answered"}
    match_statement = answered[("learner-4", MATCH)]
    definition = match_statement["object"]["definition"]
    assert definition["interactionType"] == "matching"
    assert definition["correctResponsesPattern"] == ["[,]".join(
        f"{item}[.]{answer}" for item, answer in KEY.items())]
    assert {t["id"] for t in definition["target"]} == {*KEY.values(), "about-100"}
    assert match_statement["result"]["score"]["scaled"] == 0.25
    assert "esk-bioavailability[.]h-7-12" in match_statement["result"]["response"]
    name_statement = answered[("learner-5", NAME)]
    assert name_statement["object"]["definition"]["interactionType"] == "fill-in"
    assert name_statement["result"]["response"] == "anxiety"
    assert name_statement["result"]["success"] is False
    order_definition = answered[("learner-0", ORDER)]["object"]["definition"]
    assert order_definition["interactionType"] == "sequencing"
    assert order_definition["correctResponsesPattern"] == ["[,]".join(STEPS)]
    assert answered[("learner-0", ORDER)]["result"]["response"] == "[,]".join(STEPS)

    # -- GIFT: matching, short answer, and ordering in qtype_ordering's syntax (Moodle 4.4+)
    said, _ = run(capsys, "export", "gift", "new-types", "--out", "bank.gift")
    gift = (course / "bank.gift").read_text(encoding="utf-8")
    assert "\t=Half-life of esketamine nasal spray -> 7-12 hours\n" in gift
    assert "\t= -> About 100%\n" in gift  # the distractor
    assert "\t=%100%dissociat*#Correct\\: dissociation" in gift
    assert f"::{ORDER}::" in gift and "{>" in gift.split(f"::{ORDER}::")[1].split("\n")[0]
    assert f"warning KE002 [question {ORDER}]" in said and "Moodle 4.4" in said

    # -- QTI 3.0: the three interactions score each learner's answer as the course does ---
    run(capsys, "export", "qti", "new-types", "--out", "bank.zip")
    with zipfile.ZipFile(course / "bank.zip") as archive:
        items = {name.removeprefix("items/").removesuffix(".xml"): ET.fromstring(archive.read(name))
                 for name in archive.namelist() if name.startswith("items/")}
    assert items[MATCH].find(f".//{Q}qti-match-interaction") is not None
    assert items[NAME].find(f".//{Q}qti-text-entry-interaction") is not None
    assert items[ORDER].find(f".//{Q}qti-order-interaction") is not None
    for item in items.values():
        check_element(item)
    for answers in ANSWERS:
        pairs, mark = answers[MATCH]
        assert score(items[MATCH], {f"{i} {a}" for i, a in pairs.items()})[0] == mark
        assert score(items[NAME], answers[NAME][0])[0] == answers[NAME][1]
        assert score(items[ORDER], answers[ORDER][0])[0] == answers[ORDER][1]

    # -- Moodle XML: matching subquestions, the accepted answer, the steps in order --------
    run(capsys, "export", "moodle-xml", "new-types", "--out", "bank.xml")
    xml = (course / "bank.xml").read_text(encoding="utf-8")
    check_moodle_requirements(xml)
    questions = {q.findtext("name/text"): q for q in ET.fromstring(xml).iter("question")
                 if q.get("type") != "category"}
    assert {name: q.get("type") for name, q in questions.items()} == {
        MATCH: "matching", NAME: "shortanswer", ORDER: "ordering"}
    pairs = [(s.findtext("text"), s.findtext("answer/text"))
             for s in questions[MATCH].findall("subquestion")]
    assert ("Half-life of esketamine nasal spray", "7-12 hours") in pairs
    assert ("", "About 100%") in pairs  # a subquestion without text is Moodle's distractor
    accepted = questions[NAME].find("answer")
    assert (accepted.get("fraction"), accepted.findtext("text")) == ("100", "dissociat*")
    assert questions[NAME].findtext("usecase") == "0"
    steps = [a.findtext("text") for a in questions[ORDER].findall("answer")]
    assert steps == [step["text"] for step in course_item(ORDER)["steps"]]
    assert steps[0] == "Measure blood pressure before the dose"
