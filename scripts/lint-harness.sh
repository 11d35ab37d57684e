#!/usr/bin/env bash
# `npm run lint:harness`: the Python harness (sandbox/harness) at zero findings — flake8 (Debian's,
# configured by sandbox/harness/.flake8) and pyright's type check (sandbox/harness/pyrightconfig.json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! /usr/bin/python3 -m flake8 --version >/dev/null 2>&1; then
  echo 'lint:harness: flake8 is missing: run scripts/python-lint-up.sh (scripts/prepare.sh does)' >&2
  exit 1
fi
cd "$root/sandbox/harness"
/usr/bin/python3 -m flake8
npx --no-install pyright -p pyrightconfig.json --warnings
