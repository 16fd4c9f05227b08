"""Reading configuration from the environment, one way for every setting."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Long enough for a busy Redis, short enough that a dead host costs one page a
# moment, not a worker its whole timeout (comptoir/resilience.py tries again later).
REDIS_CONNECT_SECONDS = 2


def redis_settings(
    url: str, *, cache_prefix: str, channels_prefix: str, retry_seconds: float = 5
) -> tuple[dict, dict]:
    """CACHES and CHANNEL_LAYERS on the Redis at `url`, both carrying on without it
    when it stops answering (comptoir/resilience.py)."""
    caches = {
        "default": {
            "BACKEND": "comptoir.resilience.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": cache_prefix,
            "OPTIONS": {
                "RETRY_SECONDS": retry_seconds,
                "socket_connect_timeout": REDIS_CONNECT_SECONDS,
                "socket_timeout": REDIS_CONNECT_SECONDS,
            },
        }
    }
    channel_layers = {
        "default": {
            "BACKEND": "comptoir.resilience.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {"address": url, "socket_connect_timeout": REDIS_CONNECT_SECONDS}
                ],
                "prefix": channels_prefix,
                # The default pool of 100 fails when many sockets connect at once.
                "capacity": 1500,
                "expiry": 30,
                "retry_seconds": retry_seconds,
            },
        }
    }
    return caches, channel_layers
