#!/usr/bin/env bash
# The README's two commands in order, `scripts/demo.sh` then `scripts/test.sh`,
# on one build folder: the test command must still configure the tests (the
# demo once configured them out, and `ctest` then ran nothing and exited 0).
# GAUNTLET_CONFIGURE_ONLY=1 makes both scripts stop after configuring, so this
# takes seconds; what is checked is the CMake cache they leave and the tests
# CTest finds in it.
#   tests/scripts/demo_then_test.sh SOURCE_DIR [GAUNTLET_BIN (unused)]
set -euo pipefail
src=${1:?usage: demo_then_test.sh SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BUILD_DIR=$work/build GAUNTLET_CONFIGURE_ONLY=1

count_tests() { ctest --test-dir "$BUILD_DIR" -N | sed -n 's/^Total Tests: //p'; }

"$src/scripts/demo.sh" >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; echo "FAIL: demo.sh configure"; exit 1; }
"$src/scripts/test.sh" >"$work/test.log" 2>&1 || { cat "$work/test.log"; echo "FAIL: test.sh configure"; exit 1; }
n=$(count_tests)
if [ -z "$n" ] || [ "$n" -eq 0 ]; then
  echo "FAIL: after scripts/demo.sh then scripts/test.sh, CTest finds ${n:-no} tests in $BUILD_DIR"
  grep GAUNTLET_TESTS "$BUILD_DIR/CMakeCache.txt" || true
  exit 1
fi
echo "ok: demo then test: CTest finds $n tests"

# And the other order: the demo run after the tests leaves them configured.
"$src/scripts/demo.sh" >"$work/demo2.log" 2>&1 || { cat "$work/demo2.log"; echo "FAIL: demo.sh configure (2nd)"; exit 1; }
n2=$(count_tests)
if [ "$n2" != "$n" ]; then
  echo "FAIL: scripts/demo.sh after scripts/test.sh changed the test count from $n to ${n2:-none}"
  exit 1
fi
echo "ok: test then demo: still $n2 tests"
