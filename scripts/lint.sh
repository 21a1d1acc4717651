#!/usr/bin/env bash
# The CI gates a developer can run before pushing (docs/ci.md, "Gates"):
#   scripts/lint.sh              every gate
#   scripts/lint.sh GATE...      only these: standalone format cppcheck gcc clang
# standalone  no tracked file refers to documents outside the repository
# format      clang-format --dry-run -Werror over the C files of harness/ tests/ bench/
# cppcheck    cppcheck findings (.ci/cppcheck.cfg, .ci/cppcheck-suppressions.txt)
# gcc, clang  a -DGAUNTLET_WERROR=ON build (the project's warning set, CMakeLists.txt)
#             with that compiler, tests and all, in build-werror-<compiler>/
# Exit 0 when every gate chosen passes; 1 otherwise (each failing gate says why).
set -uo pipefail
cd "$(dirname "$0")/.."
GAUNTLET_WITH_LINT_TOOLS=1 scripts/install-deps.sh || exit 1

c_files() { git ls-files -- 'harness/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]'; }

gate_standalone() { scripts/check-standalone.sh; }

gate_format() {
  # shellcheck disable=SC2046
  clang-format --dry-run -Werror $(c_files)
}

gate_cppcheck() {
  # Without the system headers (.ci/cppcheck.cfg says what it would miss):
  # with them, cppcheck takes minutes and reports glibc's macros.
  cppcheck --quiet --error-exitcode=1 --std=c11 -j"$(nproc)" -D_GNU_SOURCE \
    --enable=warning,performance,portability --inline-suppr \
    --library=.ci/cppcheck.cfg --suppressions-list=.ci/cppcheck-suppressions.txt \
    -Iharness -Itests/support harness tests $(git ls-files -- 'bench/*.c')
}

werror_build() { # COMPILER
  local dir=build-werror-$1
  CC=$1 cmake -S . -B "$dir" -DGAUNTLET_WERROR=ON -DGAUNTLET_TESTS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$dir" -j"$(nproc)" >"$dir/lint-build.log" 2>&1 ||
    { grep -E -A5 'error|warning' "$dir/lint-build.log" | head -60; return 1; }
}
gate_gcc() { werror_build gcc; }
gate_clang() { werror_build clang; }

gates=("$@")
[ ${#gates[@]} -eq 0 ] && gates=(standalone format cppcheck gcc clang)
failed=()
for g in "${gates[@]}"; do
  if ! declare -F "gate_$g" >/dev/null; then
    echo "lint: unknown gate '$g' (standalone format cppcheck gcc clang)" >&2
    exit 2
  fi
  start=$(date +%s)
  if "gate_$g"; then
    echo "lint: $g ok ($(($(date +%s) - start)) s)"
  else
    echo "lint: $g FAILED ($(($(date +%s) - start)) s)" >&2
    failed+=("$g")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "lint: failed: ${failed[*]}" >&2; exit 1; }
