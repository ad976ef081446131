"""``ketatraining preview QUIZ``: a quiz with its answers and feedback, for review."""

from __future__ import annotations

import argparse
import html
import textwrap
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid #bbb;
padding-top:1rem}.meta{color:#444}ol.options{padding-left:1.2rem}
li.right{border-left:4px solid #0072B2;padding-left:.5rem}
li.wrong{border-left:4px solid #ccc;padding-left:.5rem}
.tag{font-weight:bold}.feedback{margin:.2rem 0 .6rem 0;color:#333}
.explanation{background:#f3f3f3;padding:.6rem .8rem;border-radius:4px}
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="show a quiz with answers and feedback, in the terminal or as HTML",
        description="Show a quiz for review, answers, feedback and explanations included: "
        "in the terminal, and with --html as one standalone HTML file (no scripts, "
        "trainer Markdown sanitized) to open in a browser or send to a reviewer. Not "
        "for learners: it shows the answers.",
        epilog=examples(
            "ketatraining preview contraindications",
            "ketatraining preview quizzes/risks.yaml --html risks-review.html",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("quiz", metavar="QUIZ", help="quiz id or file")
    parser.add_argument("--html", type=Path, metavar="FILE",
                        help="also write a standalone HTML file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK
    from ketatraining.quiz.loading import load_quiz, load_references

    quiz = load_quiz(args.quiz)
    print(render_text(quiz))
    if args.html is not None:
        args.html.write_text(render_html(quiz, load_references()), encoding="utf-8")
        print(f"Wrote {args.html}.")
    return EXIT_OK


def _answers(question: Any) -> list[tuple[bool, str, str]]:
    """(right, answer text, feedback) per answer a learner can give, in Markdown."""
    from ketatraining.quiz.types import get_type

    return [(a.right, a.text, a.feedback) for a in get_type(question).answers(question)]


def _kind(question: Any) -> str:
    from ketatraining.quiz.types import get_type

    return get_type(question).kind


def _pools(quiz: Any) -> str:
    """What a quiz with pools asks per attempt, and from which questions."""
    from ketatraining.quiz.draw import asked_count, most_points

    pools = "; ".join(f"{pool.draw} of {', '.join(pool.members(quiz.questions))}"
                      for pool in quiz.pools)
    return (f"Each attempt asks {asked_count(quiz)} of these {len(quiz.questions)} questions "
            f"(at most {most_points(quiz):g} marks): the questions outside the pools, and "
            f"at random {pools}.")


def render_text(quiz: Any) -> str:
    from ketatraining.text import plain_text

    def wrap(text: str, first: str, rest: str | None = None) -> list[str]:
        """Markdown as wrapped plain text; ``rest`` indents the lines after the first."""
        plain = " ".join(html.unescape(plain_text(text)).split())
        return textwrap.wrap(plain, 88, initial_indent=first,
                             subsequent_indent=" " * len(first) if rest is None else rest,
                             ) or [first.rstrip()]

    limit = f", at most {quiz.max_attempts} attempts" if quiz.max_attempts else ""
    lines = [f"{quiz.title}  [{quiz.id}, topic {quiz.topic}]",
             (f"{len(quiz.questions)} questions, {quiz.max_score:g} marks, pass mark "
             f"{quiz.pass_mark:g} %{limit}{', shuffled' if quiz.shuffle else ''}.")]
    lines += wrap(_pools(quiz), "", "") if quiz.pools else []
    if quiz.description:
        lines += wrap(quiz.description, "", "")
    for number, question in enumerate(quiz.questions, start=1):
        lines += ["", (f"Q{number}. {question.id} ({_kind(question)}, {question.points:g} "
                  f"mark{'s' if question.points != 1 else ''}, objective {question.objective}"
                  f"{', ' + question.difficulty if question.difficulty else ''})")]
        lines += wrap(question.prompt, "    ", "    ")
        for right, text, feedback in _answers(question):
            mark = "[right]" if right else "[wrong]"
            lines += wrap(text, f"    {mark} ")
            if feedback:
                lines += wrap(feedback, "        Feedback: ")
        lines += wrap(question.explanation, "    Explanation: ")
        if question.references:
            lines.append(f"    References: {', '.join(question.references)}")
    return "\n".join(lines)


def render_html(quiz: Any, references: dict[str, Any] | None = None) -> str:
    """A standalone page: sanitized Markdown, no scripts, readable without CSS."""
    from ketatraining.text import markdown_to_html

    def md(text: str, inline: bool = False) -> str:
        return markdown_to_html(text, inline=inline)

    esc = html.escape
    references = references or {}
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(quiz.title)} (review copy with answers)</title>",
        f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{esc(quiz.title)}</h1>",
        (f'<p class="meta">Review copy with answers. Quiz <code>{esc(quiz.id)}</code>, topic '
        f"{esc(quiz.topic)}; {len(quiz.questions)} questions, {quiz.max_score:g} marks, "
        f"pass mark {quiz.pass_mark:g} %.</p>"),
        *([f'<p class="meta">{esc(_pools(quiz))}</p>'] if quiz.pools else []),
    ]
    if quiz.description:
        parts.append(md(quiz.description))
    for number, question in enumerate(quiz.questions, start=1):
        parts.append(f'<section aria-labelledby="q{number}">')
        parts.append(f'<h2 id="q{number}">Question {number}: <code>{esc(question.id)}</code>'
                     "</h2>")
        parts.append(f'<p class="meta">{esc(_kind(question))}, {question.points:g} mark(s), '
                     f"objective <code>{esc(question.objective)}</code>"
                     f"{', ' + esc(question.difficulty) if question.difficulty else ''}</p>")
        parts.append(md(question.prompt))
        parts.append('<ol class="options">')
        for right, text, feedback in _answers(question):
            tag = "Right" if right else "Wrong"
            said = (f'<div class="feedback">Feedback: {md(feedback, inline=True)}</div>'
                    if feedback else "")
            parts.append(f'<li class="{"right" if right else "wrong"}"><span class="tag">'
                         f"{tag}:</span> {md(text, inline=True)}{said}</li>")
        parts.append("</ol>")
        parts.append(f'<div class="explanation"><strong>Explanation.</strong> '
                     f"{md(question.explanation, inline=True)}</div>")
        if question.references:
            cited = []
            for key in question.references:
                reference = references.get(key)
                title = getattr(reference, "title", None)
                cited.append(f"<code>{esc(key)}</code>" + (f": {esc(title)}" if title else ""))
            parts.append("<p>References: " + "; ".join(cited) + "</p>")
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
