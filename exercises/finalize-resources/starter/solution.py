"""A workspace with a temporary directory.  close() works (once); forget to call it and the
directory stays for ever.  See statement.md."""
import os
import shutil
import tempfile


class Workspace:
    def __init__(self, buffer_size=0):
        self.path = tempfile.mkdtemp(prefix="workspace-")
        self.buffer = bytearray(buffer_size)
        self.closed = False

    def write(self, name, data):
        with open(os.path.join(self.path, name), "wb") as f:
            f.write(data)

    def close(self):
        shutil.rmtree(self.path)
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
