"""Local development: debug on, e-mails printed to the console and saved, one file
each, in EMAIL_FILE_PATH (./sent_emails/)."""

from comptoir.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "comptoir.mail.ConsoleAndFileEmailBackend")
