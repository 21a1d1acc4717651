#!/usr/bin/env bash
# The main job (README first command): installs what is missing, builds, starts
# `gauntlet serve` on loopback as the embedded default target for each shipped
# suite, runs `gauntlet run` of every shipped suite against it, writes the JUnit
# report to reports/junit.xml, stops the servers. Exit code: gauntlet run's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Only the gauntlet binary is built, in the same build/ as scripts/test.sh, and
# the cache is left as it is (no -DGAUNTLET_TESTS=OFF): running the demo first
# must not turn the tests off for the test command.
BUILD_DIR=${BUILD_DIR:-build} BUILD_TARGET=gauntlet scripts/build.sh >/dev/null
if [ "${GAUNTLET_CONFIGURE_ONLY:-0}" = 1 ]; then exit 0; fi
G="$PWD/${BUILD_DIR:-build}/gauntlet"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A throwaway self-signed certificate for the HTTPS listeners.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -days 2 2>/dev/null

# Demo credentials: random per run, never printed.
rand() { openssl rand -hex "$1"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
export BOTANALYTICS_JWT_SECRET=$(rand 24)
hdr=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"channel":"universal","exp":%d}' $(( $(date +%s) + 86400 )) | b64url)
sig=$(printf '%s.%s' "$hdr" "$payload" | openssl dgst -sha256 -hmac "$BOTANALYTICS_JWT_SECRET" -binary | b64url)
export BOTANALYTICS_TOKEN="$hdr.$payload.$sig"
export BUDDYBUILD_TOKEN=$(rand 20)
export BITPAKET_TOKEN=$(rand 20)
export BITPAKET_CLIENT_SECRET=$(rand 16)
export BITPAKET_RATE_LIMIT=${BITPAKET_RATE_LIMIT:-200}
export RPC_API_KEY=$(rand 16)

# start_serve NAME: starts `gauntlet serve` for suites/NAME.yaml on free ports
# and sets HTTP_URL_<NAME> / HTTPS_URL_<NAME> from the addresses it prints.
start_serve() {
  local name=$1 log="$work/$1.log"
  "$G" serve --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --cert "$work/cert.pem" \
    --key "$work/key.pem" --junit "$work/$name-audit.xml" "suites/$name.yaml" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    if grep -q '^listening https://' "$log" 2>/dev/null; then break; fi
    sleep 0.1
  done
  local http https
  http=$(sed -n 's|^listening \(http://[^ ]*\).*|\1|p' "$log" | head -1)
  https=$(sed -n 's|^listening \(https://[^ ]*\).*|\1|p' "$log" | head -1)
  if [ -z "$https" ]; then
    echo "demo: gauntlet serve for $name did not start:" >&2
    cat "$log" >&2
    exit 3
  fi
  printf -v "HTTP_$name" '%s' "$http"
  printf -v "HTTPS_$name" '%s' "$https"
}

# serve reads only the path of each suite's base_url and starts even when its
# variable is unset (it notes a placeholder host on stderr); setting them here
# keeps that note out of the log until the real listening addresses are known.
export BOTANALYTICS_URL=https://127.0.0.1 BUDDYBUILD_URL=https://127.0.0.1 \
  BITPAKET_URL=https://127.0.0.1 RPC_URL=https://127.0.0.1
for s in botanalytics buddybuild bitpaket rpc; do start_serve "$s"; done
export BOTANALYTICS_URL=$HTTPS_botanalytics
export BOTANALYTICS_HTTP_PORT=${HTTP_botanalytics##*:}
export BUDDYBUILD_URL=$HTTPS_buddybuild
export BITPAKET_URL=$HTTPS_bitpaket
export RPC_URL=$HTTPS_rpc

mkdir -p reports
set +e
"$G" run --cacert "$work/cert.pem" --junit reports/junit.xml "$@" \
  suites/botanalytics.yaml suites/buddybuild.yaml suites/bitpaket.yaml suites/rpc.yaml
rc=$?
set -e
echo "demo: report written to reports/junit.xml (exit $rc)"
exit $rc
