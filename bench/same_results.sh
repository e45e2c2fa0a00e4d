#!/usr/bin/env bash
# Do two gpiqa binaries give the same results? Runs each campaign with both (mpirun -n 2, into a scratch
# folder) and compares the /tasks tables column by column, bit for bit (NaN equal to NaN), and every task's
# frames, leaving out what describes the run rather than the result (wall_seconds, steps_per_second, rank,
# host). Use it around a refactoring that must not change a number, or to see what a compiler flag changes.
#   bench/same_results.sh OLD_BINARY NEW_BINARY [CAMPAIGN.yaml]...
# Default campaigns: campaigns/quickstart.yaml and bench/campaigns/glycine-bundled.yaml (needs
# `gpiqa models build glycine`). Exit 0 when every campaign agrees; the differences are listed otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
shift 2
campaigns=("$@")
[ ${#campaigns[@]} -gt 0 ] || campaigns=("$root/campaigns/quickstart.yaml" "$root/bench/campaigns/glycine-bundled.yaml")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for c in "${campaigns[@]}"; do
  name=$(basename "$c" .yaml)
  for side in old new; do
    bin=$old; [ "$side" = new ] && bin=$new
    t0=$SECONDS
    mpirun -n 2 --oversubscribe "$bin" run "$c" --output "$scratch/$name-$side.h5" > "$scratch/$name-$side.log" 2>&1 ||
      { echo "same_results: $name: $side binary failed (log below)"; tail -5 "$scratch/$name-$side.log"; exit 1; }
    echo "same_results: $name: $side run took $((SECONDS - t0)) s"
  done
  /usr/bin/python3 - "$scratch/$name-old.h5" "$scratch/$name-new.h5" "$name" <<'PY' || status=1
import sys
import h5py
import numpy as np

old_path, new_path, name = sys.argv[1:4]
ignored = {"wall_seconds", "steps_per_second", "rank", "host"}
problems = []
with h5py.File(old_path, "r") as a, h5py.File(new_path, "r") as b:
    ta, tb = a["tasks"], b["tasks"]
    for column in sorted(set(ta) | set(tb)):
        if column in ignored:
            continue
        if column not in ta or column not in tb:
            problems.append(f"column {column} only in the {'new' if column in tb else 'old'} file")
            continue
        x, y = ta[column][()], tb[column][()]
        if x.dtype.kind == "f":
            same = (x.view(np.uint64) == y.view(np.uint64)) | (np.isnan(x) & np.isnan(y))
        else:
            same = x == y
        for row in np.flatnonzero(~same)[:3]:
            problems.append(f"task {row} column {column}: {x[row]!r} != {y[row]!r}")
    trajectories_a = a.get("trajectories", {})
    trajectories_b = b.get("trajectories", {})
    if set(trajectories_a) != set(trajectories_b):
        problems.append("different sets of tasks with frames")

    def datasets(group, prefix=""):
        for key, item in group.items():
            if isinstance(item, h5py.Dataset):
                yield prefix + key, item
            else:
                yield from datasets(item, prefix + key + "/")

    frames = 0
    for task in sorted(set(trajectories_a) & set(trajectories_b), key=int):
        da = dict(datasets(trajectories_a[task]))
        db = dict(datasets(trajectories_b[task]))
        for key in sorted(set(da) | set(db)):
            if key not in da or key not in db:
                problems.append(f"task {task}: dataset {key} only in one file")
            elif da[key].shape != db[key].shape or da[key][()].tobytes() != db[key][()].tobytes():
                problems.append(f"task {task}: dataset {key} differs")
        frames += 1
    rows = len(ta["task_id"])
print(f"same_results: {name}: {rows} tasks, {frames} with frames: "
      + ("identical" if not problems else f"{len(problems)} differences"))
for p in problems[:20]:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
done
exit $status
