#!/usr/bin/env bash
# gauntlet against itself (docs/openapi.md "Against gauntlet serve"): for
# every YAML document of npm @readme/oas-examples (2.0, 3.0, 3.1) that
# `gauntlet check` accepts, `gauntlet serve DOC` and a derived
# `gauntlet run --base-url <the API URL serve prints> DOC` against it. Every
# case must pass except exactly the failed cases self-expected.txt lists
# (document TAB case id), each caused by a defect of the document that
# `gauntlet check` warns about, and whose failure says so ("a defect of the
# document"); a listed case that passes fails the test too (the list is kept
# exact; GT_UPDATE_SELF=1 rewrites it from a run over every document).
# Usage: self.sh SOURCE_DIR GAUNTLET_BIN [DOC...] (documents relative to the
# corpus, e.g. 3.0/yaml/petstore.yaml; default all). Exit 77 (skip) when the
# corpus is not installed, unless CI=true (then 1).
set -uo pipefail
src=$1
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
ex=$src/tests/openapi/node_modules/@readme/oas-examples
if [ ! -d "$ex/3.0" ]; then
  echo "self: corpus not installed (scripts/install-openapi-corpus.sh)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
expected=$src/tests/openapi/self-expected.txt
work=$(mktemp -d)
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
n=0
cd "$ex"
if [ $# -eq 0 ]; then
  mapfile -t docs < <(find 2.0/yaml 3.0/yaml 3.1/yaml -name '*.yaml' | LC_ALL=C sort)
else
  docs=("$@")
fi
: >"$work/failed"
: >"$work/undeclared"
for doc in "${docs[@]}"; do
  "$bin" check "$doc" >"$work/check.out" 2>/dev/null || continue # corpus.sh judges those
  n=$((n + 1))
  # one value per credential variable the document needs (check lists them)
  env_vars=()
  while read -r name; do
    env_vars+=("$name=self-$name")
  done < <(awk '/^  [A-Za-z_][A-Za-z0-9_]*  \(/ { print $1 }' "$work/check.out")
  : >"$work/serve.out"
  setpriv --pdeathsig KILL env "${env_vars[@]}" "$bin" serve -q --listen 127.0.0.1:0 --junit "$work/serve.xml" "$doc" \
    >"$work/serve.out" 2>"$work/serve.err" &
  serve_pid=$!
  url=""
  for _ in $(seq 100); do
    grep -q '^listening http://' "$work/serve.out" && break
    sleep 0.1
  done
  sleep 0.1 # the api line follows the listening line
  url=$(sed -n 's/^api //p' "$work/serve.out" | head -1)
  [ -n "$url" ] || url=$(sed -n 's/^listening //p' "$work/serve.out")
  if [ -z "$url" ]; then
    echo "FAIL $doc: gauntlet serve did not start: $(head -3 "$work/serve.err")"
    fail=1
  else
    env "${env_vars[@]}" timeout 300 "$bin" run -q --seed 1 --junit "$work/run.xml" \
      --base-url "$url" "$doc" >"$work/run.out" 2>&1
    rc=$?
    echo "self: $doc: $(tail -1 "$work/run.out")"
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
      echo "FAIL $doc: gauntlet run exit $rc: $(head -3 "$work/run.out")"
      fail=1
    fi
    # the failed cases' ids (testcase names), XML entities decoded; those
    # whose failure text names no defect of the document apart
    awk -v d="$doc" -v undeclared="$work/undeclared" '
      /<testcase / { match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7) }
      /<failure|<error / { print d "\t" name; infail = 1; named = 0 }
      infail && /a defect of the document/ { named = 1 }
      infail && /<\/failure>|<\/error>/ { if (!named) print d "\t" name >>undeclared; infail = 0 }' \
      "$work/run.xml" |
      sed "s/&apos;/'/g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g" >>"$work/failed"
  fi
  kill "$serve_pid" 2>/dev/null
  wait "$serve_pid" 2>/dev/null
  serve_pid=""
done
if [ "${GT_UPDATE_SELF:-}" = 1 ] && [ $# -eq 0 ]; then # rewrite the list from this run
  { grep '^#' "$expected"; LC_ALL=C sort -u "$work/failed"; } >"$work/new" && cp "$work/new" "$expected"
  echo "self: wrote $expected"
fi
want=$(grep -v '^#' "$expected" | grep -v '^$' | LC_ALL=C sort -u)
got=$(LC_ALL=C sort -u "$work/failed")
if [ $# -gt 0 ]; then # only the documents asked for
  want=$(printf '%s\n' "$want" | grep -F -f <(printf '%s\t\n' "${docs[@]}") || true)
fi
unexpected=$(LC_ALL=C comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -v '^$')
passing=$(LC_ALL=C comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -v '^$')
if [ -n "$unexpected" ]; then
  echo "FAIL failed cases not in self-expected.txt:"
  printf '  %s\n' "$unexpected"
  fail=1
fi
if [ -s "$work/undeclared" ]; then
  echo "FAIL failed cases whose reason names no defect of the document (gauntlet's side):"
  sed 's/^/  /' "$work/undeclared"
  fail=1
fi
if [ -n "$passing" ]; then
  echo "FAIL self-expected.txt lists cases that did not fail (remove them):"
  printf '  %s\n' "$passing"
  fail=1
fi
echo "self: $n documents served and run; $(printf '%s\n' "$got" | grep -c .) failed cases, all expected: $([ $fail = 0 ] && echo yes || echo no)"
exit $fail
