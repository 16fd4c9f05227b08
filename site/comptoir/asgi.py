"""ASGI entry point: Django for HTTP, Channels for /ws/ websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.dev")
# Django must be set up before anything imports models (the registered routes pull
# in every app's consumers).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from comptoir.metrics import count_open_sockets  # noqa: E402
from comptoir.resilience import ChannelLayerOutageGuard  # noqa: E402
from comptoir.routing import (  # noqa: E402
    RegisteredWebsocketRouter,
    SessionAuthMiddleware,
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            # Channels' AuthMiddlewareStack, for the sockets that send a session.
            SessionAuthMiddleware(
                # While Redis is down a socket is closed "try again later",
                # whatever its consumer, rather than crashing.
                ChannelLayerOutageGuard(RegisteredWebsocketRouter())
            )
        ),
    }
)
# Open sockets as a Prometheus gauge, when METRICS_ENABLED (comptoir/metrics.py).
application = count_open_sockets(application)

from comptoir.process import loaded_code_freeze  # noqa: E402

loaded_code_freeze()
