#!/usr/bin/env bash
# JSON Schema validation benchmark: gauntlet's validator side by side with ajv
# (compiled validators) and @cfworker/json-schema (interpreted), in one run.
# Writes bench/schema/RESULTS.md.
#   bench/schema/run.sh      (installs the npm validators and json-schema-test-suite
#                             through the project's scripts)
# Env: SUITE_REPEAT (default 2000), BIG_REPEAT (default 20), COMPILE_REPEAT (default 11).
# Tasks (inputs made by workload.mjs into bench/work/schema/, deterministic):
#   suite    every required draft-07 instance of the official JSON-Schema-Test-Suite,
#            schemas compiled once, all instances validated SUITE_REPEAT times
#   big      a 2.1 MB API response (2600 orders) against a deep 2020-12 schema, BIG_REPEAT times
#   compile  a 10,661-line schema compiled COMPILE_REPEAT times (median)
# Each validator runs in its own process per task under /usr/bin/time (peak RSS);
# rates are per CPU second of the timed loop only (the machine may be shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SUITE_REPEAT=${SUITE_REPEAT:-2000}
BIG_REPEAT=${BIG_REPEAT:-20}
COMPILE_REPEAT=${COMPILE_REPEAT:-11}
scripts/install-deps.sh
scripts/install-schema-diff.sh
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

BUILD_DIR=build-bench BUILD_TYPE=Release BUILD_TARGET=gauntlet_lib scripts/build.sh -DGAUNTLET_TESTS=OFF >/dev/null
WORK=$ROOT/bench/work/schema
rm -rf "$WORK"
mkdir -p "$WORK"
# shellcheck disable=SC2046
cc -O2 -Iharness -o "$WORK/schema_bench" bench/schema/schema_bench.c build-bench/libgauntlet.a \
  $(pkg-config --libs libcurl libfyaml libcjson libmicrohttpd libpcre2-8 libcrypto) -lm
node bench/schema/workload.mjs /usr/share/json-schema-test-suite "$WORK" 2>"$WORK/workload.txt"

# run NAME REPEAT CMD...: the JSON line the command prints, with peak RSS (KiB) added.
declare -A OUT
run() {
  local name=$1; shift
  /usr/bin/time -f "%M" -o "$WORK/rss.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
    echo "bench: $name failed:" >&2; tail -5 "$WORK/err.txt" >&2; exit 1; }
  OUT[$name]=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); d["rss_kib"]=int(open(sys.argv[2]).read().split()[-1]); print(json.dumps(d))' "$WORK/out.txt" "$WORK/rss.txt")
  echo "bench: $name ${OUT[$name]}" >&2
}
for task in suite big compile; do
  case $task in suite) n=$SUITE_REPEAT ;; big) n=$BIG_REPEAT ;; compile) n=$COMPILE_REPEAT ;; esac
  run "gauntlet/$task" "$WORK/schema_bench" "$task" "$WORK" "$n"
  run "ajv/$task" node bench/schema/js_bench.mjs ajv "$task" "$WORK" "$n"
  run "cfworker/$task" node bench/schema/js_bench.mjs cfworker "$task" "$WORK" "$n"
done

{
  echo "# JSON Schema validation benchmark"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm). Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Load average when run: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: rates are per CPU second)."
  echo "Command: \`bench/schema/run.sh\` (SUITE_REPEAT=$SUITE_REPEAT, BIG_REPEAT=$BIG_REPEAT, COMPILE_REPEAT=$COMPILE_REPEAT)."
  echo "Validators: gauntlet $(git describe --always --dirty 2>/dev/null || echo '?') (Release build, \`gt_schema_valid\`),"
  echo "ajv 8.20.0 (compiled: \`ajv.compile\`, formats off), @cfworker/json-schema 4.1.6 (interpreted, short-circuit);"
  echo "node $(node --version). Inputs: $(cat "$WORK/workload.txt" | sed 's/^workload: //')."
  echo
  python3 - "${OUT[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
by = {(r["validator"].split()[0], r["task"]): r for r in rows}
names = [("gauntlet", "gauntlet"), ("ajv", "ajv (compiled)"), ("@cfworker/json-schema", "@cfworker/json-schema")]
print("| task | validator | validations | CPU s | rate | peak RSS (KiB) | verdicts |")
print("|---|---|---|---|---|---|---|")
for task, what in [("suite", "official suite instances"), ("big", "2.1 MB response, deep schema")]:
    for key, label in names:
        r = by[(key, task)]
        rate = f"{r['per_s']:,.0f} instances/s" if task == "suite" else f"{r['ms_each']:.1f} ms each ({r['per_s']:.1f}/s)"
        verdict = (f"{r['valid']} of {r['instances']} valid; {r['agree_with_suite']} agree with the suite"
                   if task == "suite" else ("valid" if r["valid"] else "INVALID"))
        print(f"| {what} | {label} | {r['validations']:,} | {r['cpu_s']:.3f} | {rate} | {r['rss_kib']:,} | {verdict} |")
for key, label in names:
    r = by[(key, "compile")]
    print(f"| compile a {10661 if 'lines' not in r else r['lines']:,}-line schema | {label} | {r['compiles']} | | median {r['median_ms']:.1f} ms | {r['rss_kib']:,} | |")
g, a, c = (by[(k, "suite")] for k, _ in names)
gb, ab, cb = (by[(k, "big")] for k, _ in names)
print()
print("Against the goals:")
print(f"- faster than @cfworker/json-schema: suite {g['per_s'] / c['per_s']:.1f}x, big document {cb['ms_each'] / gb['ms_each']:.1f}x")
print(f"- within 2x of ajv's compiled validators: suite {g['per_s'] / a['per_s']:.2f}x ajv's rate, big document {ab['ms_each'] / gb['ms_each']:.2f}x ajv's speed")
print(f"- compile time of the 10k-line schema under 50 ms: {by[('gauntlet', 'compile')]['median_ms']:.1f} ms (read + parse + compile)")
PY
  echo
  cat bench/schema/NOTES.md
} >bench/schema/RESULTS.md
echo "bench: wrote bench/schema/RESULTS.md" >&2
