"""E-mail in development: printed to the console and kept, one file per message.

`make run` (settings/dev.py) sends nothing: a sign-up's verification link, a
password reset or a notification is printed where Daphne logs, and saved as
`EMAIL_FILE_PATH/<time>-<subject>.eml` (./sent_emails/ by default), which any
mail program opens, to click its links. Django's own file backend writes every
message of a connection into one `.log` file instead.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.utils import timezone
from django.utils.text import slugify

logger = logging.getLogger(__name__)

SUBJECT_IN_NAME = 40


class ConsoleAndFileEmailBackend(ConsoleEmailBackend):
    """The console backend, each message also saved as its own `.eml` file."""

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH).resolve()

    def write_message(self, message):
        super().write_message(message)
        self.message_save(message)

    def message_save(self, message) -> Path | None:
        """Write `message` to a file of its own; None if the folder is not writable
        (the message was printed all the same: a sign-up must not fail for it)."""
        now = timezone.localtime()
        subject = slugify(message.subject)[:SUBJECT_IN_NAME] or "message"
        # Two messages in one microsecond (a batch) still get names of their own.
        name = f"{now:%Y%m%d-%H%M%S-%f}-{subject}-{uuid.uuid4().hex[:6]}.eml"
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
            path = self.file_path / name
            path.write_bytes(message.message().as_bytes(linesep="\n"))
        except OSError as error:
            logger.warning("E-mail not saved to %s: %s", self.file_path, error)
            return None
        return path
