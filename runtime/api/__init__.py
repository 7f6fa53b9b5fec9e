"""InvokeAI's REST API, one module an area (``app``, ``boards``, ``images``, ``models``,
``queue``): each request as a ``Call`` and each answer read, with no I/O. ``call`` says how
any call is sent and retried; ``connection_async`` (and its generated twin ``connection_sync``)
sends them through the client's httpx client."""
