#!/usr/bin/env bash
# Configures and builds gauntlet into build/ (or $BUILD_DIR). Extra args go to cmake.
#   BUILD_TARGET=gauntlet   build only that target (default: everything configured)
#   GAUNTLET_CONFIGURE_ONLY=1   configure, build nothing (tests/scripts/ use it to
#                               check what the scripts configure, in seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
if [ "${GAUNTLET_CONFIGURE_ONLY:-0}" = 1 ]; then exit 0; fi
cmake --build "$BUILD_DIR" -j"$(nproc)" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
