#!/usr/bin/env bash
# Installs the third-party servers the `realserver` tests run gauntlet against
# (tests/realservers/, examples/): pinned, so every machine tests the same code.
#   Debian: python3-httpbin (0.7.0) and gunicorn (20.1), run with Debian's own
#           /usr/bin/python3; etcd-server (3.4.23), influxdb (1.6.7);
#           prometheus-alertmanager (0.25.0), and the API description its
#           release embeds, from its Go source package
#           golang-github-prometheus-alertmanager-dev (downloaded and unpacked,
#           not installed; examples/alertmanager/openapi.sh); nodejs +
#           npm when `node` is missing (Debian 12's versions: the release pins them).
#   npm:    json-server 0.17.4, json-server-auth 2.1.0, @stoplight/prism-cli 5.14.2
#           from tests/realservers/package-lock.json (`npm ci`: exact versions);
#           then scripts/install-openapi-corpus.sh (the OpenAPI test documents).
# Idempotent: installs only what is missing (npm ci again only when the lock
# file changed). Needs root (or sudo) for apt and a reachable package registry.
# Exit 0 when everything is installed, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
TAG=install-real-servers

apt_install_missing python3-httpbin gunicorn etcd-server influxdb prometheus-alertmanager
# Alertmanager's own API description (Swagger 2.0), as the release embeds it:
# one file of its Go source package, unpacked without installing it (the
# package would pull ~400 MB of Go libraries)
am_doc=examples/alertmanager/openapi.json
if [ ! -s "$am_doc" ]; then
  am_tmp=$(mktemp -d)
  (cd "$am_tmp" && apt-get download -qq golang-github-prometheus-alertmanager-dev >/dev/null 2>&1) ||
    { apt_get update -qq && (cd "$am_tmp" && apt-get download -qq golang-github-prometheus-alertmanager-dev >/dev/null); }
  dpkg-deb -x "$am_tmp"/golang-github-prometheus-alertmanager-dev_*.deb "$am_tmp/src"
  ALERTMANAGER_SOURCE="$am_tmp/src/usr/share/gocode/src/github.com/prometheus/alertmanager" \
    examples/alertmanager/openapi.sh >"$am_doc.tmp"
  mv "$am_doc.tmp" "$am_doc"
  rm -rf "$am_tmp"
fi
require_debian_python httpbin gunicorn
npm_ci_pinned tests/realservers .bin/json-server .bin/json-server-auth .bin/prism

# The public OpenAPI documents of the OpenAPI tests (same registry, same node).
scripts/install-openapi-corpus.sh
