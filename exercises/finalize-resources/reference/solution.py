"""A workspace that owns a temporary directory and removes it — on close(), when the object is
freed, when the collector frees it in a cycle, or at interpreter exit — exactly once."""
import os
import shutil
import tempfile
import weakref


class Workspace:
    def __init__(self, buffer_size=0):
        self.path = tempfile.mkdtemp(prefix="workspace-")
        self.buffer = bytearray(buffer_size)
        # The callback and its arguments must not refer to self: shutil.rmtree and the path only.
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def write(self, name, data):
        with open(os.path.join(self.path, name), "wb") as f:
            f.write(data)

    def close(self):
        self._finalizer()              # runs the cleanup once; later calls do nothing

    @property
    def closed(self):
        return not self._finalizer.alive

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
