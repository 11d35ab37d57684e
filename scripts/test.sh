#!/usr/bin/env bash
# `npm test`: the whole suite against real Postgres, Redis and Docker. Sets up whatever is missing
# first (scripts/prepare.sh), runs `npm run check` (types, lint, dependency direction), then the
# unit specs, the medium specs (services on real Postgres and Redis), the sandbox harness's own
# Python tests and the end-to-end specs, and ends with one line "Tests: N passed, N failed" (a
# failed check counts as one failure; the tests still run, so one run tells everything).
set -euo pipefail
# Where the time went, phase by phase (printed before the summary line; CI should stay under 20 minutes).
phases=()
phase_started=$SECONDS
# With the 1-minute load average at its end: a slow run on a busy machine says so (a CI run once
# took 25 min where the same tree took 15 on an idle machine).
phase_done() {
  phases+=("$1 $((SECONDS - phase_started)) s (load $(cut -d' ' -f1 /proc/loadavg))")
  phase_started=$SECONDS
}
# Sourced, not run after `||`: bash ignores `set -e` inside a command list, and a failed set-up
# step must stop the run here.
# shellcheck source=prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
# The browser tests drive Debian's Chromium (installed when missing).
bash scripts/chromium-up.sh
phase_done set-up
set +e

report_dir="$(mktemp -d)"
trap 'rm -rf "$report_dir"' EXIT
status=0

# The checks (one core: tsc, eslint, pyright) run beside the unit, medium and harness tests (mostly
# waiting on Postgres and Docker), and are waited for before the e2e specs, which need both cores.
npm run --silent check > "$report_dir/check.out" 2>&1 &
check_pid=$!
report_check() {
  if wait "$check_pid"; then
    tail -n 1 "$report_dir/check.out"
  else
    cat "$report_dir/check.out" >&2
    echo 'npm test: npm run check failed (above)' >&2
    touch "$report_dir/check.failed"
    status=1
  fi
}
# --forceExit: a handle left open (a failed test's server or timer) must not hold the run until
# CI's limit; the failure itself is in the report. (Once seen under a load of 17: unit done, Jest idle.)
npx jest --selectProjects unit --passWithNoTests --forceExit --json --outputFile="$report_dir/unit.json" "$@" || status=1
phase_done unit
# The medium specs clone their own databases (no run lock); two workers, one database each.
npx jest --selectProjects medium --maxWorkers=2 --passWithNoTests --forceExit --json --outputFile="$report_dir/medium.json" "$@" || status=1
phase_done medium
# The harness's Python tests run in the sandbox image (scripts/harness-tests.sh says why).
bash scripts/harness-tests.sh 2>&1 | tee "$report_dir/harness.log" || status=1
phase_done harness
report_check
phase_done 'waiting for check'
# The e2e specs run on E2E_WORKERS Jest workers (default 2), one file at a time each, every worker
# with its own database and Redis database (test/setup/test-env.ts); they share the Docker engine.
npx jest --selectProjects e2e --maxWorkers="${E2E_WORKERS:-2}" --passWithNoTests --json --outputFile="$report_dir/e2e.json" "$@" || status=1
phase_done e2e
echo "phases: $(IFS=,; echo "${phases[*]}" | sed 's/,/, /g')"

node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  // A runner that could not even write its report failed as a whole.
  for (const expected of ["unit.json", "medium.json", "harness.log", "e2e.json"]) {
    if (!fs.existsSync(`${process.argv[1]}/${expected}`)) failed++;
  }
  if (fs.existsSync(`${process.argv[1]}/check.failed`)) failed++;
  for (const file of fs.readdirSync(process.argv[1])) {
    if (!file.endsWith(".json") && !file.endsWith(".log")) continue;
    const text = fs.readFileSync(`${process.argv[1]}/${file}`, "utf8");
    if (file.endsWith(".log")) {
      // unittest: "Ran N tests" then "OK (skipped=S)" or "FAILED (failures=F, errors=E, skipped=S)"
      const ran = Number(/^Ran (\d+) tests?/m.exec(text)?.[1] ?? 0);
      const skipped = Number(/skipped=(\d+)/.exec(text)?.[1] ?? 0);
      const bad = [/failures=(\d+)/, /errors=(\d+)/].reduce((n, re) => n + Number(re.exec(text)?.[1] ?? 0), 0);
      const broken = /^OK\b/m.test(text) ? 0 : Math.max(bad, 1);
      passed += ran - skipped - bad;
      failed += broken;
      continue;
    }
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  }
  // Where the time went: the slowest spec files of the run (CI should stay under 20 minutes).
  const files = [];
  for (const name of ["unit.json", "medium.json", "e2e.json"]) {
    const path = `${process.argv[1]}/${name}`;
    if (!fs.existsSync(path)) continue;
    for (const result of JSON.parse(fs.readFileSync(path, "utf8")).testResults ?? []) {
      files.push({ seconds: (result.endTime - result.startTime) / 1000, file: require("node:path").relative(process.cwd(), result.name) });
    }
  }
  files.sort((a, b) => b.seconds - a.seconds);
  if (files.length) console.log(`slowest spec files: ${files.slice(0, 8).map((f) => `${f.file} ${f.seconds.toFixed(0)} s`).join(", ")}`);
  console.log(`Tests: ${passed} passed, ${failed} failed`);
' "$report_dir"
exit "$status"
