#!/usr/bin/env bash
# Installs the third-party report consumers the report tests use
# (tests/reports/SOURCES.md): ajv + ajv-formats (SARIF validation against the
# OASIS schema) and tap-parser (TAP 14), pinned in tests/reports/package-lock.json
# and installed with `npm ci`; Debian's chromium (the HTML report is loaded in
# it headless) and nodejs + npm when missing.
# Idempotent: npm ci again only when the lock file changed.
# Exit 0 when everything is installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
if ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-report-tools: apt-get install ${missing[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

dir=tests/reports
stamp="$dir/node_modules/.gauntlet-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-report-tools: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
fi
for mod in ajv ajv-formats tap-parser; do
  if [ ! -f "$dir/node_modules/$mod/package.json" ]; then
    echo "install-report-tools: $dir/node_modules/$mod is missing after npm ci" >&2
    exit 1
  fi
done
