#!/usr/bin/env bash
# gauntlet serve as a mock server, side by side in ONE run with Prism (mock
# mode), json-server and nginx (one worker, the same JSON as a static file),
# then a soak of serve with injection on. Writes bench/serve/RESULTS.md.
#   bench/serve/run.sh
# Env: DURATION (s per wrk run, default 10), CONNS (default 64), SOAK
# (requests in the soak, default 1000000; 0 skips it), ROUNDS (side-by-side
# rounds, default 1: the machine is shared, so a noisy round is re-run and
# every round is reported with the load average around each number),
# GAUNTLET_BIN (default: a Release build in build-bench/). Installs wrk and
# nginx-light (Debian) and Prism + json-server
# (scripts/install-real-servers.sh) when missing.
# Routes: the shipped buddybuild suite's `get an app` (GET /v1/apps/ID) and
# `trigger a build with a JSON body` (POST /v1/apps/ID/build, which stores a
# build); Prism gets the same two routes from bench/serve/openapi.yaml,
# json-server GET /apps/ID and POST /builds, nginx a static file and a fixed
# 201.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=2
SOAK=${SOAK:-1000000}
ROUNDS=${ROUNDS:-1}
APP=5730b3c9e5a5ad0100fd6a9f

need=()
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >/dev/null
fi
scripts/install-real-servers.sh
BIN=$ROOT/tests/realservers/node_modules/.bin
if [ -z "${GAUNTLET_BIN:-}" ]; then
  BUILD_DIR=build-bench BUILD_TYPE=Release scripts/build.sh -DGAUNTLET_TESTS=OFF >/dev/null
  GAUNTLET_BIN=$ROOT/build-bench/gauntlet
fi
G=$GAUNTLET_BIN

WORK=$ROOT/bench/work/serve
rm -rf "$WORK"; mkdir -p "$WORK/tmp" "$WORK/static/v1/apps"
export BENCH_TOKEN=bench-$(openssl rand -hex 12)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "bench: nothing listens on $1" >&2; return 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# p99 line of wrk --latency ("99%   12.34ms") in milliseconds
to_ms() { awk '{v=$2; u=v; sub(/[0-9.]+/,"",u); sub(/[a-z]+$/,"",v); m=(u=="us")?v/1000:(u=="s")?v*1000:v; printf "%.2f", m}'; }

declare -a ROWS
# bench_wrk LABEL PID URL SCRIPT: one wrk run; records req/s, p99, the
# server's peak RSS and the 1-minute load average before and after the run
bench_wrk() {
  local label=$1 pid=$2 url=$3 script=$4
  wrk -t$THREADS -c"$CONNS" -d2s -s "$script" "$url" >/dev/null 2>&1 || true   # warm-up
  local before; before=$(load1)
  wrk -t$THREADS -c"$CONNS" -d"${DURATION}s" --latency -s "$script" "$url" >"$WORK/wrk.txt" 2>&1
  local rps p99 non2xx after; after=$(load1)
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk.txt")
  p99=$(grep -E '^ +99%' "$WORK/wrk.txt" | to_ms)
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); non2xx=${non2xx:-0}
  ROWS+=("| $ROUND | $label | $rps | $p99 | $(hwm "$pid") | $non2xx | $before → $after |")
  echo "bench: round $ROUND: $label: $rps req/s, p99 $p99 ms, peak RSS $(hwm "$pid") KiB, non-2xx $non2xx, load $before -> $after" >&2
  LAST_RPS=$rps; LAST_P99=$p99
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
declare -a RATIOS
for ROUND in $(seq "$ROUNDS"); do
  # ---- gauntlet serve ----
  P=$(free_port)
  BUDDYBUILD_TOKEN=$BENCH_TOKEN BUDDYBUILD_URL=http://placeholder \
    "$G" serve -q --listen 127.0.0.1:$P --junit "$WORK/serve.xml" --seed 1 suites/buddybuild.yaml \
    >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SP=$!; wait_port $P
  bench_wrk "gauntlet serve GET /v1/apps/ID" $SP "http://127.0.0.1:$P/v1/apps/$APP" bench/serve/get.lua
  S_GET=$LAST_RPS; S_GET_P99=$LAST_P99
  bench_wrk "gauntlet serve POST /v1/apps/ID/build" $SP "http://127.0.0.1:$P/v1/apps/$APP/build" bench/serve/post.lua
  S_POST=$LAST_RPS; S_POST_P99=$LAST_P99
  stop $SP
  SERVE_CASES=$(grep -c '<testcase ' "$WORK/serve.xml" || true)
  SERVE_SAID=$(grep -oE '^[0-9]+ requests?,' "$WORK/serve.err" | grep -oE '^[0-9]+' || true)

  # ---- Prism (mock) ----
  P=$(free_port)
  "$BIN/prism" mock -h 127.0.0.1 -p $P bench/serve/openapi.yaml >"$WORK/prism.log" 2>&1 &
  PP=$!; wait_port $P
  bench_wrk "Prism 5.14.2 mock GET /v1/apps/ID" $PP "http://127.0.0.1:$P/v1/apps/$APP" bench/serve/get.lua
  R_GET=$LAST_RPS
  bench_wrk "Prism 5.14.2 mock POST /v1/apps/ID/build" $PP "http://127.0.0.1:$P/v1/apps/$APP/build" bench/serve/post.lua
  R_POST=$LAST_RPS
  stop $PP

  # ---- json-server ----
  P=$(free_port)
  printf '{"apps":[{"id":"%s","app_name":"Gauntlet iOS","platform":"ios"}],"builds":[]}\n' $APP >"$WORK/db.json"
  (cd "$WORK" && exec "$BIN/json-server" --quiet --host 127.0.0.1 --port $P db.json) >"$WORK/json-server.log" 2>&1 &
  JP=$!; wait_port $P
  bench_wrk "json-server 0.17.4 GET /apps/ID" $JP "http://127.0.0.1:$P/apps/$APP" bench/serve/get.lua
  J_GET=$LAST_RPS
  bench_wrk "json-server 0.17.4 POST /builds" $JP "http://127.0.0.1:$P/builds" bench/serve/post.lua
  J_POST=$LAST_RPS
  stop $JP

  # ---- nginx, one worker ----
  P=$(free_port)
  printf '{"_id":"%s","app_name":"Gauntlet iOS","platform":"ios"}' $APP >"$WORK/static/v1/apps/$APP"
  sed -e "s|WORK|$WORK|g" -e "s|PORT|$P|g" bench/serve/nginx.conf >"$WORK/nginx.conf"
  /usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
  NP=$!; wait_port $P
  NW=$(pgrep -P $NP | head -1); NW=${NW:-$NP}
  bench_wrk "nginx 1.22 (1 worker) GET static file" $NW "http://127.0.0.1:$P/v1/apps/$APP" bench/serve/get.lua
  N_GET=$LAST_RPS; N_GET_P99=$LAST_P99
  bench_wrk "nginx 1.22 (1 worker) POST fixed 201" $NW "http://127.0.0.1:$P/v1/apps/$APP/build" bench/serve/post.lua
  N_POST=$LAST_RPS; N_POST_P99=$LAST_P99
  stop $NP
  RATIOS+=("- round $ROUND: serve / Prism GET $(ratio "$S_GET" "$R_GET"), POST $(ratio "$S_POST" "$R_POST") (goal >= 20); serve / json-server GET $(ratio "$S_GET" "$J_GET"), POST $(ratio "$S_POST" "$J_POST"); serve / nginx GET $(ratio "$S_GET" "$N_GET"), POST $(ratio "$S_POST" "$N_POST") (goal >= 0.8); serve p99 / nginx p99 GET $(ratio "$S_GET_P99" "$N_GET_P99"), POST $(ratio "$S_POST_P99" "$N_POST_P99") (goal <= 2); serve's report: $SERVE_CASES testcases, serve counted ${SERVE_SAID:-?} requests")
done

# ---- soak: SOAK requests (3 GET : 1 POST) with injection on ----
if [ "$SOAK" -gt 0 ]; then
  P=$(free_port)
  BUDDYBUILD_TOKEN=$BENCH_TOKEN BUDDYBUILD_URL=http://placeholder \
    "$G" serve -q --listen 127.0.0.1:$P --junit "$WORK/soak.xml" --html "$WORK/soak.html" --seed 1 \
    --inject status:500,status:503 --inject-rate 0.01 suites/buddybuild.yaml \
    >"$WORK/soak.out" 2>"$WORK/soak.err" &
  SP=$!; wait_port $P
  : >"$WORK/soak-rss.txt"
  ( while kill -0 $SP 2>/dev/null; do echo "$(date +%s) $(rss $SP) $(load1)" >>"$WORK/soak-rss.txt"; sleep 5; done ) &
  SAMPLER=$!
  start=$(date +%s)
  # wrk runs for a duration, not a count: 30 s chunks until SOAK answers
  SOAK_ANSWERS=0 SOAK_2XX=0 SOAK_5XX=0 SOAK_OTHER=0 SOAK_SOCKERR=0 CHUNKS=0
  while [ "$SOAK_ANSWERS" -lt "$SOAK" ]; do
    wrk -t$THREADS -c"$CONNS" -d30s -s bench/serve/soak.lua "http://127.0.0.1:$P/v1/apps/$APP" \
      >"$WORK/soak-wrk.txt" 2>&1
    line=$(grep '^SOAK' "$WORK/soak-wrk.txt")
    get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
    SOAK_ANSWERS=$((SOAK_ANSWERS + $(get answers))); SOAK_2XX=$((SOAK_2XX + $(get 2xx)))
    SOAK_5XX=$((SOAK_5XX + $(get 5xx))); SOAK_OTHER=$((SOAK_OTHER + $(get other)))
    SOAK_SOCKERR=$((SOAK_SOCKERR + $(get socket_errors))); CHUNKS=$((CHUNKS + 1))
    echo "bench: soak: $SOAK_ANSWERS answers so far, RSS $(rss $SP) KiB, load $(load1)" >&2
  done
  SOAK_S=$(( $(date +%s) - start ))
  SOAK_HWM=$(hwm $SP)
  stop $SP
  kill $SAMPLER 2>/dev/null || true
  SOAK_LINE="$CHUNKS chunks of 30 s: answers=$SOAK_ANSWERS 2xx=$SOAK_2XX 5xx=$SOAK_5XX other=$SOAK_OTHER socket errors=$SOAK_SOCKERR"
  SOAK_CASES=$(grep -c '<testcase ' "$WORK/soak.xml" || true)
  SOAK_FAILED_CASES=$(grep -c '<failure ' "$WORK/soak.xml" || true)
  SOAK_SUMMARY=$(grep -E '^[0-9]+ requests?, ' "$WORK/soak.err" || true)
  SOAK_INJECTED=$(sed -n 's/.*<property name="summary.injected" value="\([0-9]*\)".*/\1/p' "$WORK/soak.xml")
  SOAK_HTML_BLOCKS=$(grep -c '<details class="case' "$WORK/soak.html" || true)
  SOAK_HTML_SIZE=$(du -k "$WORK/soak.html" | cut -f1)
  RSS_SAMPLES=$(awk 'NR>1 {printf "%s%d", (n++ ? ", " : ""), $2/1024} END {print ""}' "$WORK/soak-rss.txt")
  LOAD_SAMPLES=$(awk 'NR>1 && (NR % 4 == 2) {printf "%s%s", (n++ ? ", " : ""), $3} END {print ""}' "$WORK/soak-rss.txt")
fi

{
  echo "# gauntlet serve under load"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr). Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Command: \`bench/serve/run.sh\` (ROUNDS=$ROUNDS, DURATION=$DURATION s per run after a 2 s warm-up, wrk -t$THREADS -c$CONNS, SOAK=$SOAK)."
  echo "gauntlet: \`$G\` ($(git rev-parse --short HEAD 2>/dev/null || echo '?')). Other agents share the 2 cores: the last column is the 1-minute load average before → after each run; compare within one round."
  echo
  echo "| round | server and route | requests/s | p99 (ms) | peak RSS (KiB) | non-2xx | load (1 min) |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Ratios (issue goals in parentheses):"
  printf '%s\n' "${RATIOS[@]}"
  if [ "$SOAK" -gt 0 ]; then
    echo
    echo "## Soak: $SOAK requests (3 GET : 1 POST), --inject status:500,status:503 --inject-rate 0.01, --html"
    echo
    echo "- wrk: $SOAK_LINE (in $SOAK_S s)"
    echo "- serve: $SOAK_SUMMARY; report: $SOAK_CASES testcases, $SOAK_FAILED_CASES failed; injected answers (property summary.injected): $SOAK_INJECTED; 5xx seen by wrk: $SOAK_5XX"
    echo "- --html page: $SOAK_HTML_BLOCKS request blocks, $SOAK_HTML_SIZE KiB"
    echo "- serve RSS every 5 s (MiB): $RSS_SAMPLES; peak $SOAK_HWM KiB"
    echo "- load average (1 min) every 20 s: $LOAD_SAMPLES"
  fi
} >bench/serve/RESULTS.md
cat bench/serve/RESULTS.md
