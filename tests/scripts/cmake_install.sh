#!/usr/bin/env bash
# `cmake --install` puts a working binary, the man page gauntlet(1) and the
# documentation under the prefix.
#   tests/scripts/cmake_install.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR
set -euo pipefail
src=${1:?usage: cmake_install.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR}
build=${3:?usage: cmake_install.sh SOURCE_DIR GAUNTLET_BIN BUILD_DIR}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

# The install manifest is written into the build folder: keep it out of the
# way of a developer's own install.
cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 ||
  { cat "$prefix.log"; rm -f "$prefix.log"; echo "FAIL: cmake --install"; exit 1; }
rm -f "$prefix.log"
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
check '[ -x "$prefix/bin/gauntlet" ]' "no executable bin/gauntlet under the prefix"
check '"$prefix/bin/gauntlet" --version | grep -q "^gauntlet [0-9]"' "the installed gauntlet --version does not print its version"
man1=$(find "$prefix" -path '*/man/man1/gauntlet.1' | head -1)
check '[ -n "$man1" ]' "no man/man1/gauntlet.1 under the prefix"
check '[ -z "$man1" ] || cmp -s "$man1" "$src/docs/gauntlet.1"' "the installed man page differs from docs/gauntlet.1"
check '[ -z "$man1" ] || ! command -v man >/dev/null || MANPATH="$prefix/share/man" man -w gauntlet | grep -q "^$prefix"' \
  "man does not find the installed page with MANPATH=<prefix>/share/man"
for doc in README.md CHANGELOG.md suite-format.md ci.md; do
  check '[ -n "$(find "$prefix" -path "*/doc/gauntlet/$doc")" ]' "no doc/gauntlet/$doc under the prefix"
done
[ "$fail" = 0 ] || exit 1
echo "ok: cmake --install: bin/gauntlet, $(sed "s|^$prefix/||" <<<"$man1"), share/doc/gauntlet/"
