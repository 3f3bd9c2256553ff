#!/usr/bin/env bash
# The project's test command (what `.ci/run` runs): make sure the system
# packages the tests use are installed (PostgreSQL server binaries for the
# queue tests, which start their own throwaway server on 127.0.0.1;
# Chromium + chromedriver for the dashboard test), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
cargo test --workspace --profile ci "$@"
