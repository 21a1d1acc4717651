#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ with clang and runs each for a
# bounded time over its seed corpus (tests/fuzz/corpus/<target>/).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
# Exits non-zero when a target crashes, leaks or hangs. Each target is also
# killed at SECONDS+20 whatever happens, so the whole step is bounded.
# A crash leaves its input in build-fuzz/crashes/; turn it into a regression
# test: copy it to tests/fixtures/fuzz-regressions/<target>-<what>.yaml
# (tests/unit/test_fuzz_regressions.c replays every loader-* file there) and
# to the target's corpus folder.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-30}
GAUNTLET_WITH_SANITIZER_TOOLS=1 scripts/install-deps.sh
CC=clang cmake -S . -B build-fuzz -DGAUNTLET_FUZZ=ON -DGAUNTLET_TESTS=OFF -DGAUNTLET_SANITIZE=ON \
  -DGAUNTLET_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
mkdir -p build-fuzz/crashes
status=0
for bin in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$corpus"
  work=$(mktemp -d)
  echo "fuzz: $name for ${SECS}s"
  if ! timeout -k 5 $((SECS + 20)) "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix=build-fuzz/crashes/"$name"- "$work" "$corpus" >build-fuzz/"$name".log 2>&1; then
    echo "fuzz: $name FOUND A CRASH:" >&2
    tail -40 build-fuzz/"$name".log >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
