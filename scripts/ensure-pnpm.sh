# Sourced by the setup scripts: makes the pinned pnpm available as `pnpm`.
PNPM_VERSION="10.34.9"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION"
  if [ "$(id -u)" = 0 ]; then
    npm install -g --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
  else
    npm install -g --prefix "$HOME/.local" --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$HOME/.local/bin:$PATH"
  fi
fi
