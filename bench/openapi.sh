#!/usr/bin/env bash
# Benchmarks reading GitHub's REST API description (npm @octokit/openapi,
# generated/api.github.com.json, 13 MB, ~1,000 operations): `gauntlet list`
# (read, derive, load the derived suite, compile every response schema,
# expand), `gauntlet check`, `gauntlet serve`'s start, and Prism's mock start
# on the same document.
# Goal (docs/openapi.md): under 2 s and 300 MB.
# Writes bench/RESULTS-openapi.md.
#   bench/openapi.sh        (RUNS=5 by default, PRISM_RUNS=3; PRISM_RUNS=0: no Prism)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
scripts/install-deps.sh
if [ "${PRISM_RUNS:-3}" = 0 ]; then
  scripts/install-openapi-corpus.sh
else
  scripts/install-real-servers.sh # Prism and the OpenAPI corpus
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
BUILD_DIR=build-bench BUILD_TYPE=Release scripts/build.sh -DGAUNTLET_TESTS=OFF >/dev/null
G=$PWD/build-bench/gauntlet
DOC=tests/openapi/node_modules/@octokit/openapi/generated/api.github.com.json
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# measure LABEL CMD...: median wall, median CPU (user+sys), max RSS over RUNS runs.
rows=()
measure() {
  local label=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
      echo "bench: '$label' failed:" >&2; tail -5 "$WORK/err.txt" >&2; return 1; }
    read -r e u s m <"$WORK/time.txt"
    walls+=("$e"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  rows+=("| $label | $wall | $cpu | $((rss / 1024)) |")
  echo "bench: $label wall ${wall}s cpu ${cpu}s rss $((rss / 1024)) MiB" >&2
}
measure "gauntlet list api.github.com.json" "$G" list "$DOC"
cases=$(wc -l <"$WORK/out.txt")
measure "gauntlet check api.github.com.json" "$G" check "$DOC"

# `gauntlet serve` of the same document (every operation's request and
# response schemas compiled, the derived scenarios loaded): wall time from
# start to its "listening" line, and its peak RSS (stopped once it listens).
measure_serve() {
  local walls=() rss=0
  for _ in $(seq "$RUNS"); do
    : >"$WORK/serve.log"
    local t0 up=""
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$WORK/serve-time.txt" "$G" serve --listen 127.0.0.1:0 "$DOC" \
      >"$WORK/serve.log" 2>&1 &
    local tpid=$!
    for _ in $(seq 1200); do
      if grep -aq "^listening " "$WORK/serve.log"; then up=$(date +%s.%N); break; fi
      sleep 0.01
    done
    pkill -TERM -P "$tpid" 2>/dev/null
    wait "$tpid" 2>/dev/null || true
    [ -n "$up" ] || { echo "bench: gauntlet serve did not start:" >&2; tail -5 "$WORK/serve.log" >&2; return 1; }
    walls+=("$(awk -v a="$t0" -v b="$up" 'BEGIN{printf "%.2f", b-a}')")
    local m
    m=$(tail -1 "$WORK/serve-time.txt")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local wall
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  rows+=("| gauntlet serve api.github.com.json (start until listening) | $wall | - | $((rss / 1024)) |")
  echo "bench: gauntlet serve start wall ${wall}s rss $((rss / 1024)) MiB" >&2
}
measure_serve

# Prism's mock of the same document (npm @stoplight/prism-cli, pinned in
# tests/realservers/): wall time from start to "Prism is listening", and the
# peak RSS of its process, which is stopped once it listens. PRISM_RUNS=0
# leaves it out (it takes about 100 s a run here).
PRISM=tests/realservers/node_modules/.bin/prism
PRISM_RUNS=${PRISM_RUNS:-3}
measure_prism() {
  local walls=() rss=0
  for _ in $(seq "$PRISM_RUNS"); do
    local port
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    : >"$WORK/prism.log"
    local t0
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$WORK/prism-time.txt" "$PRISM" mock -h 127.0.0.1 -p "$port" "$DOC" \
      >"$WORK/prism.log" 2>&1 &
    local tpid=$! up=""
    for _ in $(seq 1200); do
      if grep -aq "Prism is listening" "$WORK/prism.log"; then up=$(date +%s.%N); break; fi
      sleep 0.1
    done
    pkill -TERM -P "$tpid" 2>/dev/null
    wait "$tpid" 2>/dev/null || true # time exits 143: its child was stopped
    [ -n "$up" ] || { echo "bench: Prism did not start in 120 s:" >&2; tail -5 "$WORK/prism.log" >&2; return 1; }
    walls+=("$(awk -v a="$t0" -v b="$up" 'BEGIN{printf "%.2f", b-a}')")
    local m
    m=$(tail -1 "$WORK/prism-time.txt")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local wall
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  rows+=("| prism mock api.github.com.json (start until listening; $PRISM_RUNS runs) | $wall | - | $((rss / 1024)) |")
  echo "bench: prism mock start wall ${wall}s rss $((rss / 1024)) MiB" >&2
}
if [ "$PRISM_RUNS" = 0 ]; then
  rows+=("| prism mock api.github.com.json | not measured (PRISM_RUNS=0) | | |")
elif [ -x "$PRISM" ]; then
  measure_prism
else
  rows+=("| prism mock api.github.com.json | not installed (scripts/install-real-servers.sh) | | |")
fi

{
  echo "# OpenAPI benchmark"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -srm)."
  echo "Load average (1, 5, 15 min) when the measurements ended: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the machine)."
  echo "Date: $(date -u +%Y-%m-%dT%H:%M:%SZ). Command: \`bench/openapi.sh\` (RUNS=$RUNS, Release build)."
  echo "Document: @octokit/openapi $(node -p "require('./tests/openapi/node_modules/@octokit/openapi/package.json').version" 2>/dev/null || echo '?'), generated/api.github.com.json ($(du -m "$DOC" | cut -f1) MB); \`list\` prints $cases case ids."
  echo
  echo "| command | median wall (s) | median CPU (s) | peak RSS (MiB) |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Goal for \`gauntlet list\`: under 2 s and 300 MB. Prism's row is its mock's start on the same"
  echo "document (@stoplight/prism-cli $(node -p "require('./tests/realservers/node_modules/@stoplight/prism-cli/package.json').version" 2>/dev/null || echo 'not installed'))."
  echo "Wall time on a shared machine varies with its load; CPU time is the steadier number."
} >bench/RESULTS-openapi.md
cat bench/RESULTS-openapi.md
