"""Turning exceptions into short messages that point at the student's own files.

Harness and instructor frames are never shown to the student: tracebacks are filtered to
frames whose file is one of the student's files.
"""

import os
import traceback


class MemgradeFailure(AssertionError):
    """Raised by the assertion library: a failed check with student feedback."""

    def __init__(self, message, detail=None, measurements=None):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.measurements = measurements or {}


class StudentError(Exception):
    """The student's module could not be imported (syntax error, import-time exception)."""

    def __init__(self, message, detail=None, kind="import"):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.kind = kind


class HarnessUsageError(Exception):
    """The instructor's test uses the library wrongly (a grader bug, not the student's)."""


_student_paths = {}   # absolute path -> display name ("solution.py")


def set_student_files(mapping):
    _student_paths.clear()
    for path, name in mapping.items():
        _student_paths[os.path.realpath(path)] = name


def student_name(filename):
    if not filename:
        return None
    name = _student_paths.get(filename)
    if name is None:
        try:
            name = _student_paths.get(os.path.realpath(filename))
        except (OSError, ValueError):
            name = None
    return name


def _source_line(filename, lineno):
    try:
        with open(filename, "r", encoding="utf-8", errors="replace") as f:
            for i, line in enumerate(f, 1):
                if i == lineno:
                    return line.rstrip("\n")
    except OSError:
        pass
    return None


def _exc_text(exc):
    name = type(exc).__name__
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "…"
    return "%s: %s" % (name, text) if text else name


def format_syntax_error(exc, filename=None):
    """'solution.py, line 3: SyntaxError: invalid syntax' + the offending line and a caret."""
    fname = student_name(exc.filename) or os.path.basename(exc.filename or filename or "?")
    lineno = exc.lineno or 0
    head = "%s, line %d: %s: %s" % (fname, lineno, type(exc).__name__, exc.msg)
    text = exc.text
    if text is None and exc.filename:
        text = _source_line(exc.filename, lineno)
    lines = [head]
    if text:
        text = text.rstrip("\n")
        stripped = text.lstrip()
        lines.append("    " + stripped)
        if exc.offset and exc.offset > 0:
            col = max(0, exc.offset - 1 - (len(text) - len(stripped)))
            end = getattr(exc, "end_offset", None)
            width = 1
            if end and exc.end_lineno == exc.lineno and end > exc.offset:
                width = end - exc.offset
            lines.append("    " + " " * min(col, len(stripped)) + "^" * max(1, min(width, 80)))
    return "\n".join(lines)


def student_frames(tb):
    """Frames of *tb* that are in the student's files: list of (name, lineno, func, line)."""
    out = []
    for fs in traceback.extract_tb(tb):
        name = student_name(fs.filename)
        if name is not None:
            out.append((name, fs.lineno, fs.name, (fs.line or "").strip()))
    return out


def format_student_exception(exc, phase=None):
    """(message, detail) for an exception raised in student code, or None if no student frame.

    message: 'solution.py, line 12, in lookup: KeyError: 'x''; detail: the student-only
    traceback."""
    if isinstance(exc, SyntaxError) and student_name(exc.filename):
        return format_syntax_error(exc), None
    frames = student_frames(exc.__traceback__)
    if not frames:
        return None
    name, lineno, func, line = frames[-1]
    where = "%s, line %d" % (name, lineno)
    if func != "<module>":
        where += ", in %s" % func
    msg = "%s: %s" % (where, _exc_text(exc))
    if phase == "import":
        msg = "%s (while importing %s)" % (msg, frames[0][0])
    if line:
        msg += "\n    " + line
    tb_lines = ["Traceback (your code only):"]
    for n, ln, fn, src in frames:
        tb_lines.append('  File "%s", line %d, in %s' % (n, ln, fn))
        if src:
            tb_lines.append("    " + src)
    tb_lines.append(_exc_text(exc))
    return msg, "\n".join(tb_lines)


def full_traceback(exc):
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:]
