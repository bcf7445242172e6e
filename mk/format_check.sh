#!/usr/bin/env bash
# make format-check: the C sources against .clang-format, without changing them.
#   mk/format_check.sh CLANG_FORMAT BASE
# BASE a git revision (default HEAD): only the lines changed since the branch
# left BASE are checked (what `git diff $(git merge-base BASE HEAD)` shows, with
# the working tree, plus untracked new files whole), so old code that predates
# .clang-format does not fail a check of new work.
# BASE empty: every tracked *.c and *.h, whole.
# Prints clang-format's warning for each line it would change and exits 1 when
# there is one. clang-format is a developer tool, not a dependency (mk/deps.sh
# does not install it): without it the check is skipped with a message.
set -u
cf=${1:-clang-format}
base=${2-HEAD}
cd "$(dirname "$0")/.."
if ! command -v "$cf" >/dev/null 2>&1; then
  echo "format-check: skipped: $cf not found (hint: apt-get install clang-format)"
  exit 0
fi
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "format-check: skipped: not a git checkout (hint: $cf --dry-run FILE checks a file)"
  exit 0
fi
bad=0
if [ -z "$base" ]; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
  "$cf" --dry-run --Werror "${files[@]}" || bad=1
  what="${#files[@]} files"
else
  git rev-parse --verify -q "$base^{commit}" >/dev/null ||
    { echo "format-check: FORMAT_BASE '$base' is not a git revision" >&2; exit 2; }
  from=$(git merge-base "$base" HEAD) ||
    { echo "format-check: FORMAT_BASE '$base' shares no history with HEAD" >&2; exit 2; }
  # one line per changed file: PATH --lines=A:B --lines=C:D ...
  while read -r path ranges; do
    [ -n "$ranges" ] || continue
    # shellcheck disable=SC2086
    "$cf" --dry-run --Werror $ranges "$path" || bad=1
  done < <(git diff -U0 --no-color --no-ext-diff --diff-filter=d "$from" -- '*.c' '*.h' | awk '
    function flush() { if (path != "") print path, ranges; path = ""; ranges = "" }
    /^\+\+\+ / { flush(); path = substr($0, 7); next }
    /^@@ / {
      split($3, a, ","); start = substr(a[1], 2); n = (2 in a) ? a[2] : 1
      if (n > 0) ranges = ranges " --lines=" start ":" (start + n - 1)
    }
    END { flush() }')
  mapfile -t new < <(git ls-files --others --exclude-standard '*.c' '*.h')
  if [ ${#new[@]} -gt 0 ]; then
    "$cf" --dry-run --Werror "${new[@]}" || bad=1
  fi
  what="the C lines changed since $base"
fi
if [ $bad -ne 0 ]; then
  echo "format-check: $what: not as .clang-format has it (hint: \`git clang-format $base\`" \
       "reformats only the changed lines; \`$cf -i FILE\` a whole file)" >&2
  exit 1
fi
echo "format-check: $what: ok"
