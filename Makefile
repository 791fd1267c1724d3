VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-shared bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: install
	@$(PY) main.py || { echo; echo "Impossible d'ouvrir la fenêtre (pas d'écran ?). Utilisez les commandes sans interface : $(PY) main.py --help"; exit 1; }

# the whole suite, on committed fixtures only (a fresh clone needs nothing beside it)
test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 tests

# checks on the whole open-data files of ../shared/data (run by .ci/run)
test-shared: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 tests_shared

bench: install
	$(PY) bench/solve_national.py

clean:
	rm -rf $(VENV) build *.egg-info
