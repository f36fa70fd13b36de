#!/bin/sh
# Installs what the benchmarks need from Debian: ffmpeg (frames and the native libx264 anchor) and python3-av
# (the PyAV anchor, the stack of Rerun's own example). Idempotent: installs nothing when both already work.
# PyAV is checked with Debian's own interpreter (/usr/bin/python3): python3-av lands in its dist-packages, which
# a python3 earlier on PATH (pyenv, venv) does not see. The encoder bench uses the same interpreter.
set -eu

PYTHON=${CAMSTREAM_BENCH_PYTHON:-/usr/bin/python3}

missing=''
command -v ffmpeg >/dev/null 2>&1 || missing="$missing ffmpeg"
if ! { [ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null 2>&1; } || ! "$PYTHON" -c 'import av' >/dev/null 2>&1; then
  missing="$missing python3-av"
fi

if [ -z "$missing" ]; then
  echo "bench setup: ffmpeg and PyAV ($PYTHON) already present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=''
elif command -v sudo >/dev/null 2>&1; then
  SUDO='sudo'
else
  echo "bench setup: need root or sudo to install:$missing" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # $missing is a list of package names
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
  # A fresh container often has no package lists yet.
  $SUDO apt-get update
  # shellcheck disable=SC2086
  $SUDO apt-get install -y --no-install-recommends $missing
fi

"$PYTHON" -c 'import av; print("bench setup: PyAV", av.__version__, "with", av.codec.Codec("libx264", "w").name)'
ffmpeg -hide_banner -version | head -n 1
