# lib.sh — shared steps of the scripts/install-*.sh scripts (sourced, not run).
# Each function prints what it does on stderr prefixed by $TAG (set it first:
# the script's name) and returns non-zero with a reason when it fails.

# Runs apt-get with root rights (sudo when not root), waiting for another
# apt run's lock (a parallel job) for at most 5 minutes.
apt_get() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 "$@"
}

# Installs the named Debian packages that are not installed yet, plus nodejs
# and npm when `node` or `npm` is missing; nothing (no apt update) when all are.
apt_install_missing() { # PACKAGE...
  local want=("$@") missing=() p
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
  for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$TAG: apt-get install ${missing[*]}" >&2
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# `npm ci` in DIR from its package-lock.json (exact versions), again only when
# the lock file changed since the last install (a stamp in node_modules), then
# checks that each FILE (relative to DIR/node_modules) exists.
npm_ci_pinned() { # DIR FILE...
  local dir=$1 f
  shift
  local stamp="$dir/node_modules/.gauntlet-lock.sha256" want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "$TAG: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$stamp"
  fi
  for f in "$@"; do
    if [ ! -e "$dir/node_modules/$f" ]; then
      echo "$TAG: $dir/node_modules/$f is missing after npm ci" >&2
      return 1
    fi
  done
}

# Fails with a reason unless Debian's own python (not pyenv's or a venv's)
# can import every MODULE.
require_debian_python() { # MODULE...
  local m
  for m in "$@"; do
    if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
      echo "$TAG: /usr/bin/python3 cannot import $m" >&2
      return 1
    fi
  done
}
