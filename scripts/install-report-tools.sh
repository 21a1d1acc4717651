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
. scripts/lib.sh
TAG=install-report-tools

chromium=()
command -v chromium >/dev/null 2>&1 || chromium=(chromium)
apt_install_missing "${chromium[@]}"
npm_ci_pinned tests/reports ajv/package.json ajv-formats/package.json tap-parser/package.json
