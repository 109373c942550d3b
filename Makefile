# Two commands for a new user:  `make demo` (ingest the bundled samples) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test lint train train-encoder evaluate evaluate-realtext samples bench bench-archive bench-realtext review strip-notebooks clean

setup: $(STAMP)

# torch first, pinned to the CPU build, so that nothing pulls a multi-gigabyte CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[spacy-model,dev,notebooks,dask]'
	@command -v tesseract >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y tesseract-ocr; else echo "OCR needs Tesseract: sudo apt-get install tesseract-ocr"; fi; }
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; else echo "The report's render test needs Chromium: sudo apt-get install chromium"; fi; }
	touch $(STAMP)

demo: setup
	$(BIN)/scr-themes ingest corpus_samples --out data/samples

test: setup lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline flows tests benchmarks corpus_samples
	$(BIN)/ruff format --check pipeline flows tests benchmarks corpus_samples
	$(BIN)/mypy

# Every encoder option's head (about 1.5 minutes each on 2 cores).
train: setup
	$(BIN)/scr-themes train
	$(BIN)/scr-themes train --encoder minilm-base
	$(BIN)/scr-themes train --encoder static

# Fine-tune the encoder's adapters (about 11 minutes on 2 cores), then the head on its vectors.
train-encoder: setup
	$(BIN)/scr-themes train-encoder
	$(BIN)/scr-themes train

evaluate: setup
	$(BIN)/scr-themes evaluate corpus_samples/gold.jsonl

# The shipped models on the labelled real text (not held out: they trained on it).
evaluate-realtext: setup
	$(BIN)/scr-themes evaluate ../shared/realtext

samples: setup
	$(BIN)/python corpus_samples/make_samples.py

bench: setup
	$(BIN)/python benchmarks/ingest_samples.py

bench-archive: setup
	$(BIN)/python benchmarks/archive_speed.py

# The real-text figures: 5-fold cross-validation by document over ../shared/realtext (about 15 minutes).
bench-realtext: setup
	$(BIN)/python benchmarks/realtext_cv.py

# Open the reviewer notebook in JupyterLab (a browser tab opens; the dataset defaults to data/samples).
review: setup
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/review_tags.ipynb

# Remove outputs, execution counts and widget state (they hold document text) before committing.
strip-notebooks: setup
	$(BIN)/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) data
