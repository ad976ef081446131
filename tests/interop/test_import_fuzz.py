"""Every importer, fuzzed: any input gives a quiz or coded problems, never an exception.

Inputs are random text, random mutations of valid files (characters deleted, doubled or
inserted at random places) and random trees of the elements each format uses. The
result must be quiz data that the quiz model accepts, or problems with KI codes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketatraining.interop.gift import import_gift
from ketatraining.interop.jupyterquiz import import_jupyterquiz
from ketatraining.interop.moodle_xml import import_moodle_xml
from ketatraining.interop.qti_import import import_qti
from ketatraining.interop.yaml_writer import IMPORT_CODES, ImportResult
from ketatraining.quiz.model import Quiz

DATA = Path(__file__).resolve().parents[1] / "data"
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

GIFT = "\n\n".join((DATA / "gift" / name).read_text(encoding="utf-8")
                    for name in ("single.gift", "numerical.gift", "ordering.gift"))
JUPYTERQUIZ = (DATA / "jupyterquiz" / "questions.json").read_text(encoding="utf-8")
MOODLE = (DATA / "moodle_xml" / "types.xml").read_text(encoding="utf-8")
QTI = (DATA / "qti" / "choice-multiple.xml").read_text(encoding="utf-8")


def check(result: ImportResult) -> None:
    assert all(p.code in IMPORT_CODES for p in result.problems), [
        p.format() for p in result.problems]
    if result.data is None:
        assert result.errors, "no quiz and no error"
    else:
        assert not result.errors
        Quiz.model_validate(result.data)


@st.composite
def mutated(draw: st.DrawFn, source: str) -> str:
    text = source
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(("delete", "double", "insert")))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif action == "double":
            text = text[:at] + text[at:at + 10] + text[at:]
        else:
            text = text[:at] + draw(st.text(min_size=1, max_size=5)) + text[at:]
    return text


def fuzz(importer: Callable[[str], ImportResult], source: str) -> Callable[[], None]:
    @SETTINGS
    @given(st.one_of(st.text(max_size=300), mutated(source)))
    def run(text: str) -> None:
        check(importer(text))

    return run


test_gift_never_raises = fuzz(lambda t: import_gift(t, quiz_id="f"), GIFT)
test_jupyterquiz_never_raises = fuzz(lambda t: import_jupyterquiz(t, quiz_id="f"),
                                     JUPYTERQUIZ)
test_moodle_xml_never_raises = fuzz(lambda t: import_moodle_xml(t, quiz_id="f"), MOODLE)
test_qti_never_raises = fuzz(lambda t: import_qti(t, quiz_id="f"), QTI)


TEXT = st.sampled_from(["", "1", "40", "*", "true", "false", "The [[1]] gap", "[[2]]",
                       "A B", "x y", "0.5", "-3", "1e400", "<b>bold</b>", "$course$/top/C"])
NUMBER = st.sampled_from(["100", "50", "0", "-100", "33.33333", "x", "", "1e9", "-0"])


def xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


def moodle_part() -> st.SearchStrategy[str]:
    t = TEXT.map(xml_text)
    fmt = st.sampled_from(["html", "plain_text", "markdown", "moodle_auto_format", "odd"])
    return st.one_of(
        st.builds("<name><text>{}</text></name>".format, t),
        st.builds('<questiontext format="{}"><text>{}</text></questiontext>'.format, fmt, t),
        st.builds("<generalfeedback><text>{}</text></generalfeedback>".format, t),
        st.builds('<answer fraction="{}" format="{}"><text>{}</text><feedback><text>{}'
                  "</text></feedback><tolerance>{}</tolerance></answer>".format,
                  NUMBER, fmt, t, t, NUMBER),
        st.builds("<single>{}</single>".format, st.sampled_from(["true", "false", ""])),
        st.builds("<units><unit><multiplier>{}</multiplier><unit_name>{}</unit_name></unit>"
                  "</units>".format, NUMBER, t),
        st.builds("<subquestion><text>{}</text><answer><text>{}</text></answer>"
                  "</subquestion>".format, t, t),
        st.builds("<selectoption><text>{}</text><group>{}</group></selectoption>".format,
                  t, NUMBER),
        st.builds("<dragbox><text>{}</text><group>1</group></dragbox>".format, t),
        st.builds("<defaultgrade>{}</defaultgrade>".format, NUMBER),
        st.builds("<idnumber>{}</idnumber>".format, t),
        st.builds("<tags><tag><text>{}</text></tag></tags>".format, t),
        st.builds("<category><text>{}</text></category>".format, t),
        st.builds("<usecase>{}</usecase>".format, NUMBER),
        st.builds("<gradingtype>{}</gradingtype>".format,
                  st.sampled_from(["ALL_OR_NOTHING", "RELATIVE_NEXT_EXCLUDE_LAST", "x"])),
        st.builds("<selecttype>{}</selecttype>".format, st.sampled_from(["ALL", "RANDOM"])),
        st.builds('<correctfeedback format="html"><text>{}</text></correctfeedback>'.format, t),
        st.builds("<!-- ketatraining: {} -->".format,
                  st.sampled_from(['{"points": 2}', '{"units": "mg"}', "[1]", "{bad",
                                   '{"option_ids": ["x", "y"]}', '{"tags": [1]}'])),
    )


MOODLE_TYPES = st.sampled_from(["multichoice", "truefalse", "numerical", "matching",
                                "shortanswer", "ordering", "ddwtos", "gapselect", "category",
                                "essay", "description", "other"])


@SETTINGS
@given(st.lists(st.tuples(MOODLE_TYPES, st.lists(moodle_part(), max_size=8)), max_size=4))
def test_moodle_xml_random_questions(questions: list[tuple[str, list[str]]]) -> None:
    check(import_moodle_xml("<quiz>" + "".join(f'<question type="{kind}">{"".join(parts)}'
                                               "</question>" for kind, parts in questions)
                            + "</quiz>", quiz_id="f"))


def qti_part() -> st.SearchStrategy[str]:
    t = TEXT.map(xml_text)
    ident = st.sampled_from(["A", "B", "C", "true", "false", "1bad"])
    return st.one_of(
        st.builds('<qti-simple-choice identifier="{}">{}<qti-feedback-inline '
                  'identifier="{}">{}</qti-feedback-inline></qti-simple-choice>'.format,
                  ident, t, ident, t),
        st.builds("<qti-prompt>{}</qti-prompt>".format, t),
        st.builds("<p>{}</p>".format, t),
        st.builds('<qti-simple-match-set><qti-simple-associable-choice identifier="{}">{}'
                  "</qti-simple-associable-choice></qti-simple-match-set>".format, ident, t),
    )


def qti_declaration() -> st.SearchStrategy[str]:
    return st.builds(
        '<qti-response-declaration identifier="RESPONSE" cardinality="{}" base-type="{}">'
        "<qti-correct-response>{}</qti-correct-response>"
        '<qti-mapping default-value="{}">{}</qti-mapping></qti-response-declaration>'.format,
        st.sampled_from(["single", "multiple", "ordered"]),
        st.sampled_from(["identifier", "float", "integer", "string", "directedPair"]),
        st.lists(st.builds("<qti-value>{}</qti-value>".format,
                           st.sampled_from(["A", "B", "C", "A B", "40", "x", "true"])),
                 max_size=3).map("".join),
        NUMBER,
        st.lists(st.builds('<qti-map-entry map-key="{}" mapped-value="{}"/>'.format,
                           st.sampled_from(["A", "B", "x"]), NUMBER), max_size=3).map("".join))


@SETTINGS
@given(qti_declaration(),
       st.sampled_from(["qti-choice-interaction", "qti-text-entry-interaction",
                        "qti-match-interaction", "qti-order-interaction",
                        "qti-hotspot-interaction"]),
       st.sampled_from(["0", "1", "3"]), st.lists(qti_part(), max_size=6),
       st.sampled_from(["", ('<qti-response-processing><qti-response-condition>'
                        '<qti-response-if><qti-equal tolerance-mode="absolute" '
                        'tolerance="0.5 0.5"><qti-variable identifier="RESPONSE"/>'
                        '<qti-base-value base-type="float">x</qti-base-value></qti-equal>'
                        '<qti-set-outcome-value identifier="SCORE"><qti-base-value '
                        'base-type="float">1</qti-base-value></qti-set-outcome-value>'
                        "</qti-response-if></qti-response-condition>"
                        "</qti-response-processing>")]))
def test_qti_random_items(declaration: str, interaction: str, max_choices: str,
                          parts: list[str], processing: str) -> None:
    item = (f"<qti-assessment-item identifier='i'>{declaration}<qti-item-body>"
            f"<{interaction} response-identifier='RESPONSE' max-choices='{max_choices}'>"
            f"{''.join(parts)}</{interaction}></qti-item-body>{processing}"
            "</qti-assessment-item>")
    check(import_qti(item, quiz_id="f"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("items/i.xml", item)
    check(import_qti(buffer.getvalue(), quiz_id="f"))
