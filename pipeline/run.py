"""Compose the stages for one document and for a folder of them."""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.aggregate import aggregate_themes
from pipeline.extract import ExtractionError, extract_pages, read_text_pages
from pipeline.isolate import Extractor, InProcessExtractor
from pipeline.metadata import extract_metadata
from pipeline.nlp import load_nlp, load_senter
from pipeline.records import (
    PIPELINE_VERSION,
    READABLE,
    Document,
    DocumentResult,
    Extraction,
    Page,
    Sentence,
    Status,
    Tag,
    document_id,
)
from pipeline.scope import NOT_A_REVIEW, check_scope, scope_warning
from pipeline.segment import segment_pages
from pipeline.tag.combine import ThemeTagger
from pipeline.tag.embeddings import (
    DEFAULT_ENCODER,
    EmbeddingClassifier,
    ThemeHead,
    encoder_name,
    head_dir_for,
    make_encoder,
    model_version,
)
from pipeline.taxonomy import DEFAULT_PATH, Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)
SUFFIXES = (".pdf", ".txt")


@dataclass(frozen=True)
class Pipeline:
    """The loaded models and taxonomy; build once per process with ``load_pipeline``."""

    taxonomy: Taxonomy
    tagger: ThemeTagger
    segmenter: Language | None = None  # sets sentence boundaries; the tagger's nlp if None


@lru_cache(maxsize=4)
def load_pipeline(
    taxonomy_path: Path = DEFAULT_PATH,
    head_dir: Path | None = None,
    encoder: str = DEFAULT_ENCODER,
) -> Pipeline:
    """Load the taxonomy, spaCy and the embedding classifier once per process.

    ``encoder`` names the sentence encoder (``ENCODER_OPTIONS``); ``head_dir`` defaults to
    the head trained for it. A head trained on another encoder's vectors still loads, with
    a warning, and its documents record the encoder in their model version.
    """
    taxonomy = load_taxonomy(taxonomy_path)
    head_dir = head_dir or head_dir_for(encoder)
    head = ThemeHead.load(head_dir)
    if head.meta.get("encoder") != encoder_name(encoder):
        log.warning(
            "the theme head in %s was trained on %s, not %s: retrain it with `scr-themes train`",
            head_dir,
            head.meta.get("encoder"),
            encoder_name(encoder),
        )
    classifier = EmbeddingClassifier(make_encoder(encoder), head)
    tagger = ThemeTagger(taxonomy, load_nlp(), classifier)
    return Pipeline(taxonomy=taxonomy, tagger=tagger, segmenter=load_senter())


def find_documents(folder: Path) -> list[Path]:
    """Every PDF under a folder, in a stable order."""
    return sorted(
        path
        for path in Path(folder).rglob("*")
        if path.is_file() and path.suffix.lower() == ".pdf" and not path.name.startswith(".")
    )


@dataclass(frozen=True)
class Versions:
    """What tags a document: re-tag it when the taxonomy or the model changes."""

    pipeline: str
    taxonomy: str
    model: str


def current_versions(
    taxonomy_path: Path = DEFAULT_PATH,
    head_dir: Path | None = None,
    encoder: str = DEFAULT_ENCODER,
) -> Versions:
    """The versions ``load_pipeline`` would stamp, without loading spaCy or the encoder."""
    taxonomy = load_taxonomy(taxonomy_path)
    head = ThemeHead.load(head_dir or head_dir_for(encoder))
    model = model_version(head, encoder_name(encoder))
    return Versions(PIPELINE_VERSION, taxonomy.version, model)


def process_document(
    path: Path,
    pipeline: Pipeline,
    password: str | None = None,
    extractor: Extractor | None = None,
) -> DocumentResult:
    """Extract, segment, tag and aggregate one file; bad input ends as a status, never raises.

    ``extractor`` reads PDFs (an ``IsolatedExtractor`` for limits); in-process by default.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = f"cannot read the file ({error.__class__.__name__})"
        return DocumentResult(
            document=_document("", path, Extraction(Status.FAILED, reason), pipeline)
        )
    doc_id = document_id(data)
    del data
    try:
        started = time.perf_counter()
        extraction = _extraction(Path(path), password, extractor)
        extract_s = time.perf_counter() - started
        if extraction.status not in READABLE:
            log.info("document %s: %s", doc_id[:12], extraction.status)
            return DocumentResult(
                document=_document(doc_id, path, extraction, pipeline),
                timings={"extract": extract_s},
            )
        result = _process_pages(doc_id, path, extraction, pipeline)
        return replace(result, timings={"extract": extract_s, **result.timings})
    except Exception as error:  # one document's bug must not stop the batch; text stays out of logs
        log.error(
            "document %s: internal error %s at %s",
            doc_id[:12],
            error.__class__.__name__,
            _where(error),
        )
        failed = Extraction(Status.FAILED, f"internal error ({error.__class__.__name__})")
        return DocumentResult(document=_document(doc_id, path, failed, pipeline))


def retag_document(
    document: Document, pages: list[Page], sentences: list[Sentence], pipeline: Pipeline
) -> DocumentResult:
    """Tag a document's stored sentences again (a new taxonomy or model), without extracting."""
    tags, out_of_scope = _tag_in_scope(pages, sentences, pipeline)
    themes = aggregate_themes(document.id, sentences, tags, pipeline.taxonomy)
    kept = [
        w for w in (document.warnings or "").split("; ") if w and not w.startswith(NOT_A_REVIEW)
    ]
    retagged = replace(
        document,
        taxonomy_version=pipeline.taxonomy.version,
        model_version=pipeline.tagger.model_version,
        ingested_at=_now(),
        metadata=extract_metadata(pages, sentences),
        warnings="; ".join([*kept, *out_of_scope]) or None,
    )
    return DocumentResult(retagged, pages, sentences, tags, themes)


def _extraction(path: Path, password: str | None, extractor: Extractor | None) -> Extraction:
    if path.suffix.lower() == ".txt":
        try:
            return Extraction(Status.OK, None, read_text_pages(path))
        except ExtractionError as error:
            return Extraction(error.status, error.reason)
    return (extractor or InProcessExtractor()).extract(path, password)


def _process_pages(
    doc_id: str, path: Path, extraction: Extraction, pipeline: Pipeline
) -> DocumentResult:
    pages = extraction.pages
    started = time.perf_counter()
    sentences = segment_pages(doc_id, pages, pipeline.segmenter or pipeline.tagger.nlp)
    segmented = time.perf_counter()
    tags, out_of_scope = _tag_in_scope(pages, sentences, pipeline)
    themes = aggregate_themes(doc_id, sentences, tags, pipeline.taxonomy)
    timings = {"segment": segmented - started, "tag": time.perf_counter() - segmented}
    document = _document(doc_id, path, extraction, pipeline)
    document = replace(
        document,
        metadata=extract_metadata(pages, sentences),
        warnings="; ".join(filter(None, [document.warnings, *out_of_scope])) or None,
    )
    log.info(
        "document %s: %s, %d sentences, %d tags",
        doc_id[:12],
        extraction.status,
        len(sentences),
        len(tags),
    )
    return DocumentResult(
        document=document,
        pages=pages,
        sentences=sentences,
        tags=tags,
        themes=themes,
        timings=timings,
    )


def _tag_in_scope(
    pages: list[Page], sentences: list[Sentence], pipeline: Pipeline
) -> tuple[list[Tag], list[str]]:
    """The document's tags, and its warnings of scope: a document that is not a child case
    review (or a report about one) gets no tags at all, so no theme is counted or queued."""
    reason = check_scope((page.text for page in pages), pipeline.taxonomy.document_check)
    if reason:
        return [], [scope_warning(reason)]
    return pipeline.tagger.tag_sentences(sentences), []


def read_pages(path: Path, password: str | None = None) -> list[Page]:
    """Pages of a PDF, or of a plain-text file whose pages are separated by form feeds."""
    if path.suffix.lower() == ".txt":
        return read_text_pages(path)
    return extract_pages(path, password=password)


def _where(error: BaseException) -> str:
    """file:line where an exception was raised: enough to debug, with no message text."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def _document(doc_id: str, path: Path, extraction: Extraction, pipeline: Pipeline) -> Document:
    confidences = [p.ocr_confidence for p in extraction.pages if p.ocr_confidence is not None]
    return Document(
        id=doc_id,
        file_name=Path(path).name,
        path=str(Path(path).resolve()),
        pages=len(extraction.pages),
        status=extraction.status,
        error=extraction.reason,
        pipeline_version=PIPELINE_VERSION,
        taxonomy_version=pipeline.taxonomy.version,
        model_version=pipeline.tagger.model_version,
        ingested_at=_now(),
        pdfium_pages=extraction.pdfium_pages,
        warnings="; ".join(extraction.warnings) or None,
        findings=",".join(extraction.findings) or None,
        ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
