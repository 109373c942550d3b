"""The review widgets (ipywidgets): wiring only; every decision goes through ReviewSession.

Build with ``ReviewApp(dataset, reviewer)`` and display ``app.widget``. Tests drive it
from code: ``app.rows[0].accept.click()`` runs the same handler a reviewer's click does.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from pipeline.records import Assertion
from pipeline.review.queue import Evidence, QueueItem, find_sentences
from pipeline.review.session import ReviewSession
from pipeline.review.store import DecisionKind
from pipeline.taxonomy import Taxonomy

try:
    import ipywidgets as widgets
except ImportError as error:  # pragma: no cover - the notebooks extra is missing
    raise ImportError(
        "the review notebook needs ipywidgets: .venv/bin/pip install -e '.[notebooks]'"
    ) from error

# (label, value) pairs throughout: ipywidgets reads a list that mixes pairs with plain
# strings as plain options, so a ("change assertion to...", None) placeholder became a value
ASSERTIONS = [(str(a), str(a)) for a in Assertion]


def evidence_html(evidence: Evidence) -> str:
    """One evidence sentence as HTML: highlighted text, then where it is and how it scored."""
    score = "added by a reviewer" if evidence.score is None else f"score {evidence.score:.2f}"
    method = f" · {evidence.method}" if evidence.method else ""
    review = " · below threshold" if evidence.needs_review else ""
    counted = "counted" if evidence.counted else "not counted"
    about = f" · about: {evidence.subject}" if evidence.subject else ""
    decided = f" · <b>your decision: {evidence.decision}</b>" if evidence.decision else ""
    link = (
        f' · <a href="{html.escape(evidence.pdf_link)}" target="_blank">open PDF at page</a>'
        if evidence.pdf_link
        else ""
    )
    return (
        f"<blockquote>{evidence.html}</blockquote>"
        f"<small>page {evidence.page} · {evidence.section} · {score}{method} · "
        f"{evidence.assertion}{about}{review} · {counted}{decided}{link}</small>"
    )


def item_header_html(item: QueueItem, label: str, position: int, total: int, done: bool) -> str:
    """What the current queue item is and what the tagger said about it."""
    verdict = "present" if item.machine_present else "absent"
    state = "reviewed" if done else "not reviewed yet"
    return (
        f"<h3>{html.escape(label)} in {html.escape(item.file_name)}</h3>"
        f"<p>Item {position + 1} of {total} ({state}). The tagger says <b>{verdict}</b>: "
        f"score {item.score:.2f} against threshold {item.threshold:.2f}; "
        f"{item.n_needs_review} sentence(s) below the threshold.</p>"
    )


class EvidenceRow:
    """The widgets for one evidence sentence: accept, reject, change theme or assertion."""

    def __init__(self, app: ReviewApp, evidence: Evidence, themes: list[tuple[str, str]]) -> None:
        self.app, self.evidence = app, evidence
        self.text = widgets.HTML(evidence_html(evidence))
        self.accept = widgets.Button(description="Accept", button_style="success")
        self.reject = widgets.Button(description="Reject", button_style="danger")
        self.new_theme = widgets.Dropdown(options=[("change theme to...", None), *themes])
        self.change_theme = widgets.Button(description="Change theme")
        self.new_assertion = widgets.Dropdown(
            options=[("change assertion to...", None), *ASSERTIONS]
        )
        self.change_assertion = widgets.Button(description="Change assertion")
        self.comment = widgets.Text(placeholder="comment (optional)")
        self.accept.on_click(lambda _: self._decide(DecisionKind.ACCEPT))
        self.reject.on_click(lambda _: self._decide(DecisionKind.REJECT))
        self.change_theme.on_click(lambda _: self._change_theme())
        self.change_assertion.on_click(lambda _: self._change_assertion())
        buttons = [self.accept, self.reject, self.new_theme, self.change_theme]
        more = [self.new_assertion, self.change_assertion, self.comment]
        self.widget = widgets.VBox([self.text, widgets.HBox(buttons), widgets.HBox(more)])

    def _decide(self, kind: DecisionKind, **extra: Any) -> None:
        self.app.decide(self.evidence.sentence_id, kind, comment=self.comment.value, **extra)

    def _change_theme(self) -> None:
        if self.new_theme.value is None:
            self.app.say("Choose the theme this sentence is about first.")
            return
        self._decide(DecisionKind.CHANGE_THEME, new_theme_id=self.new_theme.value)

    def _change_assertion(self) -> None:
        if self.new_assertion.value is None:
            self.app.say("Choose how the sentence speaks of the theme first.")
            return
        self._decide(
            DecisionKind.CHANGE_ASSERTION, new_assertion=Assertion(self.new_assertion.value)
        )


class ReviewApp:
    """Pick a dataset and a reviewer, walk the queue, decide; progress always shown."""

    def __init__(
        self, dataset_folder: str | Path = "", reviewer: str = "", taxonomy: Taxonomy | None = None
    ) -> None:
        self.taxonomy = taxonomy
        self.session: ReviewSession | None = None
        self.rows: list[EvidenceRow] = []
        self._build_widgets(str(dataset_folder), reviewer)
        if str(dataset_folder) and reviewer:
            self.open()

    def _build_widgets(self, dataset_folder: str, reviewer: str) -> None:
        w = widgets
        self.dataset = w.Text(value=dataset_folder, description="Dataset folder")
        self.reviewer = w.Text(value=reviewer, description="Your name")
        self.open_button = w.Button(description="Open", button_style="primary")
        self.message = w.HTML()
        self.progress = w.HTML()
        self.theme_filter = w.Dropdown(options=[("all themes", None)], description="Theme")
        self.document_filter = w.Dropdown(options=[("all documents", None)], description="Document")
        self.previous_button = w.Button(description="< Previous")
        self.next_button = w.Button(description="Next >")
        self.next_unreviewed_button = w.Button(description="Next to review >>")
        self.header = w.HTML()
        self.evidence_box = w.VBox()
        self.search = w.Text(description="Find", placeholder="words in the sentence")
        self.sentence_choice = w.Dropdown(options=[], description="Sentence")
        self.add_theme = w.Dropdown(options=[], description="Theme")
        self.add_button = w.Button(description="Add missed theme")
        self.open_button.on_click(lambda _: self.open())
        self.previous_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(1))
        self.next_unreviewed_button.on_click(lambda _: self.next_unreviewed())
        self.theme_filter.observe(lambda _: self.apply_filters(), names="value")
        self.document_filter.observe(lambda _: self.apply_filters(), names="value")
        self.search.observe(lambda _: self._refresh_sentences(), names="value")
        self.add_button.on_click(lambda _: self.add_missed_theme())
        navigation = [self.previous_button, self.next_button, self.next_unreviewed_button]
        adder = w.VBox(
            [w.HTML("<b>Add a theme the tagger missed</b>"), self.search, self.sentence_choice,
             w.HBox([self.add_theme, self.add_button])]
        )  # fmt: skip
        self.widget = w.VBox(
            [w.HBox([self.dataset, self.reviewer, self.open_button]), self.message, self.progress,
             w.HBox([self.theme_filter, self.document_filter]), w.HBox(navigation), self.header,
             self.evidence_box, adder]
        )  # fmt: skip

    def say(self, text: str) -> None:
        self.message.value = f"<p style='color:#a00'>{html.escape(text)}</p>" if text else ""

    def open(self) -> None:
        """Load the dataset named in the folder box for the reviewer named in the name box."""
        try:
            self.session = ReviewSession(
                Path(self.dataset.value), self.reviewer.value, self.taxonomy
            )
        except (ValueError, OSError) as error:
            self.session = None
            self.say(str(error))
            return
        data = self.session.data
        themes = [(data.theme_label(t), t) for t in data.taxonomy.ids]
        documents = sorted(
            zip(data.documents["file_name"], data.documents["document_id"], strict=True)
        )
        with (
            self.theme_filter.hold_trait_notifications(),
            self.document_filter.hold_trait_notifications(),
        ):
            self.theme_filter.options = [("all themes", None), *themes]
            self.document_filter.options = [("all documents", None), *documents]
        self.add_theme.options = themes
        self.say("" if self.session.queue else "Nothing to review in this dataset.")
        self.show()

    def apply_filters(self) -> None:
        if self.session is not None:
            self.session.filter(self.theme_filter.value, self.document_filter.value)
            self.show()

    def decide(self, sentence_id: str, kind: DecisionKind, **extra: Any) -> None:
        """Save a decision at once, then show the item again with it."""
        if self.session is None:
            return
        try:
            self.session.decide(sentence_id, kind, **extra)
        except (ValueError, KeyError) as error:
            self.say(str(error))
            return
        self.say("")
        self.show()

    def next_unreviewed(self) -> None:
        if self.session is not None and self.session.next_unreviewed() is None:
            self.say("Every item in this queue has a decision from you.")
        self.show()

    def add_missed_theme(self) -> None:
        if self.sentence_choice.value is None or self.add_theme.value is None:
            self.say("Choose a sentence and a theme first.")
            return
        self.decide(self.sentence_choice.value, DecisionKind.ADD, theme_id=self.add_theme.value)

    def _move(self, step: int) -> None:
        if self.session is not None:
            self.session.move(step)
            self.show()

    def show(self) -> None:
        """Redraw progress, the current item and its evidence rows."""
        session = self.session
        if session is None:
            return
        self.progress.value = f"<b>Progress:</b> {session.progress()}"
        item = session.current
        if item is None:
            self.header.value, self.rows = "<p>No items.</p>", []
        else:
            label = session.data.theme_label(item.theme_id)
            done = session.is_reviewed(item)
            self.header.value = item_header_html(
                item, label, session.position, len(session.queue), done
            )
            themes = [
                (session.data.theme_label(t), t)
                for t in session.data.taxonomy.ids
                if t != item.theme_id
            ]
            self.rows = [EvidenceRow(self, evidence, themes) for evidence in session.evidence()]
        self.evidence_box.children = [row.widget for row in self.rows]
        self._refresh_sentences()

    def _refresh_sentences(self) -> None:
        item = self.session.current if self.session else None
        if self.session is None or item is None:
            self.sentence_choice.options = []
            return
        self.sentence_choice.options = [
            (label[:160], sentence_id)
            for sentence_id, label in find_sentences(
                self.session.data, item.document_id, self.search.value
            )
        ]
