#!/usr/bin/env bash
# Installs the third-party servers the `realserver` tests run gauntlet against
# (tests/realservers/, examples/): pinned, so every machine tests the same code.
#   Debian: python3-httpbin (0.7.0) and gunicorn (20.1), run with Debian's own
#           /usr/bin/python3; nodejs + npm when `node` is missing.
#   npm:    json-server 0.17.4, json-server-auth 2.1.0, @stoplight/prism-cli 5.14.2
#           from tests/realservers/package-lock.json (`npm ci`: exact versions);
#           then scripts/install-openapi-corpus.sh (the OpenAPI test documents).
# Idempotent: installs only what is missing (npm ci again only when the lock
# file changed). Needs root (or sudo) for apt and a reachable package registry.
# Exit 0 when everything is installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

packages=(python3-httpbin gunicorn)
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-real-servers: apt-get install ${missing[*]}" >&2
  # Another apt run (a parallel job) holds the lock: wait for it, bounded.
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's python, not whatever python3 comes first on PATH (pyenv...).
if ! /usr/bin/python3 -c 'import httpbin, gunicorn' 2>/dev/null; then
  echo "install-real-servers: /usr/bin/python3 cannot import httpbin and gunicorn" >&2
  exit 1
fi

dir=tests/realservers
stamp="$dir/node_modules/.gauntlet-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-real-servers: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
fi
for bin in json-server json-server-auth prism; do
  if [ ! -x "$dir/node_modules/.bin/$bin" ]; then
    echo "install-real-servers: $dir/node_modules/.bin/$bin is missing after npm ci" >&2
    exit 1
  fi
done

# The public OpenAPI documents of the OpenAPI tests (same registry, same node).
scripts/install-openapi-corpus.sh
