#!/usr/bin/env bash
# serve-html-in-chromium.sh SOURCE_DIR GAUNTLET_BIN — the client-audit page of
# `gauntlet serve --html` in a real browser (ctest label `realserver`): serve
# audits curl and `gauntlet run` (serve-html-run.sh); headless Debian
# chromium loads the page with no console message (a script error, a blocked
# request or a CSP violation is one) and its script runs (it marks <body
# data-js="ready"> and applies the default filter). Without the script the
# page already holds everything, checked against serve's JUnit report: one
# block per request, the rules broken with their counts, the routes, the
# injected 503 and the retry that followed it. The token never appears.
# Exit 0 pass, 1 fail, 77 skip (chromium missing; a failure under CI=true).
set -uo pipefail
src=$1 bin=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v chromium >/dev/null 2>&1; then
  msg="chromium not installed (run scripts/install-report-tools.sh)"
  if [ "${CI:-}" = true ]; then echo "FAILED: $msg (CI=true)"; exit 1; fi
  echo "SKIPPED: $msg"; exit 77
fi
command -v curl >/dev/null || { echo "FAILED: curl is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

bash "$here/serve-html-run.sh" "$src" "$bin" "$tmp" >"$tmp/log" 2>&1
rc=$?
[ "$rc" = 1 ] || { fail "serve exit $rc, want 1 (the clients broke rules)"; cat "$tmp/log" "$tmp/serve.err"; }
html=$tmp/serve.html junit=$tmp/serve-junit.xml
[ -s "$html" ] && [ -s "$junit" ] || { echo "no HTML or JUnit report"; cat "$tmp/log" "$tmp/serve.err"; exit 1; }
[ "$(cat "$tmp/curl.status")" = 200 ] || fail "curl's retry got $(cat "$tmp/curl.status"), want 200"

# self-contained: no reference to anything outside the file
if grep -Eo '(src|href|action)="[^"#][^"]*"' "$html" | head -5 | grep -q .; then
  fail "external reference: $(grep -Eo '(src|href|action)="[^"#][^"]*"' "$html" | head -3)"
fi
grep -q '<script src\|<link ' "$html" && fail "script or stylesheet loaded from outside"

# in chromium: no console message, the script ran, the default filter shows
# exactly the requests that broke a rule
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
  --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
  --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/chrome.log"
[ -s "$tmp/dom.html" ] || { fail "chromium rendered nothing"; tail -20 "$tmp/chrome.log"; }
if grep -E 'CONSOLE|Uncaught|Content Security Policy|Refused to' "$tmp/chrome.log" >"$tmp/console.txt"; then
  fail "console messages:"; cat "$tmp/console.txt"
fi
grep -q '<body data-js="ready"' "$tmp/dom.html" || fail "the page's script did not run to its end"
failed_blocks=$(grep -o '<details class="case fail"' "$html" | wc -l)
grep -q ">$failed_blocks of [0-9]* requests shown</span>" "$tmp/dom.html" ||
  fail "the filter does not show the $failed_blocks requests that broke a rule: $(grep -o 'f-count[^<]*<' "$tmp/dom.html")"
passed=$(grep -o 'data-outcome="pass"' "$html" | wc -l)
hidden=$(grep -o '<details class="case pass hidden"' "$tmp/dom.html" | wc -l)
[ "$passed" -gt 0 ] && [ "$passed" = "$hidden" ] || fail "filter: $hidden of $passed conformed requests hidden"
grep -q 'class="case fail hidden"' "$tmp/dom.html" && fail "the filter hid a request that broke a rule"

# readable without JavaScript, and the same numbers as the JUnit report
blocks=$(grep -o '<details class="case' "$html" | wc -l)
cases=$(grep -o '<testcase ' "$junit" | wc -l)
[ "$blocks" -gt 20 ] && [ "$blocks" = "$cases" ] || fail "$blocks request blocks, the JUnit report has $cases testcases"
junit_failed=$(grep -o '<failure ' "$junit" | wc -l)
[ "$failed_blocks" = "$junit_failed" ] || fail "$failed_blocks blocks broke a rule, the JUnit report has $junit_failed failures"
grep -q "<h1>gauntlet serve: $cases requests, $junit_failed broke a rule</h1>" "$html" || fail "heading: $(grep -o '<h1>[^<]*' "$html")"
prop() { sed -n "s/.*<property name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$junit"; }
rules_seen=0
while read -r rule; do
  n=$(prop "rule.$rule")
  [ "${n:-0}" -gt 0 ] || continue
  rules_seen=$((rules_seen + 1))
  grep -q "<tr><td><code>$rule</code></td><td>[a-z]*</td><td>$n</td>" "$html" ||
    fail "rule $rule: the JUnit report counts $n, the page says $(grep -o "<code>$rule</code></td><td>[a-z]*</td><td>[0-9]*" "$html")"
done < <(sed -n 's/.*<property name="rule\.\([a-z0-9_]*\)".*/\1/p' "$junit")
[ "$rules_seen" -ge 2 ] || fail "only $rules_seen rules broken; gauntlet run's faults break several"
grep -q "<h2 id=\"rules\">$rules_seen rules broken</h2>" "$html" || fail "rules heading"
while IFS='|' read -r route counts; do
  req=$(sed -n 's/requests=\([0-9]*\).*/\1/p' <<<"$counts")
  grep -qF "<tr><td><code>$route</code></td><td>$req</td>" "$html" || fail "route $route: want $req requests"
done < <(sed -n 's/.*<property name="route\.\([^"]*\)" value="\([^"]*\)".*/\1|\2/p' "$junit")
grep -q 'id="r1" data-outcome="pass" data-injected="yes"' "$html" || fail "request #1 is not shown as injected"
grep -q 'injected status:503@GET /v1/apps/\*#1</span>' "$html" || fail "the injected fault is not named"
grep -q 'retried by <a href="#r2">#2</a>' "$html" || fail "the injected answer does not link its retry"
grep -q 'attempt 2, a retry of <a href="#r1">#1</a>' "$html" || fail "the retry does not link the answer it retried"
grep -q '1 retried' "$html" || fail "the retry statistics are missing"
grep -q 'credential_present' "$html" || fail "no credential_present (gauntlet run sends requests without a token)"
grep -q 'bb-token-0123456789' "$html" && fail "the token is in the HTML report"
grep -qF 'Authorization: Bearer ${BUDDYBUILD_TOKEN}' "$html" || fail "the Authorization header is not shown redacted"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "serve --html: self-contained, loads in chromium with no console message, filters work, numbers match the JUnit report"
