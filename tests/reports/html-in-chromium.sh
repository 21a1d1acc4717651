#!/usr/bin/env bash
# html-in-chromium.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR — the HTML report in a
# real browser (ctest label `realserver`): the shipped buddybuild suite against
# refapi with one defect, --html; headless Debian chromium loads the file with
# no console message (a script error, a blocked request or a CSP violation is
# one), its script runs (it marks <body data-js="ready"> and applies the
# default filter), and the page holds the summary, the one finding, the matrix
# and every case. The file refers to nothing outside itself.
# Exit 0 pass, 1 fail, 77 skip (chromium missing; a failure under CI=true).
set -uo pipefail
src=$1 bin=$2 build=$3
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v chromium >/dev/null 2>&1; then
  msg="chromium not installed (run scripts/install-report-tools.sh)"
  if [ "${CI:-}" = true ]; then echo "FAILED: $msg (CI=true)"; exit 1; fi
  echo "SKIPPED: $msg"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

bash "$here/html-report-run.sh" "$src" "$bin" "$build" "$tmp" error_key_message >"$tmp/run.log" 2>&1
rc=$?
[ "$rc" = 1 ] || { fail "gauntlet exit $rc, want 1"; cat "$tmp/run.log"; }
html=$tmp/report.html
[ -s "$html" ] || { echo "no HTML report"; cat "$tmp/run.log"; exit 1; }

# self-contained: no reference to anything outside the file
if grep -Eo '(src|href|action)="[^"#][^"]*"' "$html" | head -5 | grep -q .; then
  fail "external reference: $(grep -Eo '(src|href|action)="[^"#][^"]*"' "$html" | head -3)"
fi
grep -q '<script src\|<link ' "$html" && fail "script or stylesheet loaded from outside"

# in chromium: no console message, the script ran
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
  --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
  --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/chrome.log"
[ -s "$tmp/dom.html" ] || { fail "chromium rendered nothing"; tail -20 "$tmp/chrome.log"; }
if grep -E 'CONSOLE|Uncaught|Content Security Policy|Refused to' "$tmp/chrome.log" >"$tmp/console.txt"; then
  fail "console messages:"; cat "$tmp/console.txt"
fi
grep -q '<body data-js="ready"' "$tmp/dom.html" || fail "the report's script did not run to its end"
grep -q 'cases shown</span>' "$tmp/dom.html" || fail "the filter did not count the cases"
# the default filter hides the passed cases, and only them
passed=$(grep -o 'data-outcome="pass"' "$html" | wc -l)
hidden=$(grep -o '<details class="case pass hidden"' "$tmp/dom.html" | wc -l)
[ "$passed" -gt 0 ] && [ "$passed" = "$hidden" ] || fail "filter: $hidden of $passed passed cases hidden"
grep -q 'class="case fail hidden"' "$tmp/dom.html" && fail "the filter hid a failed case"

# readable without JavaScript: the content is in the HTML itself
grep -q '<h2 id="findings">1 finding in ' "$html" || fail "no findings heading"
grep -q 'error_shape \$.error missing' "$html" || fail "the finding is not shown"
grep -q '<h2 id="matrix">' "$html" || fail "no matrix"
cases=$(grep -o '<details class="case' "$html" | wc -l)
junit_cases=$(grep -o '<testcase ' "$tmp/junit.xml" | wc -l)
[ "$cases" = "$junit_cases" ] || fail "$cases case blocks, the JUnit report has $junit_cases"
grep -q 'No authorization token was found' "$html" || fail "what was there is not shown"
grep -q 'bb-token-0123456789' "$html" && fail "the token is in the HTML report"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "HTML report: self-contained, loads in chromium with no console message, filters work"
