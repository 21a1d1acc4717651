#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#   scripts/test.sh [CMAKE_ARGS...]              normal build in build/ (or $BUILD_DIR)
#   scripts/test.sh --sanitize [CMAKE_ARGS...]   AddressSanitizer + UndefinedBehaviorSanitizer
#                                                build in build-asan/ (or $ASAN_BUILD_DIR)
# The tests are always configured in (-DGAUNTLET_TESTS=ON, whatever an earlier
# `scripts/demo.sh` left in the CMake cache), and a run that executed no test
# fails (ctest --no-tests=error) instead of passing vacuously.
# The normal run also installs the third-party servers of the `realserver`
# tests (scripts/install-real-servers.sh, and ajv for the JSON Schema
# differential test: scripts/install-schema-diff.sh); where that fails their tests skip
# loudly, unless CI=true (then it is an error). The sanitizer run leaves the
# `realserver` label out: those tests run once, in the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
warning=""
if [ "${1:-}" = "--sanitize" ]; then
  shift
  export BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  scripts/build.sh -DGAUNTLET_TESTS=ON -DGAUNTLET_SANITIZE=ON "$@"
  ctest_args=(-LE realserver)
else
  export BUILD_DIR=${BUILD_DIR:-build}
  if [ "${GAUNTLET_CONFIGURE_ONLY:-0}" != 1 ] &&
    ! { scripts/install-real-servers.sh && scripts/install-schema-diff.sh; }; then
    if [ "${CI:-}" = true ]; then
      echo "test.sh: CI=true and the real servers could not be installed" >&2
      exit 1
    fi
    warning="test.sh: WARNING: real servers not installed (scripts/install-real-servers.sh failed, see above): the realserver tests are SKIPPED"
    echo "$warning" >&2
  fi
  if [ "${GAUNTLET_CONFIGURE_ONLY:-0}" != 1 ] && ! scripts/install-report-tools.sh; then
    if [ "${CI:-}" = true ]; then
      echo "test.sh: CI=true and the report consumers could not be installed" >&2
      exit 1
    fi
    warning="${warning:-} test.sh: WARNING: report consumers not installed (scripts/install-report-tools.sh failed): realserver/report_consumers is SKIPPED"
    echo "$warning" >&2
  fi
  scripts/build.sh -DGAUNTLET_TESTS=ON "$@"
  ctest_args=()
fi
if [ "${GAUNTLET_CONFIGURE_ONLY:-0}" = 1 ]; then exit 0; fi
cd "$BUILD_DIR"
status=0
ctest --no-tests=error --output-on-failure -j"$(nproc)" --timeout 900 "${ctest_args[@]}" || status=$?
[ -z "$warning" ] || echo "$warning" >&2
exit "$status"
