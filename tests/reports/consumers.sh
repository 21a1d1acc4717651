#!/usr/bin/env bash
# consumers.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR — gauntlet's reports read by
# the third-party consumers of tests/reports/ (ctest label `realserver`):
# the SARIF report validates against the OASIS SARIF 2.1.0 schema with ajv,
# the JSON report against docs/report.schema.json with ajv (2020-12),
# the TAP 14 stream parses with tap-parser with the run's exact counts. The
# run: the shipped buddybuild suite against refapi with one defect (error
# bodies use `message`), all report flags at once, and a conformant run.
# Exit 0 pass, 1 fail, 77 skip (consumers not installed; a failure under CI=true).
set -uo pipefail
src=$1 bin=$2 build=$3
tools=$src/tests/reports
if ! command -v node >/dev/null 2>&1 || [ ! -f "$tools/node_modules/ajv/package.json" ] ||
  [ ! -f "$tools/node_modules/tap-parser/package.json" ]; then
  msg="report consumers not installed (run scripts/install-report-tools.sh)"
  if [ "${CI:-}" = true ]; then echo "FAILED: $msg (CI=true)"; exit 1; fi
  echo "SKIPPED: $msg"; exit 77
fi

tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || { echo "openssl failed"; exit 1; }

token=bb-token-0123456789
# start_refapi [DEFECT]: refapi on free ports; sets https
start_refapi() {
  https=$(free_port) http=$(free_port)
  local args=(--api buddybuild --http-port "$http" --https-port "$https" --cert "$tmp/cert.pem"
    --key "$tmp/key.pem" --token "$token")
  [ -n "${1:-}" ] && args+=(--defect "$1")
  : >"$tmp/refapi.out"
  setpriv --pdeathsig KILL "$build/tests/refapi" "${args[@]}" >"$tmp/refapi.out" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q ready "$tmp/refapi.out" && return 0; sleep 0.1; done
  echo "refapi did not start:"; cat "$tmp/refapi.out"; exit 1
}
stop_refapi() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; }

# run TAG [gauntlet options]: the shipped buddybuild suite, every report
run() {
  local tag=$1; shift
  (cd "$tmp" && BUDDYBUILD_URL="https://127.0.0.1:$https" BUDDYBUILD_TOKEN=$token \
    "$bin" run --cacert "$tmp/cert.pem" --color never --junit "$tmp/$tag/junit.xml" \
    --json "$tmp/$tag/report.json" --sarif "$tmp/$tag/report.sarif" --tap "$tmp/$tag/report.tap" \
    "$@" "$src/suites/buddybuild.yaml" >"$tmp/$tag.out" 2>&1)
}

# --- one defect ---
start_refapi error_key_message
run defect
rc=$?
stop_refapi
[ "$rc" = 1 ] || fail "defect run: exit $rc, want 1 ($(tail -3 "$tmp/defect.out"))"

node "$tools/validate-sarif.cjs" "$tmp/defect/report.sarif" >"$tmp/sarif.log" 2>&1 ||
  fail "SARIF does not validate against the OASIS schema: $(cat "$tmp/sarif.log")"
# one result per finding: one finding, on the line of a scenario of the suite
node -e '
const fs = require("fs");
const [sarifPath, suitePath, jsonPath] = process.argv.slice(1);
const s = JSON.parse(fs.readFileSync(sarifPath, "utf8"));
const j = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
const run = s.runs[0];
const bad = (m) => { console.log(m); process.exitCode = 1; };
if (run.results.length !== 1) bad(`results: ${run.results.length}, want 1`);
const r = run.results[0];
if (r.ruleId !== "check/error_shape") bad(`ruleId ${r.ruleId}`);
const rule = run.tool.driver.rules[r.ruleIndex];
if (!rule || rule.id !== r.ruleId || !rule.help.text) bad("ruleIndex does not point at a rule with help");
for (const id of ["check/status", "fault/unauthenticated", "fault/wire_cl_te"])
  if (!run.tool.driver.rules.some((x) => x.id === id && x.help.text.length > 20)) bad(`no rule ${id} with help`);
const loc = r.locations[0].physicalLocation;
if (!suitePath.endsWith(loc.artifactLocation.uri.replace(/^file:\/\//, ""))) bad(`uri ${loc.artifactLocation.uri}`);
const line = fs.readFileSync(suitePath, "utf8").split("\n")[loc.region.startLine - 1];
if (!/^\s*- name:/.test(line)) bad(`line ${loc.region.startLine} is not a scenario: ${line}`);
if (r.partialFingerprints["gauntletFinding/v1"] !== j.findings[0].id) bad("fingerprint is not the finding id");
if (!/41 cases|\d+ cases across/.test(r.message.text)) bad(`message ${r.message.text}`);
' "$tmp/defect/report.sarif" "$src/suites/buddybuild.yaml" "$tmp/defect/report.json" ||
  fail "SARIF content"

node "$tools/validate-report.cjs" report "$tmp/defect/report.json" >"$tmp/json.log" 2>&1 ||
  fail "the JSON report does not validate against docs/report.schema.json (ajv): $(cat "$tmp/json.log")"
node "$tools/parse-tap.cjs" "$tmp/defect/report.tap" >"$tmp/tap.json" 2>"$tmp/tap.err" ||
  fail "tap-parser: $(cat "$tmp/tap.err")"
node -e '
const fs = require("fs");
const t = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const j = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const bad = (m) => { console.log(m); process.exitCode = 1; };
const s = j.summary;
if (t.ok !== false) bad("TAP ok on a failing run");
if (t.count !== s.cases) bad(`TAP count ${t.count}, want ${s.cases}`);
if (t.fail !== s.failed + s.errors) bad(`TAP fail ${t.fail}, want ${s.failed + s.errors}`);
if (t.skip !== s.skipped) bad(`TAP skip ${t.skip}, want ${s.skipped}`);
if (t.plan.end !== s.cases) bad(`plan 1..${t.plan.end}`);
const f = t.failures.find((x) => x.name === "buddybuild › list apps [unauthenticated]");
if (!f) bad("no failure named list apps [unauthenticated]");
else {
  const d = f.diag || {};
  if (d.severity !== "fail") bad(`severity ${d.severity}`);
  if (!Array.isArray(d.failures) || !d.failures.some((c) => c.check === "error_shape" && c.actual === "missing" && /No authorization token/.test(c.there)))
    bad(`diagnostics ${JSON.stringify(d)}`);
  if (!Array.isArray(d.findings) || d.findings[0] !== j.findings[0].id) bad("findings in diag");
}
const withHash = t.failures.find((x) => /wrong_method #1 POST/.test(x.name));
if (!withHash) bad("a name with # was not kept whole");
if (t.failures.some((x) => x.tapError)) bad("tap errors: " + JSON.stringify(t.failures.filter((x) => x.tapError)));
' "$tmp/tap.json" "$tmp/defect/report.json" || fail "TAP content"

# the reports hold no secret
if grep -l -- "$token" "$tmp/defect/"* >/dev/null 2>&1; then fail "the token is in $(grep -l -- "$token" "$tmp/defect/"*)"; fi

# --- conformant: ok, zero results, still valid ---
start_refapi
run pass
rc=$?
stop_refapi
[ "$rc" = 0 ] || fail "conformant run: exit $rc ($(tail -3 "$tmp/pass.out"))"
node "$tools/validate-sarif.cjs" "$tmp/pass/report.sarif" >"$tmp/sarif2.log" 2>&1 ||
  fail "conformant SARIF invalid: $(cat "$tmp/sarif2.log")"
node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (s.runs[0].results.length) process.exit(1)' \
  "$tmp/pass/report.sarif" || fail "conformant SARIF has results"
node "$tools/parse-tap.cjs" "$tmp/pass/report.tap" >"$tmp/tap2.json" || fail "tap-parser (conformant)"
node -e 'const t=require(process.argv[1]); if (!t.ok || t.fail) { console.log(JSON.stringify(t)); process.exit(1); }' \
  "$tmp/tap2.json" || fail "conformant TAP is not ok"

# --- TAP to stdout: the console moves to stderr, stdout parses ---
start_refapi error_key_message
(cd "$tmp" && BUDDYBUILD_URL="https://127.0.0.1:$https" BUDDYBUILD_TOKEN=$token \
  "$bin" run --cacert "$tmp/cert.pem" --junit "$tmp/stdout/junit.xml" --tap - \
  "$src/suites/buddybuild.yaml" >"$tmp/stdout.tap" 2>"$tmp/stdout.err")
stop_refapi
node "$tools/parse-tap.cjs" "$tmp/stdout.tap" >"$tmp/tap3.json" || fail "tap-parser (stdout)"
node -e 'const t=require(process.argv[1]); if (t.ok !== false || !t.count || t.failures.some((x) => x.tapError)) { console.log(JSON.stringify(t).slice(0, 2000)); process.exit(1); }' \
  "$tmp/tap3.json" || fail "--tap - is not a clean TAP stream"
grep -q "finding in" "$tmp/stdout.err" || fail "--tap -: the console did not go to stderr"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "report consumers: SARIF valid (ajv, OASIS 2.1.0), TAP parsed (tap-parser) with exact counts"
