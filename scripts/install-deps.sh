#!/usr/bin/env bash
# Installs the Debian packages gauntlet needs to build, test and demo.
# Idempotent: installs only what is missing. Needs root (or sudo) and a
# reachable Debian package registry.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libfyaml-dev libcjson-dev libcriterion-dev
  libmicrohttpd-dev libgnutls28-dev libpcre2-dev libssl-dev
  libxml2-utils openssl curl groff-base
  zlib1g-dev libbrotli-dev zstd
  json-schema-test-suite
)
if [ "${GAUNTLET_WITH_LINT_TOOLS:-0}" = 1 ]; then
  # scripts/lint.sh: the clang build, clang-format and cppcheck gates.
  packages+=(clang clang-format cppcheck)
fi
if [ "${GAUNTLET_WITH_SANITIZER_TOOLS:-0}" = 1 ]; then
  # libclang-rt-14-dev is only a Recommends of clang: libFuzzer needs it.
  packages+=(clang libclang-rt-14-dev valgrind)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
