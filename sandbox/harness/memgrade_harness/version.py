"""Version of the in-container grading harness (reported in every result)."""

HARNESS_VERSION = "1.0.0"
RESULT_FORMAT = "memgrade-result/1"
