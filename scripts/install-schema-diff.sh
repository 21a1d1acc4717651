#!/usr/bin/env bash
# Installs the reference JSON Schema validators of the differential test
# (tests/schema-diff/, ctest schema-diff/ajv) and of the schema benchmark
# (bench/schema/): pinned by tests/schema-diff/package-lock.json
# (`npm ci`: exact versions): ajv 8.20.0, ajv-draft-04 1.0.0,
# @cfworker/json-schema 4.1.6. nodejs + npm from Debian when `node` is missing.
# Idempotent: npm ci runs again only when the lock file changed. Needs root
# (or sudo) for apt and a reachable package registry.
# Exit 0 when everything is installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

packages=()
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "install-schema-diff: apt-get install ${packages[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${packages[@]}" >/dev/null
fi

dir=tests/schema-diff
stamp="$dir/node_modules/.gauntlet-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-schema-diff: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
fi
for pkg in ajv ajv-draft-04 @cfworker/json-schema; do
  if [ ! -f "$dir/node_modules/$pkg/package.json" ]; then
    echo "install-schema-diff: $dir/node_modules/$pkg is missing after npm ci" >&2
    exit 1
  fi
done
