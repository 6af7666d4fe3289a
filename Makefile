# One set of commands for people and CI (.ci/run runs `make test`'s command too).
.PHONY: install dev demo test cover lint fmt migrate

# make demo PORT=8080 (HOST too) when 8000 is taken.
PORT ?= 8000
HOST ?= 127.0.0.1

install:
	python -m pip install -e ".[test]"

demo:
	python -m pip install -e . && participatie run --demo --host $(HOST) --port $(PORT)

dev:
	PARTICIPATIE_DEBUG=true participatie run --demo --host $(HOST) --port $(PORT)

migrate:
	participatie migrate

test:
	python -m pip install -q -e ".[test]" && python -m pytest

# The suite under coverage: fails below the floor in pyproject.toml (about 60 % more CPU on 3.11).
cover:
	python -m pip install -q -e ".[test]" && PYTEST_ADDOPTS="--cov --cov-report=term" python -m pytest

lint:
	ruff check participatie tests bench
	ruff format --check participatie tests bench
	mypy

fmt:
	ruff format participatie tests bench
	ruff check --fix participatie tests bench
