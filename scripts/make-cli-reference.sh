#!/usr/bin/env bash
# Writes docs/reference/cli.md from the binary's own help: `gpiqa --help`, then `gpiqa SUB --help` for every
# subcommand the help lists (and their subcommands, e.g. `gpiqa models build`), each as it prints. The page
# is never edited by hand; scripts/check-docs.py regenerates it into a temporary file and fails when the
# committed page differs. The one default that depends on the machine, --threads (the number of cores), is
# written as N_CORES, so that the page is the same wherever it is made.
#   scripts/make-cli-reference.sh [GPIQA_BINARY [OUT]]   (defaults: build/bin/gpiqa, docs/reference/cli.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gpiqa=${1:-${GPIQA_BINARY:-$root/build/bin/gpiqa}}
out=${2:-$root/docs/reference/cli.md}
[ -x "$gpiqa" ] || { echo "make-cli-reference: $gpiqa is not an executable (build it: bash scripts/build.sh --target gpiqa)" >&2; exit 2; }

# The subcommands a help text lists: the first word of each line under its "Subcommands:" heading.
subcommands() {
  awk 'tolower($0) ~ /^subcommands:/ { in_list = 1; next }
       in_list && /^[^ ]/ { in_list = 0 }
       in_list && /^  [a-z]/ { print $1 }'
}

# `gpiqa ARGS... --help`, machine-dependent defaults replaced by their meaning (columns kept aligned).
help_text() {
  "$gpiqa" "$@" --help |
    perl -pe 's{^(  --threads INT=)(\d+)( +)}{my $pad = length($2) + length($3) - 7; $1 . "N_CORES" . " " x ($pad > 0 ? $pad : 1)}e'
}

# help CMD...: one section with the help of `gpiqa CMD... --help`, then one for each of its subcommands.
help() {
  local text
  text=$(help_text "$@")
  printf '\n## `gpiqa%s`\n\n```text\n%s\n```\n' "$(printf ' %s' "$@")" "$text"
  local sub
  for sub in $(printf '%s\n' "$text" | subcommands); do
    help "$@" "$sub"
  done
}

{
  cat <<'HEAD'
# Command-line reference

Every subcommand and every flag of `gpiqa`, as the binary's own `--help` prints them. This page is generated
by `scripts/make-cli-reference.sh` from the built binary; do not edit it by hand (the docs check in
`scripts/test.sh` fails when it differs from the binary's help). What the commands are for is in the guides:
[first-campaign.md](../guide/first-campaign.md), [one-trajectory.md](../guide/one-trajectory.md),
[slurm.md](../guide/slurm.md), [training.md](../guide/training.md),
[reading-results.md](../guide/reading-results.md).

Exit codes: 0 success; 1 an unexpected error; 2 bad input or usage (one line on stderr, `gpiqa: error:
...`; no command at all prints this help to stderr); 4 the output file is locked by another writer; `run`
also 3 (interrupted: run it again); `md` 128 + the signal that stopped it (its checkpoint saved). `N_CORES`
in a default is the number of cores of the machine.
HEAD
  printf '\n## `gpiqa`\n\n```text\n%s\n```\n' "$(help_text)"
  for sub in $(help_text | subcommands); do
    help "$sub"
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
