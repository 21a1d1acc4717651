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
. scripts/lib.sh
TAG=install-schema-diff

apt_install_missing
npm_ci_pinned tests/schema-diff ajv/package.json ajv-draft-04/package.json \
  @cfworker/json-schema/package.json
