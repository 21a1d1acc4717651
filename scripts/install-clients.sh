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
. scripts/lib.sh
TAG=install-clients

apt_install_missing python3-requests
require_debian_python requests
npm_ci_pinned tests/clients @botanalytics/core/package.json @atech/postal/package.json \
  har-validator/package.json
