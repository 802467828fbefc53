# The two set-up commands of the README: `make run` and `make test`.
# Each creates the virtual environment on first use, so a fresh clone needs nothing else.
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run build test test-fast install clean

# Build the graph from the bundled corpus, then serve the API and the page on it.
run: build
	$(VENV)/bin/policykg serve --host $(HOST) --port $(PORT)

build: $(STAMP)
	$(VENV)/bin/policykg build

test: $(STAMP)
	$(PY) -m pytest

# Everything not marked slow (builds, servers, browsers, stress): under two minutes, for the edit-test loop.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) data/build *.egg-info
