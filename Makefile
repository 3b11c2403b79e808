# One entry point for developers and CI. See README.md.
.PHONY: test lint run

test:
	bash scripts/test.sh

lint:
	bash scripts/test.sh --lint-only

run:
	python3 scripts/run_demo.py
