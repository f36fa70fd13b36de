#!/usr/bin/env bash
# Sets up the workspace and serves the demo (http://127.0.0.1:5173). Needs Node >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
exec pnpm demo "$@"
