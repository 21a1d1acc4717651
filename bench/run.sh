#!/usr/bin/env bash
# Benchmarks gauntlet against curl's CLI (the floor), Step CI and newman on
# identical work, on loopback nginx. Writes bench/RESULTS.md.
#   bench/run.sh            (installs nginx, hyperfine, time; npm peers if reachable)
# Env: RUNS (default 5), N (default 1000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
N=${N:-1000}
scripts/install-deps.sh
need=()
for p in nginx time python3; do command -v "$p" >/dev/null || need+=("$p"); done
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx time python3 >/dev/null
fi
BUILD_DIR=build-bench BUILD_TYPE=Release scripts/build.sh -DGAUNTLET_TESTS=OFF >/dev/null
G=$ROOT/build-bench/gauntlet

WORK=$ROOT/bench/work
rm -rf "$WORK"; mkdir -p "$WORK/tmp"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=bench-$(openssl rand -hex 12)
sed -e "s|WORK|$WORK|g" -e "s|PORT|$PORT|g" -e "s|TOKEN|$TOKEN|g" bench/nginx.conf >"$WORK/nginx.conf"
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK"
trap '/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" -s stop 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:$PORT/v1
export BENCH_TOKEN=$TOKEN
python3 bench/gen.py "$N" "$BASE" "$TOKEN" "$WORK"
python3 bench/gen.py 10000 "$BASE" "$TOKEN" "$WORK"
python3 bench/gen.py 100000 "$BASE" "$TOKEN" "$WORK"

# measure LABEL CMD...: runs RUNS times; records median wall, median CPU (user+sys), max RSS.
declare -A WALL CPU RSS
measure() {
  local label=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || {
      echo "bench: '$label' failed:" >&2; tail -5 "$WORK/err.txt" >&2; return 1; }
    read -r e u s m <"$WORK/time.txt"
    walls+=("$e"); cpus+=("$(echo "$u + $s" | bc -l)")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  WALL[$label]=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  CPU[$label]=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]}')
  RSS[$label]=$rss
  echo "bench: $label wall ${WALL[$label]}s cpu ${CPU[$label]}s rss ${RSS[$label]}KiB" >&2
}
command -v bc >/dev/null || { apt-get install -y -qq bc >/dev/null; }

measure "curl -K (sequential, 1 process)" curl -sS -K "$WORK/curl-$N.cfg"
# curl's URL globbing: the same requests without -K's per-URL config cost.
measure "curl URL glob (sequential, 1 process)" curl -sS -H "Authorization: Bearer $TOKEN" "$BASE/items/[0-$((N - 1))]"
measure "gauntlet -j 1" "$G" run -q -j 1 --junit "$WORK/j1.xml" "$WORK/suite-$N.yaml"
measure "curl -Z --parallel-max 8" curl -sS -Z --parallel-max 8 -K "$WORK/curl-$N.cfg"
measure "gauntlet -j 8" "$G" run -q -j 8 --junit "$WORK/j8.xml" "$WORK/suite-$N.yaml"

peers_note=""
if command -v npm >/dev/null && (cd "$WORK" && npm install --silent --no-audit --no-fund stepci newman >/dev/null 2>&1); then
  export STEPCI_DISABLE_ANALYTICS=true   # no phoning home: the sandbox has no network
  measure "Step CI" "$WORK/node_modules/.bin/stepci" run "$WORK/stepci-$N.yaml" || peers_note+="Step CI failed to run. "
  measure "newman" "$WORK/node_modules/.bin/newman" run "$WORK/newman-$N.json" --reporters cli || peers_note+="newman failed to run. "
else
  peers_note="Step CI and newman could not be installed from npm here; skipped."
fi

# Load + expand time of a 10,000-case suite (list sends nothing), and peak RSS of a 100,000-case run.
measure "gauntlet check 10k cases" "$G" check "$WORK/suite-10000.yaml"
# The parser alone on the same file, for scale (see the note in RESULTS.md).
cc -O2 -o "$WORK/fyparse" bench/fyparse.c $(pkg-config --cflags --libs libfyaml)
measure "libfyaml event parse only, 10k file" "$WORK/fyparse" "$WORK/suite-10000.yaml"
RUNS=1 measure "gauntlet run 100k cases (100k scenarios) -j 8" "$G" run -q -j 8 --junit "$WORK/j100k.xml" "$WORK/suite-100000.yaml"
RUNS=1 measure "gauntlet run 100k cases (12.5k scenarios x 8) -j 8" "$G" run -q -j 8 --junit "$WORK/j100kf.xml" "$WORK/faulted-100000.yaml"

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
{
  echo "# Benchmark results"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm). Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Command: \`bench/run.sh\` (RUNS=$RUNS, N=$N). Target: nginx $(/usr/sbin/nginx -v 2>&1 | sed 's|.*/||') on loopback, plain HTTP, keep-alive."
  echo "Work: $N GET requests with a bearer token, each checked for status 200 and \`\$.id\`."
  echo
  echo "| tool | median wall (s) | median CPU (s) | peak RSS (KiB) |"
  echo "|---|---|---|---|"
  for k in "curl -K (sequential, 1 process)" "curl URL glob (sequential, 1 process)" "gauntlet -j 1" "curl -Z --parallel-max 8" "gauntlet -j 8" "Step CI" "newman" "gauntlet check 10k cases" "libfyaml event parse only, 10k file" "gauntlet run 100k cases (100k scenarios) -j 8" "gauntlet run 100k cases (12.5k scenarios x 8) -j 8"; do
    [ -n "${WALL[$k]:-}" ] && echo "| $k | ${WALL[$k]} | ${CPU[$k]} | ${RSS[$k]} |"
  done
  echo
  echo "Ratios (targets in parentheses):"
  echo "- gauntlet -j 1 / curl -K wall: $(ratio "${WALL["gauntlet -j 1"]}" "${WALL["curl -K (sequential, 1 process)"]}") (≤ 1.5)"
  echo "- gauntlet -j 1 / curl URL glob wall: $(ratio "${WALL["gauntlet -j 1"]}" "${WALL["curl URL glob (sequential, 1 process)"]}") (the stricter floor)"
  echo "- gauntlet -j 8 / curl -Z wall: $(ratio "${WALL["gauntlet -j 8"]}" "${WALL["curl -Z --parallel-max 8"]}") (≤ 2)"
  echo "- gauntlet -j 1 / curl -K peak RSS: $(ratio "${RSS["gauntlet -j 1"]}" "${RSS["curl -K (sequential, 1 process)"]}") (≤ 2)"
  echo "- 10k-case load+expand: ${WALL["gauntlet check 10k cases"]} s wall including process start (< 0.1 s); libfyaml's event parse of the same file alone: ${WALL["libfyaml event parse only, 10k file"]} s"
  echo "- 100k-case run peak RSS, 100k scenarios: $(( ${RSS["gauntlet run 100k cases (100k scenarios) -j 8"]} / 1024 )) MiB; 12.5k scenarios x 8 cases: $(( ${RSS["gauntlet run 100k cases (12.5k scenarios x 8) -j 8"]} / 1024 )) MiB (< 200 MB)"
  [ -n "$peers_note" ] && echo "- $peers_note"
  [ -f bench/ANALYSIS.md ] && cat bench/ANALYSIS.md
} >bench/RESULTS.md
cat bench/RESULTS.md
