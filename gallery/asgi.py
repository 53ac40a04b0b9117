"""ASGI entry point (`manage.py serve` runs it with uvicorn): HTTP through Django's WSGI handler in a pool of
threads (gallery/threadedwsgi.py), every request body bounded by its route's limit before it is read
(gallery/bodylimits.py); WebSockets through Channels."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gallery.settings")

wsgi_application = get_wsgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from gallery.bodylimits import BodyLimitGuard  # noqa: E402
from gallery.threadedwsgi import WsgiInThreads  # noqa: E402
from gallery.video.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyLimitGuard(WsgiInThreads(wsgi_application, settings.WEB_THREADS)),
        # signed-in users only (the consumer refuses anonymous ones); Origin must be one of ALLOWED_HOSTS
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
