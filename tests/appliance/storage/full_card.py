"""A storage card that can be made full: its `write` stands in for os.write and answers ENOSPC
while `full` is set (handed to the Journal as its writer)."""
import errno
import os


class FullCard:
    """os.write with a switch: full=True answers ENOSPC, like a full SD card."""

    def __init__(self):
        self.full = False

    def write(self, fd, data):
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(fd, data)
