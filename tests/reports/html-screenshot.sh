#!/usr/bin/env bash
# html-screenshot.sh [OUT.png] — a screenshot of the HTML report of a failing
# run, for a reviewer to look at: builds gauntlet and refapi if needed (build/),
# runs the shipped buddybuild suite against refapi with one defect (error bodies
# use `message`), and renders OUT.png (default reports/html-report.png) with
# headless chromium (scripts/install-report-tools.sh installs it).
# docs/img/html-report.png was made with: tests/reports/html-screenshot.sh docs/img/html-report.png
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-reports/html-report.png}
build=${BUILD_DIR:-build}
[ -x "$build/gauntlet" ] && [ -x "$build/tests/refapi" ] || BUILD_DIR=$build scripts/build.sh -DGAUNTLET_TESTS=ON
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash tests/reports/html-report-run.sh "$PWD" "$PWD/$build/gauntlet" "$PWD/$build" "$tmp" \
  error_key_message >/dev/null || true
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$tmp/profile" --window-size=1400,1700 --screenshot="$PWD/$out" \
  "file://$tmp/report.html" 2>/dev/null
echo "screenshot: $out"
