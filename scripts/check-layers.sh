#!/usr/bin/env bash
# Prints the include graph between gpiqa's layers (src/ and include/gpiqa/ folders) and fails when a layer
# includes one above it, when the lower layers include MPI, YAML or HDF5 (they know nothing of them), when a
# run/ or campaign/ header reaches HDF5 through any chain of includes (HDF5 stays behind io's .cpp files and
# io's own HDF5 headers), or when two files of one layer include each other.
# Order, lowest first: each layer may include only layers before it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
order=(util model md stability io reference run train campaign cli)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
bad=0
edges=$(for f in $(git ls-files src include | grep -E '\.(c|h)pp$'); do
  layer=$(echo "$f" | sed -E 's#^(src|include/gpiqa)/([^/]+)/.*#\2#')
  { grep -oE '#include "gpiqa/[a-z_]+/' "$f" || true; } | sed -E 's#.*gpiqa/([a-z_]+)/#\1#' | while read -r dep; do
    if [ "$dep" != "$layer" ]; then echo "$layer -> $dep $f"; fi
  done
done | sort)
echo "layer include graph (count of includes):"
echo "$edges" | awk '{print "  " $1 " -> " $3}' | sort | uniq -c
while read -r from _ to file; do
  [ -z "$from" ] && continue
  rf=$(rank "$from"); rt=$(rank "$to")
  if [ "$rf" -lt 0 ] || [ "$rt" -lt 0 ]; then echo "check-layers: unknown layer in $file ($from -> $to)" >&2; bad=1
  elif [ "$rt" -ge "$rf" ]; then echo "check-layers: $file: $from includes $to, a layer above it" >&2; bad=1; fi
done <<< "$edges"
for layer in model md stability; do
  hits=$(grep -lE '#include [<"](mpi\.h|yaml-cpp/|hdf5\.h|H5[A-Za-z]*\.h|gpiqa/io/hdf5\.hpp)' \
         $(git ls-files "src/$layer" "include/gpiqa/$layer") 2>/dev/null || true)
  if [ -n "$hits" ]; then echo "check-layers: $layer must not see MPI, YAML or HDF5: $hits" >&2; bad=1; fi
done
# Headers of the run and campaign layers must not reach HDF5, directly or through other headers.
hdf5_direct='#include [<"](hdf5\.h|H5[A-Za-z]*\.h|gpiqa/io/hdf5\.hpp)'
declare -A reach=()  # header -> the chain by which it reaches HDF5 ("" when it does not)
reaches_hdf5() {
  local h=$1 dep chain
  if [ -n "${reach[$h]+set}" ]; then echo "${reach[$h]}"; return; fi
  reach[$h]=""  # cuts include cycles
  if grep -qE "$hdf5_direct" "$h"; then reach[$h]="$h"; echo "$h"; return; fi
  for dep in $({ grep -oE '#include "gpiqa/[a-z_/]+\.hpp"' "$h" || true; } | sed -E 's/#include "(.*)"/include\/\1/'); do
    [ -f "$dep" ] || continue
    chain=$(reaches_hdf5 "$dep")
    if [ -n "$chain" ]; then reach[$h]="$h -> $chain"; echo "${reach[$h]}"; return; fi
  done
  echo ""
}
for h in $(git ls-files include/gpiqa/run include/gpiqa/campaign | grep -E '\.hpp$'); do
  chain=$(reaches_hdf5 "$h")
  if [ -n "$chain" ]; then echo "check-layers: $h reaches HDF5: $chain" >&2; bad=1; fi
done
# No two files of a layer include each other (a header and its .cpp are one file here).
mutual=$(for f in $(git ls-files src include | grep -E '\.(c|h)pp$'); do
  unit=$(echo "$f" | sed -E 's#^(src|include/gpiqa)/##; s#\.(c|h)pp$##')
  { grep -oE '#include "gpiqa/[a-z_/]+\.hpp"' "$f" || true; } | sed -E 's#.*gpiqa/(.*)\.hpp"#\1#' |
    while read -r dep; do [ "$dep" != "$unit" ] && echo "$unit $dep"; done
done | sort -u)
while read -r a b; do
  [ -z "$a" ] && continue
  if [ "${a%%/*}" = "${b%%/*}" ] && grep -qx "$b $a" <<< "$mutual" && [[ "$a" < "$b" ]]; then
    echo "check-layers: $a and $b include each other" >&2; bad=1
  fi
done <<< "$mutual"
if [ "$bad" -eq 0 ]; then
  echo "check-layers: every include points down (${order[*]}); no run/ or campaign/ header reaches HDF5;" \
    "no two files of a layer include each other"
fi
exit "$bad"
