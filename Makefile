# scrutiny — set-up, tests, demo and benchmarks. Every target installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.scrutiny-built
CSRC := $(wildcard csrc/core/*.[ch] csrc/binding/*.[ch])
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes
# CI sets WERROR=1: compiler warnings become errors.
ifeq ($(WERROR),1)
WARN += -Werror
endif
PYTEST_ARGS ?=

.PHONY: install gsl demo gallery docs notebook test ctest bench asan valgrind clean

install: $(STAMP)

# GSL headers and library from Debian's packages when missing (non-interactive).
gsl:
	@command -v gsl-config >/dev/null 2>&1 || { \
	  echo "GSL not found: installing libgsl-dev with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libgsl-dev >/dev/null; }

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel "numpy>=2"

$(STAMP): pyproject.toml setup.py $(CSRC) | gsl $(PY)
	SCRUTINY_CFLAGS="$(WARN) $(EXTRA_CFLAGS)" SCRUTINY_LDFLAGS="$(EXTRA_LDFLAGS)" \
	  $(PY) -m pip install -q --no-build-isolation -e ".[test,docs]"
	touch $@

# The performance report on the bundled synthetic data; prints the path of report.html.
demo: install
	$(PY) -m scrutiny demo

# Every chart on the bundled data (and the real data of ../shared/data when there), as PNG and
# SVG with gallery/index.html; prints the path of the page.
gallery: install
	$(PY) -m scrutiny.gallery --out gallery

# The documentation site, into docs/_build/html (warnings are errors): the notebooks executed,
# the gallery drawn and the API reference generated at each build (docs/conf.py).
docs: install
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "docs/_build/html/index.html"

# JupyterLab on notebooks/ with the package installed (the notebook extra, installed once).
NOTEBOOK_STAMP := $(VENV)/.scrutiny-notebook
$(NOTEBOOK_STAMP): $(STAMP)
	SCRUTINY_CFLAGS="$(WARN) $(EXTRA_CFLAGS)" SCRUTINY_LDFLAGS="$(EXTRA_LDFLAGS)" \
	  $(PY) -m pip install -q --no-build-isolation -e ".[test,docs,notebook]"
	touch $@

notebook: $(NOTEBOOK_STAMP)
	$(PY) -m jupyterlab --ServerApp.root_dir=notebooks $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# The browser and PDF tests render the report in Debian's chromium and read the PDF back with
# poppler's pdftotext (both installed here when missing, non-interactively; no browser is ever
# downloaded by Playwright).
test: install ctest
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Chromium not found: installing Debian's chromium with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "pdftotext not found: installing Debian's poppler-utils with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }
	$(PY) -m pytest $(PYTEST_ARGS)

# The C core as a plain static library (no Python), and one test program per family on the
# reference values in tests/reference; prints "ctest: N passed, M failed" (checks).
CTEST_DIR := build/ctest
CTEST_CC ?= gcc
CORE_OBJ := $(patsubst csrc/core/%.c,$(CTEST_DIR)/%.o,$(wildcard csrc/core/*.c))
CTEST_BIN := $(patsubst tests/c/%.c,$(CTEST_DIR)/%,$(wildcard tests/c/test_*.c))
CTEST_CFLAGS = -std=c99 -O2 -fopenmp $(WARN) $(shell gsl-config --cflags) -Icsrc/core

$(CTEST_DIR)/%.o: csrc/core/%.c $(wildcard csrc/core/*.h) | gsl
	@mkdir -p $(@D)
	$(CTEST_CC) $(CTEST_CFLAGS) -c $< -o $@

$(CTEST_DIR)/libscrutiny_core.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(CTEST_DIR)/test_%: tests/c/test_%.c tests/c/sc_test.h $(CTEST_DIR)/libscrutiny_core.a
	$(CTEST_CC) $(CTEST_CFLAGS) -Itests/c $< -o $@ -L$(CTEST_DIR) -lscrutiny_core \
	  $(shell gsl-config --libs) -fopenmp -lm

ctest: $(CTEST_BIN)
	@passed=0; failed=0; \
	for t in $(CTEST_BIN); do \
	  out=$$($$t tests/reference); status=$$?; echo "$$out"; \
	  p=$$(echo "$$out" | sed -n 's/^.*: \([0-9]*\) passed, [0-9]* failed$$/\1/p' | tail -1); \
	  f=$$(echo "$$out" | sed -n 's/^.*: [0-9]* passed, \([0-9]*\) failed$$/\1/p' | tail -1); \
	  if [ $$status -ne 0 ] && [ "$${f:-0}" -eq 0 ]; then echo "$$t exited with $$status"; f=1; fi; \
	  passed=$$((passed + $${p:-0})); failed=$$((failed + $${f:-0})); \
	done; \
	echo "ctest: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

bench: install
	$(PY) -m pip install -q pymannkendall ruptures pyworkforce || true
	@# lifelines pins pandas < 3: installed without its pins, so the test environment keeps its pandas
	$(PY) -m pip install -q --no-deps lifelines autograd autograd-gamma formulaic interface-meta \
	  narwhals wrapt || true
	$(PY) tests/benchmarks/run.py

# The extension rebuilt with AddressSanitizer + UBSan, the suite run under it (the bad-input
# matrix's workers too), then the fuzz of every `_core` entry point, then a normal rebuild.
# Notebook kernels (the notebook and documentation tests) and the headless browser (the browser
# and PDF tests) are child processes the preloaded sanitizer would enter too, so those tests are
# left to `make test`. A huge allocation
# is refused (MemoryError), not a sanitizer abort.
SANITIZED := LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 SCRUTINY_HOSTILE_TIMEOUT=60
asan: install
	rm -f $(STAMP)
	$(MAKE) install EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g" EXTRA_LDFLAGS="-fsanitize=address,undefined"
	$(SANITIZED) $(PY) -m pytest -x -p no:cacheprovider --ignore=tests/test_notebooks.py --ignore=tests/test_docs.py --ignore=tests/test_report_browser.py --ignore=tests/test_report_pdf.py $(PYTEST_ARGS) && \
	  $(SANITIZED) $(PY) tests/fuzz_core.py; \
	status=$$?; rm -f $(STAMP); $(MAKE) install; exit $$status

# The suite under valgrind's memcheck (slow: C-level tests only).
valgrind: install
	PYTHONMALLOC=malloc valgrind --error-exitcode=1 --leak-check=no -q \
	  $(PY) -m pytest -x -q --ignore=tests/test_notebooks.py --ignore=tests/test_docs.py --ignore=tests/test_report_browser.py --ignore=tests/test_report_pdf.py $(PYTEST_ARGS)

clean:
	rm -rf build $(VENV) python/scrutiny/_core*.so python/*.egg-info scrutiny-output gallery \
	  docs/_build docs/api/generated docs/gallery docs/notebooks/*.ipynb
