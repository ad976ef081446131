"""Sentence splitting for the claims register: abbreviations, units and decimals stay whole."""

from __future__ import annotations

import nbformat
import pytest

from ketatraining.clinical.sentences import (
    markdown_blocks,
    notebook_sentences,
    question_sentences,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Give 0.5 mg/kg. Then wait 40 min. Check BP.",
         ["Give 0.5 mg/kg.", "Then wait 40 min.", "Check BP."]),
        ("Feder et al. 2014 randomized 41 patients. Midazolam was the control.",
         ["Feder et al. 2014 randomized 41 patients.", "Midazolam was the control."]),
        ("Some labels (e.g. SPRAVATO) say so. Others do not.",
         ["Some labels (e.g. SPRAVATO) say so.", "Others do not."]),
        ("Ketamine vs. midazolam: g = 0.24. Not significant.",
         ["Ketamine vs. midazolam: g = 0.24.", "Not significant."]),
        ("The rise lasts about 4 h. Re-measure.", ["The rise lasts about 4 h.", "Re-measure."]),
        ("Is it approved? No. It is off-label!", ["Is it approved?", "No.", "It is off-label!"]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("Written by Duman R. S. Smith et al. in 2014.", ["Written by Duman R. S. Smith et al. in 2014."]),
        ("A 2.5 h half-life, i.e. 150 minutes.", ["A 2.5 h half-life, i.e. 150 minutes."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_markdown_blocks_skip_headings_and_keep_list_items_and_cells() -> None:
    source = ("## Blood pressure\n\nIt rises. It falls.\n\n- **First** item.\n- Second `x`.\n\n"
              "| A | B |\n|---|---|\n| one | two |\n")
    assert markdown_blocks(source) == ["It rises. It falls.", "First item.", "Second x.",
                                       "A", "B", "one", "two"]


def test_notebook_sentences_name_section_and_cell() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nIntro text."),
        nbformat.v4.new_code_cell("print('not prose')"),
        nbformat.v4.new_markdown_cell("## Risks\n\nA risk. Another risk."),
    ])
    found = list(notebook_sentences(notebook, "05-x", "notebooks/05-x.ipynb"))
    assert [(s.unit, s.where, s.text) for s in found] == [
        ("notebook:05-x#title", "notebooks/05-x.ipynb, cell 1", "Intro text."),
        ("notebook:05-x#risks", "notebooks/05-x.ipynb, cell 3", "A risk."),
        ("notebook:05-x#risks", "notebooks/05-x.ipynb, cell 3", "Another risk."),
    ]


def test_question_sentences_cover_prompt_options_feedback_and_explanation() -> None:
    question = {
        "id": "q1", "type": "single_choice", "prompt": "*Fictional case.* What now?",
        "options": [{"id": "a", "text": "Defer", "correct": True, "feedback": "Right. Why."},
                    {"id": "b", "text": "Proceed", "feedback": "No."}],
        "explanation": "The label says so.",
        "steps": [{"id": "s1", "text": "Measure blood pressure"}],
    }
    found = [(s.where.split(", ", 2)[-1], s.text)
             for s in question_sentences("bank", question, "quizzes/bank.yaml")]
    assert found == [
        ("prompt", "Fictional case."), ("prompt", "What now?"),
        ("options[a].text", "Defer"), ("options[a].feedback", "Right."),
        ("options[a].feedback", "Why."), ("options[b].text", "Proceed"),
        ("options[b].feedback", "No."), ("explanation", "The label says so."),
        ("steps[s1].text", "Measure blood pressure"),
    ]
