#!/usr/bin/env bash
# One command to run Wakeflow locally: installs what is missing, then starts everything (see scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# bootstrap may have put a pnpm shim there.
export PATH="${WAKEFLOW_DATA_DIR:-$PWD/.data}/tools/bin:$PATH"
# The start script directly, not through `pnpm start`: pnpm reports a Ctrl-C that reached its child as
# "ELIFECYCLE Command failed" even when everything stopped cleanly.
exec node_modules/.bin/tsx scripts/start.ts
