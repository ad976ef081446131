"""show_completion(): the learner's name (asked once, stored) and the completion record.

The record is built from the progress store, never from kernel memory, so the button
works the same in JupyterLab, in the Voila app (a fresh kernel per page) and after a
restart. On a hub (the assessment seam in hub mode) the name is kept, and the record
issued and signed, by the course server: this server holds no results. A learner who
has not passed gets the list of what is missing instead.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ketatraining.assessment.protocol import AssessmentError
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import current_learner
from ketatraining.progress.store import ProgressStore, open_store
from ketatraining.widgets.fit import wrapping_row
from ketatraining.widgets.messages import friendly, message_html

NAME_LABEL = "Your name"
NAME_HINT = "as it should appear on your completion record"
SAVE_NAME = "Save my name"
CREATE = "Create my completion record"
NAME_SAVED = "✓ Saved. Your completion record will show the name: {name}"
NOT_YET = "No completion record yet. Still to do:"
NAME_HERE = ("Your name for the record is not set. Type it in the box above and press "
             f"{SAVE_NAME}.")
"""What the page says for the record's missing name (the CLI's wording names a command)."""
CREATED = "✓ Your completion record is ready. It was also saved as:"


def records_dir() -> Path:
    """$KETATRAINING_RECORDS_DIR, else a 'ketatraining' folder in the learner's Documents."""
    configured = os.environ.get("KETATRAINING_RECORDS_DIR", "").strip()
    if configured:
        return Path(configured)
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / "ketatraining"


def _download_link(path: Path, mime: str, label: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<a class="kt-cert-download" download="{html.escape(path.name, quote=True)}" '
            f'href="data:{mime};base64,{data}">{html.escape(label)}</a>')


class CompletionWidget(widgets.VBox):
    """Name field, save button, create button and the result area."""

    def __init__(self, *, store: ProgressStore | None = None,
                 learner_id: str | None = None, folder: Path | None = None,
                 assessment: Any = None) -> None:
        """``assessment``: the course server's client (``HubAssessment``); by default it is
        used when the seam is in hub mode and no store is given."""
        if assessment is None and store is None:
            from ketatraining.assessment.choose import assessment_mode, open_assessment

            if assessment_mode() == "hub":
                assessment = open_assessment()
        self.hub = assessment
        self.store = store
        self.learner_id = learner_id or (assessment.learner_id if assessment is not None
                                         else current_learner())
        self.folder = folder
        self.files: tuple[Path, Path] | None = None
        self.name = widgets.Text(description=NAME_LABEL, placeholder=NAME_HINT,
                                 style={"description_width": "initial"},
                                 layout=widgets.Layout(width="32em", max_width="100%"))
        self.name.add_class("kt-cert-name")
        # Its words stay whole on a phone: the row wraps and the button goes below the
        # field (look A13: at 390 px it was cut to "Save m...").
        self.save = widgets.Button(description=SAVE_NAME, tooltip=SAVE_NAME,
                                   layout=widgets.Layout(width="auto", flex="0 0 auto"))
        self.save.add_class("kt-cert-save")
        self.save.on_click(self._save_name)
        self.name_message = widgets.HTML("")
        self.name_message.add_class("kt-cert-name-message")
        self.create = widgets.Button(description=CREATE, tooltip=CREATE,
                                     layout=widgets.Layout(width="auto"))
        self.create.add_class("kt-cert-create")
        self.create.on_click(self._create)
        self.result = widgets.HTML("")
        self.result.add_class("kt-cert-result")
        super().__init__([wrapping_row([self.name, self.save]), self.name_message,
                          self.create, self.result])
        self.add_class("kt-completion")
        self._load_name()

    def _store(self) -> ProgressStore:
        if self.store is None:
            self.store = open_store()
        return self.store

    @friendly(lambda self: self.name_message)
    def _load_name(self) -> None:
        try:
            stored = (self.hub.display_name() if self.hub is not None
                      else self._store().display_name(self.learner_id))
        except KetaTrainingError as error:
            self.name_message.value = message_html("notice", str(error))
            return
        if stored:
            self.name.value = stored

    @friendly(lambda self: self.name_message)
    def _save_name(self, _button: widgets.Button | None = None) -> None:
        from ketatraining.certificate.eligibility import clean_name

        try:
            name = clean_name(self.name.value)
            if self.hub is not None:
                name = self.hub.set_display_name(name)
            else:
                self._store().set_display_name(self.learner_id, name)
        except (ValueError, KetaTrainingError) as error:
            self.name_message.value = message_html("notice", str(error))
            return
        self.name.value = name
        self.name_message.value = (f'<p role="status">'
                                   f"{html.escape(NAME_SAVED.format(name=name))}</p>")

    @friendly(lambda self: self.result)
    def _create(self, _button: widgets.Button | None = None) -> None:
        from ketatraining.certificate import NotEligible, completion_record, load_course
        from ketatraining.certificate.render import render_html_fragment, write_record

        if self.name.value.strip():
            self._save_name()
        issued: bytes | None = None
        try:
            course = load_course()
            if self.hub is not None:
                record, issued = self._issued()
            else:
                record = completion_record(self._store(), self.learner_id, course)
        except NotEligible as missing:
            self.result.value = message_html("info", NOT_YET, _on_this_page(missing.missing))
            return
        except AssessmentError as error:
            if error.details:  # the course server's list of what is still to do
                self.result.value = message_html("info", NOT_YET,
                                                 _on_this_page(list(error.details)))
            else:
                self.result.value = message_html("error", str(error))
            return
        except KetaTrainingError as error:
            self.result.value = message_html("error", str(error))
            return
        folder = self.folder or records_dir()
        html_path, pdf_path = write_record(record, course, folder)
        if issued is not None:  # the signed file, byte for byte, for `ketatraining verify`
            (folder / f"{html_path.stem}.json").write_bytes(issued)
        self.files = (html_path, pdf_path)
        links = (f"{_download_link(pdf_path, 'application/pdf', 'Download the PDF')} · "
                 f"{_download_link(html_path, 'text/html', 'Download the web page (HTML)')}")
        self.result.value = (
            f'<div role="status"><p><strong>{html.escape(CREATED)}</strong></p><ul>'
            f"<li><code>{html.escape(str(pdf_path))}</code></li>"
            f"<li><code>{html.escape(str(html_path))}</code></li></ul><p>{links}</p></div>"
            f"{render_html_fragment(record, course)}"
        )


    def _issued(self) -> tuple[Any, bytes]:
        """The record the course server issued and signed, and its file's bytes."""
        from ketatraining.certificate.signed import parse, record_from_data

        raw: bytes = self.hub.completion_record()
        return record_from_data(parse(raw)["record"]), raw


def show_completion(**options: object) -> None:
    """Display the completion-record panel (notebook 07)."""
    from IPython.display import display

    display(CompletionWidget(**options))  # type: ignore[arg-type]


def _on_this_page(missing: list[str]) -> list[str]:
    """The steps still to do, said as a learner on this page can take them."""
    from ketatraining.certificate.eligibility import NAME_MISSING

    return [NAME_HERE if step == NAME_MISSING else step for step in missing]

