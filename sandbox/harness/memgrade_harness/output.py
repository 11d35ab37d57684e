"""The student's stdout and stderr, kept per process (a section each, ``hidden`` when it ran a
hidden test, so the platform shows students only their visible tests' output)."""


def _text(b):
    return b.decode("utf-8", errors="replace")


class StudentOutput:
    def __init__(self):
        self.sections = []
        self.bytes = {"stdout": 0, "stderr": 0}
        self.truncated = False

    def collect(self, label, outcome, hidden=False):
        """The kept output of one process (an Outcome), with a note of what was not kept."""
        section = {"label": label, "hidden": bool(hidden)}
        for stream in ("stdout", "stderr"):
            data = getattr(outcome, stream)
            total = getattr(outcome, stream + "_bytes")
            self.bytes[stream] += total
            more = total - len(data)
            if more > 0:
                self.truncated = True
            section[stream] = _text(data) + ("\n[… %d more bytes not kept]" % more if more > 0 else "")
        if section["stdout"] or section["stderr"]:
            self.sections.append(section)

    def document(self, limit):
        """The result document's ``student_output``: both streams joined, and each section, cut at *limit*."""
        streams = {}
        for stream in ("stdout", "stderr"):
            text = "\n".join("── %s ──\n%s" % (s["label"], s[stream]) for s in self.sections if s[stream])
            if len(text) > limit:
                text = text[:limit] + "\n[… cut at %d characters]" % limit
                self.truncated = True
            streams[stream] = text
        return {"stdout": streams["stdout"], "stderr": streams["stderr"],
                "truncated": self.truncated, "bytes": dict(self.bytes),
                "sections": [dict(s, stdout=s["stdout"][:limit], stderr=s["stderr"][:limit])
                             for s in self.sections]}
