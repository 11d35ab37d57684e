"""What a run found for the instructor: flags (a construct or an event worth a look, with a
severity) and warnings (the exercise or the grader itself needs attention).

Everything read here comes from processes that ran student code: untrusted, so only plain values
of the expected types are kept, each capped.
"""

MAX_FLAGS = 200


class Findings:
    def __init__(self):
        self.flags = []
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def add_scan_flags(self, flags):
        """The static scan's flags of one student file (at most 100, dicts only)."""
        for f in flags[:100] if isinstance(flags, list) else []:
            if isinstance(f, dict):
                self.flags.append(f)

    def channel(self, label, outcome):
        """A high flag when the process's message channel was garbled; True if it was."""
        if not outcome.channel_error:
            return False
        self.flags.append({"kind": "channel", "severity": "high", "code": "message-channel-garbled",
                           "where": label, "message": "the process sent data the harness did not write (%s)"
                                                      % outcome.channel_error})
        return True

    def runtime(self, label, msg):
        """What the process reported of the student's code: replaced attributes, refused tools."""
        changed = msg.get("changed") if isinstance(msg.get("changed"), list) else []
        if changed:
            names = ", ".join(str(c) for c in sorted(map(str, changed))[:20])
            self.flags.append({"kind": "runtime", "severity": "high", "code": "monkeypatch", "where": label,
                               "message": "student code replaced %s" % names})
        blocked = msg.get("blocked") if isinstance(msg.get("blocked"), list) else []
        for b in blocked[:10]:
            if not isinstance(b, dict):
                continue
            self.flags.append({"kind": "blocked", "severity": "high", "code": "blocked-" + str(b.get("what", "?"))[:40],
                               "file": str(b.get("file", "?"))[:200],
                               "line": b.get("line") if type(b.get("line")) is int else 0,
                               "where": label, "message": str(b.get("message", ""))[:300]})

    def contradiction(self, where, check_id, why, disagreed):
        self.flags.append({"kind": "contradiction", "severity": "medium" if not disagreed else "high",
                           "code": "out-of-process-contradiction", "where": where,
                           "message": "in-process verdict was pass; out-of-process check %s: %s" % (check_id, why)})

    def evidence_disagreed(self, where, message):
        self.flags.append({"kind": "evidence", "severity": "medium", "code": "evidence-disagreed",
                           "where": where, "message": message[:300]})

    def unique_flags(self):
        """One flag per construct: the same blocked call in every test's process is one finding."""
        seen, out = set(), []
        for f in self.flags:
            key = (f.get("kind"), f.get("code"), f.get("file"), f.get("line"),
                   f.get("message") if not f.get("file") else None)
            if key in seen:
                continue
            seen.add(key)
            out.append(f)
        return out[:MAX_FLAGS]
