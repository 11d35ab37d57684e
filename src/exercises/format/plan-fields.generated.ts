// Generated from sandbox/harness/memgrade_harness/plan_fields.json by scripts/plan-fields.mjs (npm run plan-fields): do not edit.
export const PLAN_FIELDS = {
  "patterns": {
    "module": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
    "file": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$",
    "check_id": "^[A-Za-z0-9_.-]{1,100}$"
  },
  "enums": {
    "workload_kind": [
      "calls",
      "build",
      "custom"
    ],
    "gc": [
      "on",
      "off"
    ],
    "allow": [
      "frames",
      "gc.get_objects",
      "gc.get_referents",
      "gc.get_referrers",
      "sys._getframe",
      "sys.setprofile",
      "sys.settrace"
    ]
  },
  "student_files_default": [
    "solution.py"
  ],
  "strings": {
    "test.name": {
      "max_length": 200
    },
    "test.id": {
      "max_length": 300
    }
  },
  "numbers": {
    "defaults.time_limit_s": {
      "min": 0.1,
      "max": 600,
      "default": 10
    },
    "defaults.memory_mib": {
      "min": 16,
      "max": 16384,
      "default": 256,
      "integer": true
    },
    "defaults.startup_limit_s": {
      "min": 1,
      "max": 120,
      "default": 30
    },
    "plan.output_limit_bytes": {
      "min": 0,
      "max": 4194304,
      "default": 65536,
      "integer": true
    },
    "test.points": {
      "min": 0,
      "max": 1000,
      "default": 1
    },
    "test.time_limit_s": {
      "min": 0.1,
      "max": 600
    },
    "test.memory_mib": {
      "min": 16,
      "max": 16384,
      "integer": true
    },
    "amplified.max_growth_mib": {
      "min": 0.1,
      "max": 65536,
      "default": 20
    },
    "amplified.min_growth_mib": {
      "min": 0,
      "max": 65536
    },
    "amplified.time_limit_s": {
      "min": 1,
      "max": 600,
      "default": 60
    },
    "amplified.memory_mib": {
      "min": 32,
      "max": 16384,
      "default": 256,
      "integer": true
    },
    "workload.calls": {
      "min": 1,
      "max": 10000000,
      "default": 20000,
      "integer": true
    },
    "workload.warmup": {
      "min": 0,
      "max": 1000000,
      "default": 10,
      "integer": true
    },
    "workload.arg_bytes": {
      "min": 0,
      "max": 1048576,
      "default": 4096,
      "integer": true
    }
  }
} as const;
