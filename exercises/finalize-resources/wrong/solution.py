"""weakref.finalize — with a bound method as the callback.  The finalizer's registry keeps the
bound method, the bound method keeps self: the workspace can never be freed, so its directory is
only removed at interpreter exit."""
import os
import shutil
import tempfile
import weakref


class Workspace:
    def __init__(self, buffer_size=0):
        self.path = tempfile.mkdtemp(prefix="workspace-")
        self.buffer = bytearray(buffer_size)
        self._finalizer = weakref.finalize(self, self._cleanup)

    def _cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def write(self, name, data):
        with open(os.path.join(self.path, name), "wb") as f:
            f.write(data)

    def close(self):
        self._finalizer()

    @property
    def closed(self):
        return not self._finalizer.alive

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
