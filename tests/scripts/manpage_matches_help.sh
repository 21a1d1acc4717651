#!/usr/bin/env bash
# The man page (docs/gauntlet.1) documents every command that `gauntlet --help`
# lists and every option that `gauntlet --help` and `gauntlet COMMAND --help`
# print, and renders without a roff warning. An option added to --help without
# a man page entry fails here, naming the option and the help it came from.
#   tests/scripts/manpage_matches_help.sh SOURCE_DIR GAUNTLET_BIN [BUILD_DIR]
set -euo pipefail
src=${1:?usage: manpage_matches_help.sh SOURCE_DIR GAUNTLET_BIN}
bin=${2:?usage: manpage_matches_help.sh SOURCE_DIR GAUNTLET_BIN}
page=$src/docs/gauntlet.1
command -v groff >/dev/null || { echo "FAIL: groff is not installed (scripts/install-deps.sh installs groff-base)"; exit 1; }

# Rendered as plain ASCII on long lines, so an option is never hyphenated or wrapped.
if warnings=$(groff -man -Tascii -ww -z "$page" 2>&1) && [ -n "$warnings" ]; then
  echo "FAIL: $page renders with warnings:"; echo "$warnings"; exit 1
fi
text=$(groff -man -Tascii -P-cbou -rLL=250n "$page" 2>/dev/null)

top_help=$("$bin" --help 2>&1) || true
commands=$(sed -n 's/^ *gauntlet \([a-z][a-z-]*\) .*/\1/p' <<<"$top_help" | sort -u)
[ -n "$commands" ] || { echo "FAIL: no command found in 'gauntlet --help':"; echo "$top_help"; exit 1; }

missing=0
# options_of TEXT: every --long-name and one-letter -x token of a help text, one
# per line ("-NAME" in "-NAME drops one" is a value, not an option).
options_of() {
  grep -oE '(^|[][ ,|(])(--[A-Za-z][A-Za-z0-9-]*|-[A-Za-z])([^A-Za-z0-9_-]|$)' <<<"$1" |
    sed -E 's/^[][ ,|(]//; s/[^A-Za-z0-9-]$//' | sort -u
}
declare -A seen=()
check_options() { # HELP_TEXT WHERE
  local opt
  for opt in $(options_of "$1"); do
    [ -z "${seen[$opt]:-}" ] || continue
    seen[$opt]=1
    if ! grep -qE -- "(^|[^A-Za-z0-9-])${opt}([^A-Za-z0-9-]|\$)" <<<"$text"; then
      echo "FAIL: option $opt (printed by '$2') is not documented in docs/gauntlet.1"
      missing=1
    fi
  done
}

check_options "$top_help" "gauntlet --help"
for c in $commands; do
  if ! grep -qE "gauntlet $c([^a-z-]|\$)" <<<"$text"; then
    echo "FAIL: command '$c' (listed by 'gauntlet --help') is not in the SYNOPSIS of docs/gauntlet.1"
    missing=1
  fi
  sub_help=$("$bin" "$c" --help 2>&1) || true
  check_options "$sub_help" "gauntlet $c --help"
done
if [ "$missing" = 1 ]; then
  echo "(add each to docs/gauntlet.1, in OPTIONS or its command's section; see 'man docs/gauntlet.1')"
  exit 1
fi
echo "ok: docs/gauntlet.1 documents the commands ($(echo $commands)) and every option of their --help"
