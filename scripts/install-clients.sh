#!/usr/bin/env bash
# Installs the third-party client libraries the `realserver` client-audit tests
# run against `gauntlet serve` (tests/clients/): pinned, so every machine audits
# the same code.
#   Debian: python3-requests (run with Debian's own /usr/bin/python3); nodejs +
#           npm when `node` is missing.
#   npm:    @botanalytics/core 3.0.0, @atech/postal 1.0.0 and har-validator 5.1.5
#           (checks serve's --har output) from tests/clients/package-lock.json
#           (`npm ci`: exact versions).
# Idempotent: installs only what is missing (npm ci again only when the lock
# file changed). Needs root (or sudo) for apt and a reachable package registry.
# Exit 0 when everything is installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

packages=(python3-requests)
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-clients: apt-get install ${missing[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's python, not whatever python3 comes first on PATH (pyenv...).
if ! /usr/bin/python3 -c 'import requests' 2>/dev/null; then
  echo "install-clients: /usr/bin/python3 cannot import requests" >&2
  exit 1
fi

dir=tests/clients
stamp="$dir/node_modules/.gauntlet-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-clients: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
fi
for pkg in @botanalytics/core @atech/postal har-validator; do
  if [ ! -f "$dir/node_modules/$pkg/package.json" ]; then
    echo "install-clients: $dir/node_modules/$pkg is missing after npm ci" >&2
    exit 1
  fi
done
