#!/usr/bin/env bash
# Fails when a tracked file refers to a document that is not in the repository
# (a user who clones gauntlet has only what is tracked): the design notes and
# the API contract it was built from. Cite docs/, suites/README.md or a public
# URL instead. Run by scripts/lint.sh (gate "standalone") and so by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each pattern is split so that this file does not match itself.
S=SPEC
patterns=("$S"'\.md' "$S"' §' '\.\./shared/' '/work/shared' 'shared/reference-''apis' 'reference-''apis\.md')
args=()
for p in "${patterns[@]}"; do args+=(-e "$p"); done
if hits=$(git grep -n -I -E "${args[@]}" -- . ':!scripts/check-standalone.sh'); then
  echo "check-standalone: these lines refer to files outside the repository:" >&2
  echo "$hits" >&2
  echo "(cite the project's own docs/ pages, suites/README.md or a public URL)" >&2
  exit 1
fi
echo "check-standalone: no reference to files outside the repository"
