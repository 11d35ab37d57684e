#!/usr/bin/env bash
# The grading harness's own Python tests (sandbox/harness/tests), run inside the sandbox image with
# the capabilities a grading container has (uid 0 with only SETUID, SETGID and KILL). Never on the
# host: the harness kills every process of its student uid, which on the host could hit others'.
# The repository's attack submissions (test/fixtures/attacks) are mounted read-only at
# /opt/memgrade/attacks: the harness's tests grade each of them too.
# Usage: scripts/harness-tests.sh [unittest pattern, default "test_*.py"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="${SANDBOX_IMAGE:-$(bash "$(dirname "${BASH_SOURCE[0]}")/sandbox-image.sh")}"
exec docker run --rm --init --user 0:0 --cap-drop ALL --cap-add SETUID --cap-add SETGID --cap-add KILL \
  --security-opt no-new-privileges --network none --read-only \
  --tmpfs /tmp:rw,nosuid,nodev,size=256m,mode=1777 --memory 2g --memory-swap 2g --pids-limit 512 \
  -v "$root/test/fixtures/attacks:/opt/memgrade/attacks:ro" -e MEMGRADE_ATTACKS=/opt/memgrade/attacks \
  --label memgrade.harness-tests=1 -w /opt/memgrade/harness "$image" \
  python3 -m unittest discover -s tests -p "${1:-test_*.py}"
