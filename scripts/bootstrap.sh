#!/usr/bin/env bash
# Gets a checkout ready to run: pnpm 10, node_modules from the lockfile, and the external binaries
# (Temporal CLI and test server, PostgreSQL; with --browser also Chromium). Idempotent: a second run only checks.
# Usage: bash scripts/bootstrap.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*" >&2; }

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) log "unknown option: $arg"; exit 2 ;;
  esac
done

if ! command -v node >/dev/null 2>&1; then
  log "Node.js 20 or newer is required (https://nodejs.org or your package manager)"; exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "Node.js 20 or newer is required, found $(node --version)"; exit 1
fi

# pnpm 10. If it is missing, install it globally with npm; if that is not allowed, fall back to a shim that
# runs it through npx. (corepack is not used: it downloads from a host that may be unreachable.)
data_dir="${WAKEFLOW_DATA_DIR:-$PWD/.data}"
shim_dir="$data_dir/tools/bin"
export PATH="$shim_dir:$PATH"
pnpm_major() { pnpm --version 2>/dev/null | cut -d. -f1; }
if [ "$(pnpm_major || true)" != "10" ]; then
  if ! command -v pnpm >/dev/null 2>&1 && npm install -g pnpm@10 >&2; then
    hash -r
    log "installed pnpm with npm"
  fi
  if [ "$(pnpm_major || true)" != "10" ]; then
    log "using pnpm 10 through npx (a shim in $shim_dir)"
    mkdir -p "$shim_dir"
    printf '#!/usr/bin/env bash\nexec npx -y pnpm@10 "$@"\n' > "$shim_dir/pnpm"
    chmod +x "$shim_dir/pnpm"
    hash -r
  fi
  if [ "$(pnpm_major || true)" != "10" ]; then
    log "could not get pnpm 10: npm install -g pnpm@10 failed and npx -y pnpm@10 does not run"; exit 1
  fi
fi

if [ -f pnpm-lock.yaml ]; then
  pnpm install --frozen-lockfile
else
  log "no pnpm-lock.yaml: resolving dependencies afresh"
  pnpm install
fi

if [ "$want_browser" = 1 ]; then
  pnpm exec tsx scripts/ensure-tools.ts --browser
else
  pnpm exec tsx scripts/ensure-tools.ts
fi
