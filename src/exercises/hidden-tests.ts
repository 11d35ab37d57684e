/**
 * How a student sees a hidden test: by its place among the exercise's hidden tests (1-based, in run
 * order), never by its name. Used by the exercise's test list and by every submission view.
 */
export const hiddenTestName = (n: number) => `Hidden test ${n}`;
