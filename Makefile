# The same commands locally and in CI. `make run` and `make test` install what they need first.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYTHON ?= python3
PG_SERVER ?= postgresql://postgres@127.0.0.1:5432/test
LINT_PATHS := src tests $(wildcard bench)

.PHONY: install system-deps run test test-sqlite test-postgresql compat-wechatpy2 check format bench lock

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
# htmx for the web client, pinned in package-lock.json, into node_modules/ (served at /static/vendor/).
	bash scripts/install-system-deps npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash scripts/install-system-deps

run: install
	$(BIN)/yuanzi demo

test: install system-deps test-sqlite test-postgresql compat-wechatpy2

test-sqlite: install
	$(BIN)/pytest -q -n 2

test-postgresql: install
	@if $(PY) scripts/pg_ready.py "$(PG_SERVER)"; then \
		YUANZI_TEST_DATABASE=postgresql $(BIN)/pytest -q -n 2; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_SERVER) is not reachable; CI requires it" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_SERVER) not reachable: skipping the PostgreSQL pass" >&2; \
	fi

# The compat tests again with wechatpy's 2.0 pre-release, in a venv of its own.
WECHATPY2 := .venv-wechatpy2

$(WECHATPY2)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(WECHATPY2)
	$(WECHATPY2)/bin/python -m pip install --quiet --upgrade pip==26.3
	$(WECHATPY2)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(WECHATPY2)/bin/python -m pip install --quiet --pre wechatpy==2.0.0a26
	touch $@

compat-wechatpy2: install $(WECHATPY2)/.installed
	$(WECHATPY2)/bin/pytest -q -p no:cacheprovider tests/compat/test_wechatpy.py tests/compat/test_wechatpy_work.py

check: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

# Re-pin every transitive dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/yuanzi-lock && $(PYTHON) -m venv /tmp/yuanzi-lock
	/tmp/yuanzi-lock/bin/pip install --quiet '.[dev]'
	/tmp/yuanzi-lock/bin/pip freeze --exclude yuanzi > constraints.txt
