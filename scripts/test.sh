#!/usr/bin/env bash
# Runs the type check, the linter (with the architecture's boundaries), the import-cycle check, the formatting check, the copy/paste check and every test (unit, integration, e2e) after installing what they need;
# extra arguments go to vitest (and skip the static checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
# bootstrap may have put a pnpm shim there.
export PATH="${WAKEFLOW_DATA_DIR:-$PWD/.data}/tools/bin:$PATH"
# Static checks first: a type error or a broken import boundary fails fast, before minutes of integration tests.
# Two streams at once, one per core (the type check and the typed lint take most of the time, each on one core);
# each stream's output is printed whole once both are done.
if [ "$#" -eq 0 ]; then
  logs="$(mktemp -d)"
  (pnpm typecheck && pnpm cycles && pnpm deps:check && pnpm dupes) >"$logs/types" 2>&1 &
  types=$!
  (pnpm lint && pnpm format:check) >"$logs/style" 2>&1 &
  style=$!
  failed=0
  wait "$types" || failed=1
  wait "$style" || failed=1
  cat "$logs/types" "$logs/style"
  rm -rf "$logs"
  [ "$failed" -eq 0 ] || exit 1
fi
exec pnpm test "$@"
