VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install sysdeps run test test-shared bundle bundle-test bench clean

# the modules' bytecode written ahead (where Python is told not to write it, PYTHONDONTWRITEBYTECODE, each
# command would compile planner/ and solvers/ again: 0.3 s at every start); quick when already up to date
install: $(STAMP)
	@$(PY) -m compileall -q main.py planner solvers ui bench >/dev/null

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: install
	@$(PY) main.py || { echo; echo "Impossible d'ouvrir la fenêtre (pas d'écran ?). Utilisez les commandes sans interface : $(PY) main.py --help"; exit 1; }

# the whole suite, on committed fixtures only (a fresh clone needs nothing beside it)
# pdftoppm (poppler-utils) renders PDF pages in the export tests: installed here when missing and root
sysdeps:
	@command -v pdftoppm >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null) ; } || { echo "pdftoppm manquant : installez poppler-utils (apt-get install poppler-utils)"; exit 1; }

test: install sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 tests

# checks on the whole open-data files of ../shared/data (run by .ci/run)
test-shared: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 tests_shared

# a one-folder application (PyInstaller, planificateur-ia.spec; the same spec builds on Windows) in dist/planificateur-ia
bundle: install
	$(PY) -m pip install --quiet -e ".[test,bundle]"
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller planificateur-ia.spec
	@echo "Application : dist/planificateur-ia/planificateur-ia (dossier à copier tel quel)"

# the built bundle started here: --help, an offscreen --screenshot, a one-académie solve, a PDF
bundle-test: bundle
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 0 tests_bundle

bench: install
	$(PY) bench/solve_national.py

clean:
	rm -rf $(VENV) build dist *.egg-info
