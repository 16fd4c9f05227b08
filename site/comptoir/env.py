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
# channels-redis waits for messages with a BZPOPMIN of 5 s (RedisChannelLayer.
# brpop_timeout): a read timeout at or under that kills the waiting consumer
# (redis-py 8's default is 5 s, "Timeout reading from ...", close 1011). Above it,
# a Redis that stops answering mid-wait is still noticed within seconds.
CHANNEL_LAYER_READ_SECONDS = 15
# The channel layer's connections per process: every connect and disconnect runs
# a command on its own connection, so 1,000 sockets arriving at once need more than
# redis-py's 100. A full pool makes the next command wait, not fail.
CHANNEL_LAYER_MAX_CONNECTIONS = 300
CACHE_MAX_CONNECTIONS = 50
# How long a command waits for a pooled connection before Redis is called down.
POOL_WAIT_SECONDS = 10
# A socket's group membership lasts this long unless renewed: its consumer renews
# it while the socket is open (comptoir.routing.LiveGroupsMixin), so a member that
# died without leaving (a killed process) is gone within the hour, not a day.
GROUP_EXPIRY_SECONDS = 3600


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
                # Django keeps a pool per thread; waiting rather than failing
                # covers the threads Daphne runs sync views on.
                "pool_class": "redis.BlockingConnectionPool",
                "max_connections": CACHE_MAX_CONNECTIONS,
                "timeout": POOL_WAIT_SECONDS,
            },
        }
    }
    channel_layers = {
        "default": {
            "BACKEND": "comptoir.resilience.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": url,
                        "socket_connect_timeout": REDIS_CONNECT_SECONDS,
                        "socket_timeout": CHANNEL_LAYER_READ_SECONDS,
                        "socket_keepalive": True,
                        "max_connections": CHANNEL_LAYER_MAX_CONNECTIONS,
                        # Read by ResilientRedisChannelLayer.create_pool.
                        "pool_wait_seconds": POOL_WAIT_SECONDS,
                    }
                ],
                "prefix": channels_prefix,
                # Messages waiting on one channel (one socket) before the oldest
                # are dropped: a page that stopped reading, not the pool size.
                "capacity": 1500,
                "expiry": 30,
                "group_expiry": GROUP_EXPIRY_SECONDS,
                "retry_seconds": retry_seconds,
            },
        }
    }
    return caches, channel_layers
