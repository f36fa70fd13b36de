#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine (Chromium, fonts, ffmpeg from apt; the pinned
# pnpm; node modules from the lockfile), then builds, lints, type-checks and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

need_apt=0
for cmd in chromium ffmpeg ffprobe; do command -v "$cmd" >/dev/null 2>&1 || need_apt=1; done
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need_apt=1
if [ "$need_apt" = 1 ]; then
  echo "› installing chromium, fonts-liberation, ffmpeg (apt)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation ffmpeg >/dev/null
fi

. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
rm -f test-results/unit.json test-results/e2e.json
pnpm test:all
echo "› all checks passed in $(( $(date +%s) - started )) s"
node scripts/test-summary.mjs
