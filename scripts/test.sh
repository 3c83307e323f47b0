#!/usr/bin/env bash
# Runs the type check, the linter (with the architecture's boundaries), the import-cycle check, the formatting check, the copy/paste check and every test (unit, integration, e2e) after installing what they need;
# extra arguments go to vitest (and skip the static checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
# bootstrap may have put a pnpm shim there.
export PATH="${WAKEFLOW_DATA_DIR:-$PWD/.data}/tools/bin:$PATH"
# Static checks first: a type error or a broken import boundary fails fast, before minutes of integration tests.
if [ "$#" -eq 0 ]; then
  pnpm typecheck
  pnpm lint
  pnpm cycles
  pnpm format:check
  pnpm deps:check
  pnpm dupes
fi
exec pnpm test "$@"
