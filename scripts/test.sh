#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
# The normal run also installs the third-party servers of the `realserver`
# tests (scripts/install-real-servers.sh); where that fails their tests skip
# loudly, unless CI=true (then it is an error). The sanitizer run leaves the
# `realserver` label out: those tests run once, in the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${1:-}" = "--sanitize" ]; then
  export BUILD_DIR=build-asan
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  scripts/build.sh -DGAUNTLET_SANITIZE=ON
  ctest_args=(-LE realserver)
  warning=""
else
  export BUILD_DIR=build
  warning=""
  if ! scripts/install-real-servers.sh; then
    if [ "${CI:-}" = true ]; then
      echo "test.sh: CI=true and the real servers could not be installed" >&2
      exit 1
    fi
    warning="test.sh: WARNING: real servers not installed (scripts/install-real-servers.sh failed, see above): the realserver tests are SKIPPED"
    echo "$warning" >&2
  fi
  scripts/build.sh
  ctest_args=()
fi
cd "$BUILD_DIR"
status=0
ctest --output-on-failure -j"$(nproc)" --timeout 900 "${ctest_args[@]}" || status=$?
[ -z "$warning" ] || echo "$warning" >&2
exit "$status"
