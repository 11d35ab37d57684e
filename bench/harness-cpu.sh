#!/usr/bin/env bash
# CPU time of one grading run per image (the container's cgroup CPU, which a loaded machine does not
# inflate the way it inflates wall time), for the reference of the exercises given, on two images,
# interleaved. Tasks are built with the platform's own buildHarnessTask (run `npx tsc -p
# bench/tsconfig.json` first). Usage:
#   bench/harness-cpu.sh [RUNS] [exercise ...]      (BASELINE_IMAGE, AFTER_IMAGE to choose the images)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"; shift || true
exercises=("${@:-refcount-predict weak-cache pandas-sales}")
before="${BASELINE_IMAGE:-memgrade-sandbox:4c4ac265191be7ae}"
after="${AFTER_IMAGE:-$(bash "$root/scripts/sandbox-image.sh")}"
work="$(mktemp -d "${TMPDIR:-/tmp}/harness-cpu.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$root"
node -e "
const fs = require('fs'), path = require('path');
const { loadExerciseFolder } = require('./.memgrade/bench-build/src/exercises/format/exercise-folder.js');
const { buildHarnessTask } = require('./.memgrade/bench-build/src/grading/harness/harness-task.js');
for (const slug of process.argv.slice(1)) {
  const { spec, files } = loadExerciseFolder('exercises/' + slug);
  const task = buildHarnessTask(slug, spec, files, {}, Object.fromEntries(spec.studentFiles.map((n) => [n, files['reference/' + n]])));
  for (const [p, c] of Object.entries(task)) { const f = path.join('$work', slug, p); fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, c); }
  fs.writeFileSync(path.join('$work', slug + '.memory'), String(spec.limits?.memoryMiB ?? 512));
}" ${exercises[*]}
for d in "$work"/*/; do
  chmod 0555 "$d" "$d/student"; chmod 0400 "$d/plan.json"
  find "$d/tests" "$d/reference" -type f -exec chmod 0400 {} +; find "$d/tests" "$d/reference" -type d -exec chmod 0500 {} +
  find "$d/student" -type f -exec chmod 0444 {} +
done
# One run: the harness as the container contract says, then the container's CPU time and the document's figures.
grade() { # image exercise
  local mem; mem="$(cat "$work/$2.memory")"
  echo "bench-cpu-key-0123456789abcdef0123" | docker run -i --rm --init --user 0:0 --cap-drop ALL --cap-add SETUID --cap-add SETGID \
    --cap-add KILL --security-opt no-new-privileges --read-only --tmpfs /tmp:rw,nosuid,nodev,noexec,size=64m,mode=1777 \
    --network none --pids-limit 128 --cpus 2 --memory "${mem}m" --memory-swap "${mem}m" -v "$work/$2:/task:ro" "$1" \
    sh -c 'a=$(date +%s%N); python3 -m memgrade_harness --task /task > /tmp/frame; s=$?; b=$(date +%s%N); cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || sed -n "s/^usage_usec //p" /sys/fs/cgroup/cpu.stat; echo $(( (b - a) / 1000 )); tail -n +2 /tmp/frame; exit $s' \
    | python3 -c '
import json, sys
lines = sys.stdin.read().split("\n", 2)
cpu = int(lines[0]); cpu_s = cpu / 1e9 if cpu > 10**8 else cpu / 1e6
wall_s = int(lines[1]) / 1e6
doc = json.loads(lines[2])
print("%.2f %.2f %.3f %d/%d" % (cpu_s, doc["duration_ms"] / 1000, wall_s - doc["duration_ms"] / 1000, doc["score"], doc["max_score"]))'
}
# outside_s: the judge process's wall time (exec to exit) less the document's duration_ms: its
# interpreter start before its clock, and everything after the answer (clean-up, exit).
printf '%-20s %-7s %8s %10s %10s %8s\n' exercise image cpu_s harness_s outside_s score
for ex in ${exercises[*]}; do
  for ((i = 0; i < runs; i++)); do
    for side in before after; do
      image="$before"; [[ $side == after ]] && image="$after"
      printf '%-20s %-7s %s\n' "$ex" "$side" "$(grade "$image" "$ex" | awk '{printf "%8s %10s %10s %8s", $1, $2, $3, $4}')"
    done
  done
done
