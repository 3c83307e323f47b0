#!/usr/bin/env bash
# Runs every test (unit, integration, e2e) after installing what they need; extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
# bootstrap may have put a pnpm shim there.
export PATH="${WAKEFLOW_DATA_DIR:-$PWD/.data}/tools/bin:$PATH"
exec pnpm test "$@"
