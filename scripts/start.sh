#!/usr/bin/env bash
# One command to run Wakeflow locally: installs what is missing, then starts everything (see scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# bootstrap may have put a pnpm shim there.
export PATH="${WAKEFLOW_DATA_DIR:-$PWD/.data}/tools/bin:$PATH"
exec pnpm start
