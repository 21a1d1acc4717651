#!/usr/bin/env bash
# scripts/check-standalone.sh finds a reference to a document outside the
# repository in any tracked file (checked on a scratch repository with one
# planted reference per pattern), and the repository itself has none.
#   tests/scripts/standalone_docs.sh SOURCE_DIR [GAUNTLET_BIN BUILD_DIR (unused)]
set -euo pipefail
src=${1:?usage: standalone_docs.sh SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scripts" "$work/docs"
cp "$src/scripts/check-standalone.sh" "$work/scripts/"
git -C "$work" init -q
echo "# clean" >"$work/docs/page.md"
git -C "$work" add -A
"$work/scripts/check-standalone.sh" >/dev/null 2>&1 || { echo "FAIL: a clean repository is rejected"; exit 1; }

S=SPEC # split so that this file is not itself a finding
for ref in "see $S.md" "as in $S §3" "../sha""red/notes.md" "/work/sha""red/x" "shared/reference-""apis.md §1"; do
  printf 'text\n/* %s */\n' "$ref" >"$work/docs/planted.c"
  git -C "$work" add docs/planted.c
  if out=$("$work/scripts/check-standalone.sh" 2>&1); then
    echo "FAIL: '$ref' in a tracked file was not found"; exit 1
  fi
  grep -q "docs/planted.c:2:" <<<"$out" || { echo "FAIL: '$ref' reported without FILE:LINE:"; echo "$out"; exit 1; }
  git -C "$work" rm -q --cached docs/planted.c
done
echo "ok: every planted reference is found"

if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  "$src/scripts/check-standalone.sh"
fi
