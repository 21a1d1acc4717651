#!/usr/bin/env bash
# The public OpenAPI corpus (scripts/install-openapi-corpus.sh):
# - `gauntlet check` of every document of npm @readme/oas-examples (2.0, 3.0,
#   3.1; JSON and YAML) exits 0, or exits 2 naming exactly what it does not
#   support (or what is wrong in the document) as corpus-expected.txt says;
# - `gauntlet list` of GitHub's REST API description (@octokit/openapi)
#   completes with a case per operation.
# Usage: corpus.sh SOURCE_DIR GAUNTLET_BIN. Exit 77 (skip) when the corpus is
# not installed, unless CI=true (then 1).
set -uo pipefail
src=$1
bin=$2
mods=$src/tests/openapi/node_modules
ex=$mods/@readme/oas-examples
gh=$mods/@octokit/openapi/generated/api.github.com.json
if [ ! -d "$ex/3.0" ] || [ ! -f "$gh" ]; then
  echo "corpus: not installed (scripts/install-openapi-corpus.sh)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
expected=$src/tests/openapi/corpus-expected.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
n=0
cd "$ex"
while IFS= read -r doc; do
  n=$((n + 1))
  "$bin" check "$doc" >"$work/out" 2>"$work/err"
  rc=$?
  want=$(awk -F'\t' -v d="$doc" '$1 == d { print $2 }' "$expected")
  if [ -z "$want" ]; then
    if [ "$rc" != 0 ]; then
      echo "FAIL $doc: exit $rc: $(head -3 "$work/err")"
      fail=1
    fi
  elif [ "$rc" != 2 ] || ! grep -qF -- "$want" "$work/err"; then
    echo "FAIL $doc: expected exit 2 with: $want"
    echo "     got exit $rc: $(head -3 "$work/err")"
    fail=1
  fi
done < <(find 2.0 3.0 3.1 \( -name '*.json' -o -name '*.yaml' \) | LC_ALL=C sort)
# every expected entry names a document that exists
while IFS=$'\t' read -r doc _; do
  case "$doc" in '#'* | '') continue ;; esac
  [ -f "$doc" ] || { echo "FAIL corpus-expected.txt names $doc, which is not in the corpus"; fail=1; }
done <"$expected"
if [ "$n" -lt 100 ]; then
  echo "FAIL only $n documents found"
  fail=1
fi
echo "corpus: $n documents checked"

"$bin" list "$gh" >"$work/gh.out" 2>"$work/gh.err"
rc=$?
valid=$(grep -c ' \[valid\]$' "$work/gh.out")
if [ "$rc" != 0 ] || [ "$valid" -lt 1000 ]; then
  echo "FAIL gauntlet list api.github.com.json: exit $rc, $valid valid cases: $(head -3 "$work/gh.err")"
  fail=1
fi
echo "corpus: api.github.com.json: $valid scenarios, $(wc -l <"$work/gh.out") cases"
exit $fail
