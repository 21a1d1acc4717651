#!/usr/bin/env bash
# The JSON Schemas of gauntlet's own format (docs/schema/) accept every shipped
# suite, profile and fragment (suites/) and every example (examples/), checked
# with gauntlet's own validator; and they are not vacuous: a misspelt key, a
# wrong type and a fault expectation with an unknown key are reported.
#   tests/scripts/format_schemas.sh SOURCE_DIR GAUNTLET_BIN [BUILD_DIR]
set -euo pipefail
src=${1:?usage: format_schemas.sh SOURCE_DIR GAUNTLET_BIN}
bin=${2:?usage: format_schemas.sh SOURCE_DIR GAUNTLET_BIN}
dir=$src/docs/schema
fail=0

# The role of each YAML file: a profile (in a profiles/ folder, or an
# example's profile.yaml), a suite (it has a top-level `suite:`), else a
# fragment that suites include. Other files (OpenAPI documents) are not ours.
role() {
  case "$1" in
    */profiles/*.yaml | */examples/*/profile.yaml) echo profile ;;
    */examples/*/openapi.yaml) echo skip ;;
    *) if grep -q '^suite:' "$1"; then echo suite; else echo fragment; fi ;;
  esac
}

count=0
while IFS= read -r f; do
  r=$(role "$f")
  [ "$r" = skip ] && continue
  if ! out=$("$bin" schema "$dir/$r.schema.json" "$f" 2>&1); then
    echo "FAIL: $f is not valid against docs/schema/$r.schema.json:"
    echo "$out"
    echo "(a new suite or profile key must be added to docs/schema/ too)"
    fail=1
  fi
  count=$((count + 1))
done < <(find "$src/suites" "$src/examples" -name '*.yaml' | sort)
[ "$count" -ge 10 ] || { echo "FAIL: only $count files checked"; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# must_fail NAME SCHEMA WANT: the file $tmp/NAME is invalid and the report names WANT.
must_fail() {
  local out code=0
  out=$("$bin" schema "$dir/$2.schema.json" "$tmp/$1" 2>&1) || code=$?
  if [ "$code" != 1 ] || ! grep -qF -- "$3" <<<"$out"; then
    echo "FAIL: $1 should be invalid (exit 1) naming '$3'; exit $code:"
    echo "$out"
    fail=1
  fi
}
cat >"$tmp/typo.yaml" <<'YAML'
suite: s
base_url: http://127.0.0.1:1
scenarios:
  - name: a
    request: { method: GET, path: / }
    expcet: { status: 200 }
YAML
must_fail typo.yaml suite 'schema $.scenarios[0]: property "expcet" is not allowed'
cat >"$tmp/type.yaml" <<'YAML'
suite: s
scenarios:
  - name: a
    request: { method: GET, path: / }
    expect: { status: 200, refused: maybe }
YAML
must_fail type.yaml suite 'schema $.scenarios[0].expect.refused: "maybe" is not of type "boolean"'
cat >"$tmp/profile.yaml" <<'YAML'
profile: p
faults:
  expect:
    unauthenticated: { stauts: 401 }
YAML
must_fail profile.yaml profile 'property "stauts" is not allowed'

[ "$fail" = 0 ] && echo "format_schemas: $count files valid against docs/schema/"
exit "$fail"
