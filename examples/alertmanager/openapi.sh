#!/usr/bin/env bash
# Prints Prometheus Alertmanager's own API description (Swagger 2.0, API v2)
# on stdout: the document the release embeds in its server
# (api/v2/restapi/embedded_spec.go, the `SwaggerJSON` literal), read from
# Debian's golang-github-prometheus-alertmanager-dev, the source of the same
# release as the prometheus-alertmanager server (0.25.0 on Debian 12), under
# $ALERTMANAGER_SOURCE (default: where that package installs it).
# scripts/install-real-servers.sh downloads and unpacks it and writes the
# document to examples/alertmanager/openapi.json. Exit 1 when it is missing.
set -euo pipefail
root=${ALERTMANAGER_SOURCE:-/usr/share/gocode/src/github.com/prometheus/alertmanager}
src=$root/api/v2/restapi/embedded_spec.go
if [ ! -f "$src" ]; then
  echo "openapi.sh: $src is missing (apt-get install golang-github-prometheus-alertmanager-dev," \
    "or set ALERTMANAGER_SOURCE)" >&2
  exit 1
fi
# The literal runs from "SwaggerJSON = json.RawMessage([]byte(`{" to the
# first line "}`))"; FlatSwaggerJSON (the same document, $refs inlined) follows.
awk '
  /^[[:space:]]*SwaggerJSON = json\.RawMessage\(\[\]byte\(`\{$/ { on = 1; print "{"; next }
  on && /^\}`\)\)$/ { print "}"; found = 1; exit }
  on { print }
  END { exit found ? 0 : 1 }
' "$src"
