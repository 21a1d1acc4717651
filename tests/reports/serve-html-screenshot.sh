#!/usr/bin/env bash
# serve-html-screenshot.sh [OUT.png] — a screenshot of `gauntlet serve --html`
# (the client-audit page) for a reviewer to look at: builds gauntlet if needed
# (build/), lets serve audit curl and `gauntlet run` (serve-html-run.sh), and
# renders OUT.png (default reports/serve-html-report.png) with headless
# chromium (scripts/install-report-tools.sh installs it).
# docs/img/serve-html-report.png was made with:
#   tests/reports/serve-html-screenshot.sh docs/img/serve-html-report.png
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-reports/serve-html-report.png}
build=${BUILD_DIR:-build}
[ -x "$build/gauntlet" ] || BUILD_DIR=$build BUILD_TARGET=gauntlet scripts/build.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash tests/reports/serve-html-run.sh "$PWD" "$PWD/$build/gauntlet" "$tmp" >/dev/null || true
[ -s "$tmp/serve.html" ] || { echo "no report: $(cat "$tmp/serve.err")" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$tmp/profile" --window-size=1400,1700 --screenshot="$PWD/$out" \
  "file://$tmp/serve.html" 2>/dev/null
echo "screenshot: $out"
