# The GRU book. Every target sets itself up: `make book` and `make test` on a
# fresh machine create the virtual environment, install, and do their work.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# make test runs its tests in two processes (pytest-xdist, a notebook or test
# file to each at a time), all but this notebook: its live benchmark asserts
# timing ratios, so it runs alone, after them.
TIMED_NOTEBOOK := book/06_making_it_fast.ipynb
# MathJax 3 from npm (exact version in package-lock.json), copied where
# _config.yml's html_static_path points, so the site typesets math offline.
MATHJAX := _build/offline_static/mathjax

export PATH := $(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup book build-stored pdf test-pdf release test test-slow test-numerics peers test-peers lint notebooks compare student serve clean

help:
	@echo "make book       set up, execute the notebooks and build the site into _build/html"
	@echo "make test       set up, then lint, build the site from the stored outputs, run every test but the slow ones"
	@echo "make test-slow  the tests marked slow: whole commands, worker processes, the longest checks (about 5 minutes)"
	@echo "make pdf        the PDF edition, _build/pdf/gru-book.pdf (offline; Debian's Chromium prints it)"
	@echo "make test-pdf   make pdf, then check the PDF (titles, equations, figures, pages)"
	@echo "make release    the files a release attaches, with checksums, into _build/release"
	@echo "make test-numerics  strict nbval on every notebook under arithmetic changed on purpose"
	@echo "make peers      install the optional PyTorch extra and time torch.nn.GRU (book/data/peers.json)"
	@echo "make test-peers install the optional PyTorch extra and test the comparison with it"
	@echo "make notebooks  re-execute every notebook in place (keeps stored outputs current)"
	@echo "make compare    re-execute every notebook and list the stored outputs that changed"
	@echo "make student    write the student edition (solutions removed) into student/"
	@echo "make serve      serve _build/html on http://127.0.0.1:8000"
	@echo "make clean      remove the build, the caches and the virtual environment"

# TensorFlow's C++ start-up log lines (timestamped, so never reproducible) go
# to the terminal rather than into notebook outputs; Python's own stdout and
# stderr are still captured, so warnings raised by code stay visible.
define KERNEL_CONFIG
# Written by the Makefile: keep C++ log lines out of notebook outputs.
c.IPKernelApp.capture_fd_output = False
endef
export KERNEL_CONFIG

# The virtual environment: created when missing, reinstalled when it is
# older than requirements.txt or pyproject.toml.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	mkdir -p $(VENV)/etc/ipython
	echo "$$KERNEL_CONFIG" > $(VENV)/etc/ipython/ipython_kernel_config.py
	touch $@

$(MATHJAX)/tex-chtml.js: package.json package-lock.json
	npm ci --prefix . --no-audit --no-fund --loglevel=error
	rm -rf $(MATHJAX)
	mkdir -p $(MATHJAX)/input/tex $(MATHJAX)/output/chtml
	cp -R node_modules/mathjax/LICENSE node_modules/mathjax/es5/{tex-chtml.js,a11y,sre,ui} $(MATHJAX)/
	cp -R node_modules/mathjax/es5/input/tex/extensions $(MATHJAX)/input/tex/
	cp -R node_modules/mathjax/es5/output/chtml/fonts $(MATHJAX)/output/chtml/
	touch $@

setup: $(STAMP) $(MATHJAX)/tex-chtml.js

book: setup
	jupyter-book build . -W --keep-going

# The site built from the stored outputs (strict nbval proves them current),
# so that `make test` does not execute every notebook twice.
_build/stored_config.yml: _config.yml
	mkdir -p _build
	sed 's/execute_notebooks: cache/execute_notebooks: "off"/' _config.yml > $@
	grep -q 'execute_notebooks: "off"' $@

build-stored: setup _build/stored_config.yml
	jupyter-book build . -W --keep-going --config _build/stored_config.yml

# The PDF edition: every chapter on one page (Sphinx's singlehtml builder,
# from the stored outputs), printed by Debian's Chromium with every request
# off the build folder refused (src/grubook/_pdf.py). The page is the root
# document, book/intro; copied to the build's top so its links resolve.
# About 2 minutes on two cores, so .ci/run runs its test after `make test`.
SINGLE := _build/singlehtml
pdf: setup _build/stored_config.yml
	jupyter-book build . -W --keep-going --builder singlehtml --config _build/stored_config.yml
	cp $(SINGLE)/book/intro.html $(SINGLE)/gru-book.html
	python -m grubook._pdf $(SINGLE)/gru-book.html _build/pdf/gru-book.pdf

# GRUBOOK_REQUIRE_PDF makes tests/pdf fail, not skip, when the PDF is missing.
test-pdf: pdf
	GRUBOOK_REQUIRE_PDF=1 python -m pytest tests/pdf -p no:cacheprovider

# A release's files (.github/workflows/release.yml attaches them to the
# GitHub release of a vX.Y.Z tag): the site, the PDF, the executed notebooks
# with their data, the student edition, and their SHA-256 checksums.
RELEASE := _build/release
release: build-stored pdf student
	rm -rf $(RELEASE) && mkdir -p $(RELEASE)
	tar -czf $(RELEASE)/gru-book-site.tar.gz -C _build html
	cp _build/pdf/gru-book.pdf $(RELEASE)/gru-book.pdf
	tar -czf $(RELEASE)/gru-book-notebooks.tar.gz book/*.ipynb book/data
	tar -czf $(RELEASE)/gru-book-student.tar.gz student
	cd $(RELEASE) && sha256sum gru-book* > SHA256SUMS && sha256sum --check --quiet SHA256SUMS

lint: setup
	ruff check src tests

# The live adder's JavaScript against golden files that Python writes from
# book/data/proved_adder.json (not committed: they follow that file).
test: lint build-stored
	python -m grubook.golden --out _build/golden.json
	node --test tests/js/
	python -m pytest tests $(filter-out $(TIMED_NOTEBOOK),$(NOTEBOOKS)) -m "not slow" --nbval --nbval-current-env -p no:cacheprovider -n 2 --dist loadfile --durations=15
	python -m pytest $(TIMED_NOTEBOOK) --nbval --nbval-current-env -p no:cacheprovider --durations=5

# The tests marked slow (whole commands, several worker processes, the
# longest checks, each also covered more briefly by make test): about 5
# minutes, so .ci/run runs them after `make test` rather than `make test` itself.
test-slow: setup
	python -m pytest tests -m slow -p no:cacheprovider --durations=10

# Strict nbval again under each environment of grubook.perturb (another
# OpenBLAS kernel, oneDNN limited or off, one thread): a stored output that
# depends on the last bits of a float fails here before it fails on a
# reader's machine. tests/test_perturb.py (in `make test`) shows each one
# changes raw floats. About 2-3 minutes per environment on two cores, so
# .ci/run runs it after `make test` rather than `make test` itself.
test-numerics: setup
	python -m grubook.perturb nbval $(NOTEBOOKS) -q

# The optional peer (requirements-peers.txt): PyTorch's CPU build, installed
# into the same virtual environment only by the two targets below.
PEERS_STAMP := $(VENV)/.peers-installed
$(PEERS_STAMP): requirements-peers.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-peers.txt
	touch $@

peers: setup $(PEERS_STAMP)
	python -m grubook.peers --rounds 20 --out book/data/peers.json

# GRUBOOK_REQUIRE_TORCH makes tests/test_peers.py fail, not skip, without torch.
test-peers: setup $(PEERS_STAMP)
	GRUBOOK_REQUIRE_TORCH=1 python -m pytest tests/test_peers.py -p no:cacheprovider

notebooks: setup
	python -m grubook.notebooks execute $(NOTEBOOKS)

compare: setup
	python -m grubook.notebooks compare $(NOTEBOOKS)

student: setup
	python -m grubook.notebooks student $(NOTEBOOKS) --out student

serve: setup
	python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build $(VENV) .venv-latest node_modules .jupyter_cache student .pytest_cache .hypothesis .ruff_cache
