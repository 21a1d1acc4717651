#!/usr/bin/env bash
# The public OpenAPI corpus (scripts/install-openapi-corpus.sh):
# - `gauntlet check` of every document of npm @readme/oas-examples (2.0, 3.0,
#   3.1; JSON and YAML) exits 0, or exits 2 naming exactly what it does not
#   support (or what is wrong in the document) as corpus-expected.txt says;
# - `gauntlet list` of GitHub's REST API description (@octokit/openapi)
#   completes with a case per operation;
# - the suite derived from the corpus's petstore (3.0) passes against
#   `gauntlet serve` of the same document, as the suite `gauntlet init`
#   writes tied to it with `openapi:` does (docs/openapi.md tutorial).
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

# petstore: serve it, run the derived suite against it
pet=$ex/3.0/yaml/petstore.yaml
export petstore_auth=corpus-token api_key=corpus-key
setpriv --pdeathsig KILL "$bin" serve -q --listen 127.0.0.1:0 --junit "$work/serve.xml" "$pet" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|^listening http://127.0.0.1:||p' "$work/serve.out")
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL gauntlet serve petstore.yaml did not start: $(head -3 "$work/serve.err")"
  fail=1
else
  "$bin" run -q --seed 1 --junit "$work/pet.xml" --base-url "http://127.0.0.1:$port/v2" "$pet" \
    >"$work/pet.out" 2>"$work/pet.err"
  rc=$?
  last=$(cat "$work/pet.out" "$work/pet.err" | tail -1)
  echo "corpus: petstore against gauntlet serve: $last"
  if [ "$rc" != 0 ] || [ "$last" != "gauntlet: 132 passed, 0 failed, 0 skipped" ]; then
    echo "FAIL the derived petstore suite against gauntlet serve: exit $rc"
    fail=1
  fi
  # the tutorial's second step: the suite written by init, tied to the document
  mkdir -p "$work/tests/openapi/node_modules/@readme/oas-examples/3.0/yaml"
  cp "$pet" "$work/tests/openapi/node_modules/@readme/oas-examples/3.0/yaml/"
  (cd "$work" && P=tests/openapi/node_modules/@readme/oas-examples/3.0/yaml/petstore.yaml &&
    "$bin" init --openapi "$P" --out petstore/ >init.out 2>&1 &&
    BASE_URL="http://127.0.0.1:$port/v2" "$bin" run -q petstore/suite.yaml >init-run.out 2>&1)
  rc=$?
  last=$(tail -1 "$work/init-run.out")
  echo "corpus: petstore written by init, with openapi:, against gauntlet serve: $last"
  if [ "$rc" != 0 ] || [ "$last" != "gauntlet: 132 passed, 0 failed, 0 skipped" ]; then
    echo "FAIL the init-written petstore suite against gauntlet serve: exit $rc: $(head -3 "$work/init.out" "$work/init-run.out")"
    fail=1
  fi
fi
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null
exit $fail
