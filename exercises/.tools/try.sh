#!/usr/bin/env bash
# Try an exercise in the sandbox image: see try.py for the options.
#   exercises/.tools/try.sh exercises/weak-cache                 # grade reference/
#   exercises/.tools/try.sh exercises/weak-cache --check --runs 3 # reference, starter, wrong, 3× each
#   exercises/.tools/try.sh exercises/weak-cache my-solution-dir  # grade another solution
#   exercises/.tools/try.sh --lint                                # check every folder's format
set -euo pipefail
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/try.py" "$@"
