#!/usr/bin/env bash
# serve-html-run.sh SOURCE_DIR GAUNTLET_BIN OUT_DIR — `gauntlet serve --html`
# auditing two real clients of the shipped buddybuild suite: curl (retrying
# an injected 503, honouring Retry-After) and `gauntlet run` (which sends the
# suite's faulted requests: no token, an unknown path, a wrong body...).
# Writes OUT_DIR/serve.html, OUT_DIR/serve-junit.xml, OUT_DIR/serve.err
# (serve's summary) and OUT_DIR/curl.txt. Exit: serve's (1: the client broke
# rules), or 3 when a step could not run.
# Used by serve-html-in-chromium.sh and serve-html-screenshot.sh.
set -uo pipefail
src=$1 bin=$2 out=$3
mkdir -p "$out"
token=bb-token-0123456789
app=5730b3c9e5a5ad0100fd6a9f
cd "$src"
# the first GET of an app is answered 503 (Retry-After: 1); curl retries it
BUDDYBUILD_TOKEN=$token BUDDYBUILD_URL=http://placeholder \
  setpriv --pdeathsig KILL "$bin" serve --listen 127.0.0.1:0 --seed 7 --junit "$out/serve-junit.xml" \
  --html "$out/serve.html" --inject "status:503@GET /v1/apps/*#1" suites/buddybuild.yaml \
  >"$out/serve.out" 2>"$out/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q '^listening' "$out/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening \(http:.*\)/\1/p' "$out/serve.out")
[ -n "$url" ] || { echo "serve did not start"; cat "$out/serve.err"; exit 3; }
curl -sS --retry 2 -H "Authorization: Bearer $token" -o "$out/curl.txt" -w '%{http_code}\n' \
  "$url/v1/apps/$app" >"$out/curl.status" 2>&1 || { echo "curl failed"; exit 3; }
BUDDYBUILD_URL=$url BUDDYBUILD_TOKEN=$token \
  "$bin" run -q --color never --junit "$out/run-junit.xml" suites/buddybuild.yaml >"$out/run.log" 2>&1
kill -TERM $pid
wait $pid
rc=$?
trap - EXIT
exit $rc
