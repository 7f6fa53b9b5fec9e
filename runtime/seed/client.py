"""``InvokeAIClient`` as the seed made it (``InvokeAIClient(host, port)``, ``from_url``, the
``*_repo`` properties), and the core's ``InvokeAIClient`` at once: one client, two faces.

Every request goes through the core's connection (its retries, its typed errors); the
repositories are made on first use, each taking this client.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx

from ..api.call import Call, check_status
from ..client.sync_client import InvokeAIClient as CoreClient
from ..errors import HTTPStatusError, NotFound, RequestTimeout, ServerUnreachable
from .models import IvkDnnModel

if TYPE_CHECKING:
    from .workflow.workflow_handle import WorkflowHandle
    from .workflow.workflow_model import WorkflowDefinition

__all__ = ["InvokeAIClient", "RequestFailed", "Session"]

# What ``_make_request`` and ``session.*`` take of requests' keywords.
_REQUEST_KWARGS = frozenset({"params", "json", "data", "files", "headers", "timeout"})

# Keyword arguments that are the core client's own (the seed kept unknown ones in extra_config).
_CORE_KWARGS = ("token", "http_client", "transport", "queue_id", "events")


class RequestFailed(HTTPStatusError):
    """An error answer to ``_make_request``; ``response`` is the httpx response (the seed gave
    a requests one: ``.status_code``, ``.json()`` and ``.text`` are alike)."""

    def __init__(self, error: HTTPStatusError, response: httpx.Response) -> None:
        super().__init__(error.method, error.url, error.status, error.body)
        self.response = response


class InvokeAIClient(CoreClient):
    """A client for one InvokeAI server: ``InvokeAIClient("localhost", 9090)``, keywords
    ``host=``, ``port=``, ``api_key=``, ``base_path=``, ``use_https=``, ``timeout=``, or a URL
    (``InvokeAIClient("http://host:9090")``, ``from_url``). ``base_url`` is the API's URL
    (``http://host:9090/api/v1``) as the seed had it; ``server_url`` the server's."""

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = 9090,
        api_key: str | None = None,
        timeout: float = 30.0,
        base_path: str = "/api/v1",
        use_https: bool = False,
        verify_ssl: bool = True,
        max_retries: int = 3,
        **kwargs: Any,
    ) -> None:
        if "://" in host:  # the core's way: the server's URL first
            parsed = urllib.parse.urlsplit(host)
            use_https = parsed.scheme == "https"
            host, port = parsed.hostname or "localhost", parsed.port
            base_path = _api_path(parsed.path) or base_path
        self.host = host
        self.port = port if port is not None else (443 if use_https else 80)
        self.api_key = api_key
        self.base_path = base_path.rstrip("/")
        self.use_https = use_https
        self.verify_ssl = verify_ssl
        self.max_retries = max_retries  # the core's retry policy applies (reads only)
        core = {k: kwargs.pop(k) for k in _CORE_KWARGS if k in kwargs}
        self.extra_config = kwargs
        self._own_http: httpx.Client | None = None
        if not verify_ssl and "http_client" not in core and "transport" not in core:
            self._own_http = core["http_client"] = httpx.Client(verify=False, timeout=timeout)
        server = f"{'https' if use_https else 'http'}://{_netloc(self.host)}:{self.port}"
        super().__init__(server, token=core.pop("token", api_key), timeout=timeout, **core)
        self.server_url = server
        self.base_url = server + self.base_path
        self._board_repo: Any = None
        self._workflow_repo: Any = None
        self._dnn_model_repo: Any = None
        self._queue_repo: Any = None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> InvokeAIClient:
        """A client for ``url``: "http://localhost:9090", or the API's URL with its
        ``/api/v1`` (as the seed's examples give it); no port means the scheme's."""
        parsed = urllib.parse.urlsplit(url if "://" in url else f"http://{url}")
        use_https = parsed.scheme == "https"
        port = parsed.port if parsed.port is not None else (443 if use_https else 80)
        base_path = _api_path(parsed.path) or "/api/v1"
        host = parsed.hostname or "localhost"
        return cls(host=host, port=port, use_https=use_https, base_path=base_path, **kwargs)

    # --- the repositories, made on first use (each module loads only then) ---

    @property
    def board_repo(self) -> Any:
        if self._board_repo is None:
            from .board import BoardRepository

            self._board_repo = BoardRepository(self)
        return self._board_repo

    @property
    def workflow_repo(self) -> Any:
        if self._workflow_repo is None:
            from .workflow import WorkflowRepository

            self._workflow_repo = WorkflowRepository(self)
        return self._workflow_repo

    @property
    def dnn_model_repo(self) -> Any:
        if self._dnn_model_repo is None:
            from .dnn_model import DnnModelRepository

            self._dnn_model_repo = DnnModelRepository(self)
        return self._dnn_model_repo

    @property
    def queue_repo(self) -> Any:
        if self._queue_repo is None:
            from .queue import QueueRepository

            self._queue_repo = QueueRepository(self)
        return self._queue_repo

    def create_workflow(self, definition: WorkflowDefinition) -> WorkflowHandle:
        handle: WorkflowHandle = self.workflow_repo.create_workflow(definition)
        return handle

    # --- jobs and models, through the repositories ---

    def list_jobs(self, status: str | None = None, limit: int = 100) -> list[Any]:
        """The default queue's items as ``IvkJob`` (``queue_repo.list_jobs``)."""
        jobs: list[Any] = self.queue_repo.list_jobs(status, limit)
        return jobs

    def get_job(self, job_id: str) -> Any:
        """One queue item as an ``IvkJob``; ValueError when the queue has no such item."""
        return self.queue_repo.get_job(job_id)

    def cancel_job(self, job_id: str) -> bool:
        """Cancel a queue item; ValueError when it cannot be (missing, or finished)."""
        return bool(self.queue_repo.cancel_job(job_id))

    # 1.1.1's name and answer replace the core's dict listing (the core's stays at client.models)
    def list_models(self, base_model: str | None = None) -> list[IvkDnnModel]:  # type: ignore[override]
        """The installed models as ``IvkDnnModel``s (what 1.1.1 promised and never did), of
        base ``base_model`` (``"sdxl"`` or a ``BaseModelEnum``) if given."""
        models = [IvkDnnModel.from_api_response(m.data()) for m in self.models.list()]
        if base_model is None:
            return models
        wanted = str(getattr(base_model, "value", base_model))
        return [m for m in models if m.base.value == wanted]

    def get_model_info(self, model_key: str) -> IvkDnnModel:
        """The model with key ``model_key``; ValueError when the server has none."""
        try:
            info = self.models.get(model_key)
        except NotFound as exc:
            raise ValueError(f"Model not found: {model_key}") from exc
        return IvkDnnModel.from_api_response(info.data())

    # --- the server ---

    def health_check(self) -> bool:
        """Whether the server answers (its version); False only when it cannot be reached or
        does not answer in time. A refused key (AuthError) or an answer that is not the
        server's (HTTPStatusError: a proxy's page, an error status) raises: "unreachable"
        would send the caller looking in the wrong place."""
        try:
            self.version()
        except (ServerUnreachable, RequestTimeout):
            return False
        return True

    def _make_request(self, method: str, endpoint: str, **kwargs: Any) -> httpx.Response:
        """One request to ``base_path + endpoint`` through the core's connection; keywords
        ``params``, ``json``, ``data``, ``files``, ``headers``, ``timeout`` as requests takes
        them (TypeError for any other). An error status raises ``RequestFailed`` (an
        HTTPStatusError with ``.response``)."""
        return self._request(method, self.base_path + endpoint, **kwargs)

    def _make_request_v2(self, method: str, endpoint: str, **kwargs: Any) -> httpx.Response:
        if not endpoint.startswith("/"):
            raise ValueError("v2 endpoint must start with '/' (e.g., '/models/install')")
        return self._request(method, "/api/v2" + endpoint, **kwargs)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        unknown = sorted(set(kwargs) - _REQUEST_KWARGS)
        if unknown:  # dropping one would send another request than the caller's (200, wrongly)
            raise TypeError(
                f"{method.upper()} {path}: unsupported keyword(s) {', '.join(unknown)}; "
                f"supported: {', '.join(sorted(_REQUEST_KWARGS))}"
            )
        form, content = _body(kwargs.get("data"))
        headers = kwargs.get("headers")
        call = Call(
            method.upper(),
            path,
            params=kwargs.get("params"),
            json_body=kwargs.get("json"),
            files=kwargs.get("files"),
            form=form,
            content=content,
            headers={str(k): str(v) for k, v in headers.items()} if headers else None,
            idempotent=method.upper() == "GET",
            timeout=kwargs.get("timeout"),
        )
        response = self._conn.send(call)
        try:
            check_status(call, str(response.url), response.status_code, response.text,
                         token_sent=self._conn.token_sent)  # fmt: skip
        except HTTPStatusError as exc:
            raise RequestFailed(exc, response) from exc
        return response

    @property
    def session(self) -> Session:
        """Requests by absolute URL (``client.session.get(f"{client.base_url}/queue/...")``),
        as the seed's requests session took them, sent through the core's connection."""
        return Session(self)

    async def disconnect_socketio(self) -> None:
        """Nothing to do: the client's event stream closes with the client."""

    async def connect_socketio(self) -> Any:
        raise NotImplementedError(
            "no socket.io client of its own: pass on_invocation_* callbacks to "
            "'await handle.submit(...)', or iterate 'handle.submit_sync_monitor_async()'"
        )

    @contextlib.asynccontextmanager
    async def socketio_session(self) -> AsyncIterator[Any]:
        """As ``connect_socketio``: refused, with the ways to get a run's events instead."""
        yield await self.connect_socketio()

    def close(self) -> None:
        super().close()
        if self._own_http is not None:
            self._own_http.close()

    def __enter__(self) -> InvokeAIClient:
        return self

    def __repr__(self) -> str:
        return f"InvokeAIClient(base_url={self.base_url!r})"


class Session:
    """The part of a requests session the seed's users call: ``get``, ``post``, ``put``,
    ``patch``, ``delete``, ``request``; answers are httpx responses (``raise_for_status()``,
    ``json()``, ``status_code``), errors are not raised until asked."""

    def __init__(self, client: InvokeAIClient) -> None:
        self._client = client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        root = self._client.server_url
        if not (url == root or url.startswith(root + "/")):
            raise ValueError(f"{url} is not on this client's server ({root})")
        try:
            return self._client._request(method, url[len(root):] or "/", **kwargs)
        except RequestFailed as failed:
            return failed.response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


def _api_path(path: str) -> str:
    """The API's base path of a URL's path ("/api/v1"); "" for the server's root."""
    path = path.rstrip("/")
    return path if path else ""


def _netloc(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _body(data: Any) -> tuple[dict[str, Any] | None, bytes | None]:
    """requests' ``data=``: a mapping or pairs are a form, str or bytes the raw body."""
    if data is None:
        return None, None
    if isinstance(data, str):
        return None, data.encode()
    if isinstance(data, (bytes, bytearray)):
        return None, bytes(data)
    pairs = data.items() if hasattr(data, "items") else data
    form: dict[str, Any] = {}
    for key, value in pairs:
        if key in form:  # a repeated field: httpx sends a list's items as repeats
            old = form[key]
            form[key] = [*(old if isinstance(old, list) else [old]), value]
        else:
            form[key] = value
    return form, None
