"""HTML/Markdown injection: trainer- or learner-written text never becomes live markup.

Every learner-visible field of a quiz (title, description, prompt, options, feedback,
explanation, units, reference fields) and the learner's name on the completion record
carry attack payloads. The HTML the front end receives is parsed and checked against
the allow-list: no script-capable tag, no event-handler or style attribute, and links
only to http(s) or mailto.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import ipywidgets as widgets
import pytest

from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.model import Quiz
from ketatraining.text import markdown_to_html, plain_text, sanitize_html

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](&#106;avascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">spaced</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p onclick="alert(1)">click</p>',
    "<details open ontoggle=alert(1)>x</details>",
    '<form action="https://evil.example"><input name=q></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "`<script>alert(1)</script>` in code",
    "```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    "<button formaction=javascript:alert(1)>b</button>",
    '"><img src=x onerror=alert(1)>',
]
ATTACK = " | ".join(p.replace("\n", " ") for p in PAYLOADS[:12])
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
    # structure the widgets add themselves (never from quiz text)
    "div", "h1", "h2", "article", "dl", "dt", "dd", "caption", "small", "label", "section",
    "main",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1] == "style":
            self.styles.append(data)


def assert_inert(fragment: str, *, allowed_styles: frozenset[str] = frozenset(),
                 widget_css: bool = False) -> None:
    """The fragment, as a browser would parse it, can run nothing and load nothing.

    ``widget_css``: the quiz widget may emit its own <style> (accessible names built from
    the question's words, hex-escaped); it must then load nothing and close nothing early.
    """
    parser = _Collector()
    parser.feed(fragment)
    parser.close()
    tags = set(parser.tags) - ({"style"} if widget_css else set())
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for css in parser.styles:
        for needle in ("<", "url(", "@import", "expression(", "javascript:"):
            assert needle not in css.lower(), (needle, css[:200])
    for tag, name, value in parser.attributes:
        assert not name.startswith("on"), (tag, name, value)
        assert name not in ("formaction", "xlink:href", "src", "action", "srcdoc"), (tag, name)
        if name == "style":
            assert value in allowed_styles, (tag, value)
        if name in ("href",):
            assert value.split(":", 1)[0].lower().strip() in ("http", "https", "mailto") \
                or ":" not in value, value
            assert not value.strip().lower().startswith(DANGEROUS_SCHEMES), value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_to_html_is_inert(payload: str) -> None:
    assert_inert(markdown_to_html(payload))
    assert_inert(markdown_to_html(payload, inline=True))
    assert_inert(sanitize_html(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plain_text_has_no_markup_at_all(payload: str) -> None:
    parser = _Collector()
    parser.feed(plain_text(payload))
    assert parser.tags == []


def test_safe_markdown_survives() -> None:
    html = markdown_to_html("**bold** and [a trial](https://doi.org/10.1000/x) and `code`")
    assert "<strong>bold</strong>" in html
    assert 'href="https://doi.org/10.1000/x"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<code>code</code>" in html


# -- the quiz widget -----------------------------------------------------------------------
def hostile_quiz() -> Quiz:
    common = {"explanation": f"Why: {ATTACK}", "references": ["evil"], "objective": "o"}
    return Quiz.model_validate({
        "schema_version": 1, "id": "evil", "title": f"Title {ATTACK}",
        "description": f"Description {ATTACK}", "topic": "risks", "pass_mark": 50,
        "questions": [
            {"id": "sc", "type": "single_choice", "prompt": f"Prompt {ATTACK}", **common,
             "options": [
                 {"id": "a", "text": f"Option A {ATTACK}", "correct": True,
                  "feedback": f"Feedback A {ATTACK}"},
                 {"id": "b", "text": "<img src=x onerror=alert(2)>",
                  "feedback": "[x](javascript:alert(3))"}]},
            {"id": "mc", "type": "multiple_choice", "prompt": f"Prompt {ATTACK}", **common,
             "options": [
                 {"id": "a", "text": f"Tick {ATTACK}", "correct": True,
                  "feedback": f"Feedback {ATTACK}"},
                 {"id": "b", "text": "<script>alert(4)</script>", "feedback": ATTACK}]},
            {"id": "tf", "type": "true_false", "prompt": f"Statement {ATTACK}", **common,
             "answer": True, "feedback_true": f"True {ATTACK}",
             "feedback_false": f"False {ATTACK}"},
            {"id": "num", "type": "numeric", "prompt": f"Number {ATTACK}", **common,
             "value": 40, "tolerance": 0.5, "units": "<img src=x onerror=alert(5)>mg",
             "feedback_correct": f"Right {ATTACK}", "feedback_incorrect": f"Wrong {ATTACK}"},
        ],
    })


EVIL_REFERENCE = Reference.model_validate({
    "authors": ["<script>alert(6)</script>", "Doe J"],
    "title": "<img src=x onerror=alert(7)> [t](javascript:alert(8))",
    "journal": "<iframe src=https://evil.example></iframe>",
    "year": 2020, "doi": "10.1000/\"><script>alert(9)</script>",
})


def widget_tree(widget: widgets.Widget) -> list[widgets.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += widget_tree(child)
    return found


def html_values(widget: widgets.Widget) -> list[str]:
    return [w.value for w in widget_tree(widget) if isinstance(w, widgets.HTML) and w.value]


def message_styles() -> frozenset[str]:
    from ketatraining.widgets.messages import STYLES

    return frozenset(STYLES.values()) | {"margin:0.25em 0 0 1em"}


HTML_FIELDS = {"option.html", "item.html", "step.html", "q.prompt_html",
               "quiz.description_html", "result.feedback_html", "result.explanation_html"}
"""The only values the quiz front-end inserts as HTML; everything else is set as text."""


def quiz_html_values(quiz: Any) -> list[str]:
    """Every value of the synced state that the front-end inserts as HTML."""
    values = [quiz.quiz.get("description_html", "")]
    for view in quiz.questions:
        values.append(view["prompt_html"])
        for key in ("options", "items", "answers", "steps"):
            values += [entry["html"] for entry in view["data"].get(key, [])]
    for checked in quiz.checked.values():
        values += [checked["feedback_html"], checked["explanation_html"]]
    return [v for v in values if v]


def test_the_front_end_inserts_only_the_sanitized_fields_as_html() -> None:
    import re

    from ketatraining.widgets.quiz import STATIC

    source = (STATIC / "quiz.js").read_text(encoding="utf-8")
    inserted = set(re.findall(r"\bhtml: ([\w.]+)", source))
    inserted |= set(re.findall(r"\.innerHTML = ([\w.]+);", source)) - {"value"}
    assert inserted == HTML_FIELDS
    assert "insertAdjacentHTML" not in source and "outerHTML" not in source
    assert "eval(" not in source and "new Function" not in source


@pytest.mark.parametrize("wrong_first", [False, True])
def test_every_field_of_the_quiz_widget_is_inert(wrong_first: bool) -> None:
    from ketatraining.widgets.quiz import QuizWidget

    quiz = QuizWidget(hostile_quiz(), store=None, not_saved_reason="<b onmouseover=x>r</b>.",
                      references={"evil": EVIL_REFERENCE}, learner_id="<script>x</script>")
    before = quiz_html_values(quiz)
    quiz.answer("sc", "b" if wrong_first else "a")
    quiz.answer("mc", ["a", "b"] if wrong_first else ["a"])
    quiz.answer("tf", not wrong_first)
    quiz.answer("num", 12 if wrong_first else 40)
    after = quiz_html_values(quiz)
    assert len(after) > len(before)  # feedback, explanations and the result appeared
    for value in after:
        assert_inert(value)
    # The plain-text fields keep the payloads as typed: the page sets them as text.
    assert "<b onmouseover=x>r</b>." in quiz.save["text"]
    assert quiz.quiz["title"].startswith("Title <script>")


def test_the_text_is_still_there_escaped_not_dropped() -> None:
    """Sanitizing must not hide content: an escaped payload is shown as text."""
    from ketatraining.widgets.quiz import QuizWidget

    quiz = QuizWidget(hostile_quiz(), store=None, references={"evil": EVIL_REFERENCE})
    view = quiz.answer("num", 12)
    assert "Expected: 40" in view.feedback
    assert "<img" not in view.feedback and "onerror" not in view.feedback
    assert "&amp;lt;" not in view.feedback  # and not twice
    assert "Doe J" in view.explanation
    assert quiz.questions[3]["data"]["units"] == "<img src=x onerror=alert(5)>mg"  # as text


# -- the completion record -------------------------------------------------------------
@pytest.mark.parametrize("name", [p for p in PAYLOADS if "\n" not in p][:15])
def test_learner_names_on_the_completion_record_are_escaped(name: str) -> None:
    from ketatraining.certificate.course import Course
    from ketatraining.certificate.eligibility import CompletionRecord
    from ketatraining.certificate.render import render_html
    from ketatraining.progress.summary import QuizResult

    course = Course.model_validate({
        "schema_version": 1, "title": "Ketamine and PTSD <script>alert(1)</script>",
        "version": "1", "disclaimer": "Education, not advice. [x](javascript:alert(1))",
        "completion": {"required_quizzes": ["welcome"]}})
    record = CompletionRecord(
        learner_id="ada", learner_name=name, course_title=course.title, course_version="1",
        completed_at=datetime(2026, 1, 1, tzinfo=UTC), issued_at=datetime(2026, 1, 2, tzinfo=UTC),
        quizzes=[QuizResult("ada", "welcome", f"Welcome {name}", "assessment", attempts=1,
                            finished=1, in_progress=False, best_percent=100.0,
                            last_percent=100.0, pass_mark=50.0, passed=True,
                            time_spent_seconds=60.0, last_activity=None)],
        objectives=[("o", f"Objective {name}")], required_quizzes=("welcome",))
    page = render_html(record, course)
    body = page.split("<body>", 1)[1]
    assert_inert(body)
    assert "<script" not in page.lower().replace("&lt;script", "")
