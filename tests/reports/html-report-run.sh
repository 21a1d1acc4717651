#!/usr/bin/env bash
# html-report-run.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR OUT_DIR [DEFECT] — runs
# the shipped buddybuild suite against refapi (with one defect, or none) and
# writes OUT_DIR/report.html and OUT_DIR/junit.xml. Exit: gauntlet's.
# Used by html-in-chromium.sh and html-screenshot.sh.
set -uo pipefail
src=$1 bin=$2 build=$3 out=$4 defect=${5:-}
mkdir -p "$out"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/key.pem" -out "$out/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || exit 3
https=$(free_port) http=$(free_port)
args=(--api buddybuild --http-port "$http" --https-port "$https" --cert "$out/cert.pem"
  --key "$out/key.pem" --token bb-token-0123456789)
[ -n "$defect" ] && args+=(--defect "$defect")
: >"$out/refapi.out"
setpriv --pdeathsig KILL "$build/tests/refapi" "${args[@]}" >"$out/refapi.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q ready "$out/refapi.out" && break; sleep 0.1; done
cd "$src"
BUDDYBUILD_URL="https://127.0.0.1:$https" BUDDYBUILD_TOKEN=bb-token-0123456789 \
  "$bin" run --cacert "$out/cert.pem" --color never --junit "$out/junit.xml" \
  --html "$out/report.html" suites/buddybuild.yaml
