#!/usr/bin/env bash
# suites/README.md states, per scenario, the rule it checks and its public
# source: every scenario of the four shipped suites is named in the first
# cell of a row of its table (cells may list several scenarios joined by " / "),
# and every scenario that the tables name exists.
#   tests/scripts/suites_readme_names_scenarios.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR
set -euo pipefail
src=${1:?usage: suites_readme_names_scenarios.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR}
readme="$src/suites/README.md"
names=$(mktemp)
trap 'rm -f "$names"' EXIT
# The first cells of the tables, one scenario per line.
awk -F'|' '/^\| / && NF >= 5 { print $2 }' "$readme" |
  sed -e 's/^ *//' -e 's/ *$//' -e 's| / |\n|g' | sed -e 's/^ *//' -e 's/ *$//' >"$names"
fail=0
for api in botanalytics buddybuild bitpaket rpc; do
  while IFS= read -r name; do
    if ! grep -Fxq -- "$name" "$names"; then
      echo "FAIL: suites/$api.yaml scenario '$name' has no row in suites/README.md"
      fail=1
    fi
  done < <(sed -n 's/^  - name: *//p' "$src/suites/$api.yaml" | sed -e 's/^"//' -e 's/"$//')
done
# Rows name real scenarios (skip the header rows and the variables table).
all=$(cat "$src"/suites/{botanalytics,buddybuild,bitpaket,rpc}.yaml | sed -n 's/^  - name: *//p' |
  sed -e 's/^"//' -e 's/"$//')
while IFS= read -r cell; do
  case "$cell" in scenario | suite | '`'*) continue ;; esac
  cell=${cell% — faults} # "NAME — faults": the fault cases of scenario NAME
  if ! grep -Fxq -- "$cell" <<<"$all"; then
    echo "FAIL: suites/README.md names '$cell', which no shipped suite has"
    fail=1
  fi
done <"$names"
exit $fail
