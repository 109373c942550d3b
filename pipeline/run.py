"""Compose the stages for one document and for a folder of them."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from pipeline.aggregate import aggregate_themes
from pipeline.extract import ExtractionError, extract_pages, read_text_pages
from pipeline.nlp import load_nlp
from pipeline.records import (
    PIPELINE_VERSION,
    Document,
    DocumentResult,
    Page,
    Status,
    document_id,
)
from pipeline.segment import segment_pages
from pipeline.tag.combine import ThemeTagger
from pipeline.tag.embeddings import DEFAULT_HEAD_DIR, EmbeddingClassifier, MiniLMEncoder, ThemeHead
from pipeline.taxonomy import DEFAULT_PATH, Taxonomy, load_taxonomy

log = logging.getLogger(__name__)
SUFFIXES = (".pdf", ".txt")


@dataclass(frozen=True)
class Pipeline:
    """The loaded models and taxonomy; build once per process with ``load_pipeline``."""

    taxonomy: Taxonomy
    tagger: ThemeTagger


@lru_cache(maxsize=4)
def load_pipeline(
    taxonomy_path: Path = DEFAULT_PATH, head_dir: Path = DEFAULT_HEAD_DIR
) -> Pipeline:
    """Load the taxonomy, spaCy and the embedding classifier once per process."""
    taxonomy = load_taxonomy(taxonomy_path)
    classifier = EmbeddingClassifier(MiniLMEncoder(), ThemeHead.load(head_dir))
    return Pipeline(taxonomy=taxonomy, tagger=ThemeTagger(taxonomy, load_nlp(), classifier))


def find_documents(folder: Path) -> list[Path]:
    """Every PDF under a folder, in a stable order."""
    return sorted(
        path
        for path in Path(folder).rglob("*")
        if path.is_file() and path.suffix.lower() == ".pdf" and not path.name.startswith(".")
    )


def process_document(path: Path, pipeline: Pipeline, password: str | None = None) -> DocumentResult:
    """Extract, segment, tag and aggregate one file; bad input ends as a status, never raises."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = f"cannot read the file ({error.__class__.__name__})"
        return DocumentResult(document=_document("", path, 0, Status.FAILED, reason, pipeline))
    doc_id = document_id(data)
    try:
        return _process_pages(doc_id, path, read_pages(Path(path), password), pipeline)
    except ExtractionError as error:
        status, reason = error.status, error.reason
    except Exception as error:  # one document's bug must not stop the batch; text stays out of logs
        log.error(
            "document %s: internal error %s at %s",
            doc_id[:12],
            error.__class__.__name__,
            _where(error),
        )
        status, reason = Status.FAILED, f"internal error ({error.__class__.__name__})"
    log.info("document %s: %s", doc_id[:12], status)
    return DocumentResult(document=_document(doc_id, path, 0, status, reason, pipeline))


def _process_pages(
    doc_id: str, path: Path, pages: list[Page], pipeline: Pipeline
) -> DocumentResult:
    sentences = segment_pages(doc_id, pages, pipeline.tagger.nlp)
    tags = pipeline.tagger.tag_sentences(sentences)
    themes = aggregate_themes(doc_id, sentences, tags, pipeline.taxonomy)
    document = _document(doc_id, path, len(pages), Status.OK, None, pipeline)
    log.info("document %s: ok, %d sentences, %d tags", doc_id[:12], len(sentences), len(tags))
    return DocumentResult(
        document=document, pages=pages, sentences=sentences, tags=tags, themes=themes
    )


def read_pages(path: Path, password: str | None = None) -> list[Page]:
    """Pages of a PDF, or of a plain-text file whose pages are separated by form feeds."""
    if path.suffix.lower() == ".txt":
        return read_text_pages(path)
    return extract_pages(path, password=password)


def _where(error: BaseException) -> str:
    """file:line where an exception was raised: enough to debug, with no message text."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def _document(
    doc_id: str, path: Path, pages: int, status: Status, error: str | None, pipeline: Pipeline
) -> Document:
    return Document(
        id=doc_id,
        file_name=Path(path).name,
        path=str(Path(path).resolve()),
        pages=pages,
        status=status,
        error=error,
        pipeline_version=PIPELINE_VERSION,
        taxonomy_version=pipeline.taxonomy.version,
        model_version=pipeline.tagger.model_version,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
