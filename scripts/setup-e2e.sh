#!/usr/bin/env bash
# Installs what the extension's end-to-end tests need: Debian's Chromium, ripgrep and the Kerberos
# headers (apt), and a real VS Code workbench (code-server 4.99.4 = VS Code 1.99 on Node 20) under
# .e2e/. Idempotent: every step is skipped when its result is already present, so CI can call it
# on every run. Non-interactive; needs root (or passwordless sudo) for apt-get.
# Recipe and reasons: ../shared/docs/ENVIRONMENT.md, "A real VS Code for end-to-end tests".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
E2E="$ROOT/.e2e"
CS_VERSION="4.99.4"
CS="$E2E/node_modules/code-server"
VSC="$CS/lib/vscode"
STAMP="$E2E/.setup-complete-$CS_VERSION"
export DEBIAN_FRONTEND=noninteractive npm_config_yes=true npm_config_fund=false npm_config_audit=false

log() { printf '[setup-e2e] %s\n' "$*"; }

# --- system packages --------------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || [ -e /usr/include/krb5.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      log "need root to apt-get install ${missing[*]}; run as root or install them yourself"; exit 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq || log "apt-get update failed; trying install with the current lists"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "chromium, ripgrep, libkrb5-dev already installed"
fi

# --- code-server ------------------------------------------------------------------------------
if [ -f "$STAMP" ] && [ -f "$CS/out/node/entry.js" ]; then
  log "code-server $CS_VERSION already set up in .e2e/"
  exit 0
fi
mkdir -p "$E2E"
if [ ! -f "$CS/out/node/entry.js" ]; then
  log "npm install code-server@$CS_VERSION into .e2e/"
  # A private package.json keeps .e2e/ out of the project's dependency tree.
  [ -f "$E2E/package.json" ] || echo '{"name":"escher-e2e","private":true}' > "$E2E/package.json"
  npm install --prefix "$E2E" "code-server@$CS_VERSION" --ignore-scripts --no-save --loglevel=error
fi
log "installing VS Code's own runtime dependencies (native: kerberos, node-pty, @parcel/watcher, @vscode/spdlog for log files)"
(cd "$VSC" && npm install --omit=dev --ignore-scripts --loglevel=error \
  && npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog --loglevel=error)
mkdir -p "$VSC/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSC/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$VSC/node_modules.asar"
log "installing built-in extensions' dependencies (JSON language features etc.)"
(cd "$VSC/extensions" && npm install --omit=dev --ignore-scripts --loglevel=error)
(cd "$E2E" && npm rebuild argon2 --loglevel=error)
touch "$STAMP"
log "done: node .e2e/node_modules/code-server/out/node/entry.js"
