#!/usr/bin/env bash
# Prints the include graph between gpiqa's layers (src/ and include/gpiqa/ folders) and fails when a layer
# includes one above it, or when the lower layers include MPI, YAML or HDF5 (they know nothing of them).
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
if [ "$bad" -eq 0 ]; then echo "check-layers: every include points down (${order[*]})"; fi
exit "$bad"
