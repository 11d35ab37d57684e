/**
 * What must not change between two gradings of one submission: the verdict, and every test's
 * name, score and pass (messages may differ: they quote measured figures). Compared by the
 * catalog spec (validation's grading against one over the API) and the determinism spec.
 */
export function repeatableOutcome(verdict: string, tests: readonly { name: string; score: number; passed: boolean }[]) {
  return { verdict, tests: tests.map((t) => [t.name, t.score, t.passed]) };
}
