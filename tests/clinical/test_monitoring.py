"""The monitoring-checklist rules: every miss and every wrong tick is explained."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ketatraining.clinical import monitoring as mon
from ketatraining.clinical.monitoring import Expected, Outcome

ROOT = Path(__file__).resolve().parents[2]


def test_model_answer_scores_full_marks() -> None:
    result = mon.check(mon.model_answer())
    assert result.all_correct
    assert result.score == result.max_score
    assert result.summary().startswith(f"All {result.max_score} decisions correct")


def test_nothing_ticked_misses_every_required_action() -> None:
    result = mon.check({})
    required = [a for s in mon.SESSION for a in s.actions if a.expected is Expected.REQUIRED]
    assert len(result.missed) == len(required)
    assert not result.wrong
    assert not result.all_correct
    assert f"{len(required)} required actions missed" in result.summary()


def test_the_core_rems_checks_are_required() -> None:
    answer = mon.model_answer()
    assert "bp" in answer["arrival"]
    assert "bp" in answer["forty"]
    assert "resp" in answer["dosing"]
    assert "continue" in answer["one-hour"]
    assert {"stable", "no-drive"} <= answer["discharge"]


def test_early_discharge_is_explained_with_the_two_hour_rule() -> None:
    ticks = mon.model_answer()
    ticks["one-hour"] = {"discharge"}
    result = mon.check(ticks)
    kinds = {(f.step.id, f.action.id, f.outcome) for f in result.findings}
    assert ("one-hour", "discharge", Outcome.WRONG) in kinds
    assert ("one-hour", "continue", Outcome.MISSED) in kinds
    texts = [f.text() for f in result.wrong + result.missed]
    assert any("2-hour" in t or "2 hours" in t for t in texts)
    assert all(t.endswith(")") and "et al.," in t or "(FDA" in t or "REMS" in t
               for t in texts)  # every explanation cites its source by short citation


def test_bp_below_guide_is_no_reason_to_delay() -> None:
    ticks = mon.model_answer()
    ticks["arrival"] = ticks["arrival"] | {"delay"}
    result = mon.check(ticks)
    (wrong,) = result.wrong
    assert wrong.action.id == "delay"
    assert "140/90" in wrong.text()


def test_optional_bp_at_one_hour_never_costs_marks() -> None:
    with_bp = mon.model_answer()
    with_bp["one-hour"] = with_bp["one-hour"] | {"bp"}
    assert mon.check(with_bp).all_correct
    assert mon.check(mon.model_answer()).all_correct
    optional = [f for f in mon.check(with_bp).findings if f.outcome is Outcome.OPTIONAL]
    assert optional
    assert "clinically warranted" in optional[0].text()


def test_driving_after_normal_bp_is_wrong() -> None:
    ticks = mon.model_answer()
    ticks["discharge"] = {"stable", "drive-ok"}
    result = mon.check(ticks)
    assert {f.action.id for f in result.wrong} == {"drive-ok"}
    assert {f.action.id for f in result.missed} == {"no-drive"}
    assert "next day" in result.wrong[0].text()


def test_unknown_ids_raise() -> None:
    with pytest.raises(KeyError, match="no step"):
        mon.check({"lunch": {"bp"}})
    with pytest.raises(KeyError, match="no action"):
        mon.check({"arrival": {"coffee"}})


def test_every_step_has_required_and_wrong_actions() -> None:
    for s in mon.SESSION:
        kinds = {a.expected for a in s.actions}
        assert Expected.REQUIRED in kinds, s.id
        assert Expected.WRONG in kinds, s.id
        ids = [a.id for a in s.actions]
        assert len(ids) == len(set(ids)), s.id


def test_every_reference_is_in_the_bibliography() -> None:
    data = yaml.safe_load((ROOT / "quizzes" / "references.yaml").read_text(encoding="utf-8"))
    used = {a.reference for s in mon.SESSION for a in s.actions}
    assert used <= set(data["references"])


def test_the_patient_is_labelled_fictional_and_off_label_for_ptsd() -> None:
    assert mon.PATIENT.startswith("Fictional patient")
    assert "not approved for PTSD" in mon.PATIENT
