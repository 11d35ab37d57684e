#!/usr/bin/env bash
# `npm test`: the whole suite against real Postgres, Redis and Docker. Sets up whatever is missing
# first (scripts/prepare.sh), then runs the unit specs, the sandbox harness's own Python tests and
# the end-to-end specs, and ends with one line "Tests: N passed, N failed".
set -uo pipefail
# shellcheck source=prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh" || exit 1
set +e

report_dir="$(mktemp -d)"
trap 'rm -rf "$report_dir"' EXIT
status=0

npx jest --selectProjects unit --json --outputFile="$report_dir/unit.json" "$@" || status=1
# The e2e specs share one database and one Docker engine: one file at a time.
npx jest --selectProjects e2e --runInBand --json --outputFile="$report_dir/e2e.json" "$@" || status=1

node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const report = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  }
  console.log(`Tests: ${passed} passed, ${failed} failed`);
' "$report_dir"
exit "$status"
