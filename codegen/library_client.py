"""Reading a server's workflow library for the generator: every workflow of the listing (all
pages, all categories) and one workflow's JSON, with httpx directly (the generator stands on the
pure layer, not on the runtime's client). Answers are untrusted: size-capped while they arrive,
read with the hardened JSON reader, and checked for shape before anything uses them."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from ivk_runtime.errors import IvkError
from ivk_runtime.workflow.jsoncopy import MAX_DEPTH

from .json_input import BadJson, parse_json
from .library_source import public_url, shown

__all__ = ["LibraryError", "LibraryItem", "LibraryReader", "LibraryWorkflow"]

PER_PAGE = 100
MAX_PAGES = 10_000  # a million workflows: past that a listing is a server's fault, not a library
_ATTEMPTS = 3  # listings of a library that keeps changing under the paging
_MiB = 1 << 20
PAGE_LIMIT = 16 * _MiB  # a page of 100 workflows without their nodes is tens of kilobytes
WORKFLOW_LIMIT = 64 * _MiB  # the largest workflow seen is a few megabytes


class LibraryError(IvkError):
    """The library could not be read: unreachable, refused, or answered what no library says."""


@dataclass(frozen=True)
class LibraryItem:
    """One workflow of the listing."""

    workflow_id: str
    name: str
    category: str
    updated_at: str  # "" when the server gives none


@dataclass(frozen=True)
class LibraryWorkflow:
    workflow_id: str
    name: str
    updated_at: str
    workflow: dict[str, Any]  # the workflow's JSON as the library keeps it


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object) -> str:
    """A timestamp or category as given; "" for none (or for something that is no string)."""
    return value if isinstance(value, str) else ""


class LibraryReader:
    """``with LibraryReader(url, token) as library: library.list_all()``. ``token`` (else
    $INVOKEAI_TOKEN, unless ``ambient_token`` is False: a server the user did not name) for a
    multi-user server; user:password@ in the URL is sent as basic auth and never shown."""

    def __init__(self, server: str, token: str | None = None, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None, ambient_token: bool = True) -> None:  # fmt: skip
        self.server = public_url(server)
        self._base = server.strip().rstrip("/")
        self._ambient = ambient_token
        self._token = token or (os.environ.get("INVOKEAI_TOKEN") if ambient_token else None) or None
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def __enter__(self) -> LibraryReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._client.close()

    def list_all(self) -> tuple[list[LibraryItem], bool]:
        """Every workflow, each once, in the server's order (by name); False when the library
        kept changing while it was paged (a listing may then miss one saved meanwhile).

        No ``categories`` filter: 5.x and 6.x then list every category they hold (user,
        default, and 5.x's project), where naming one 6.x lacks is refused."""
        found: list[LibraryItem] = []
        for _ in range(_ATTEMPTS):
            found, stable = self._pages()
            if stable:
                return found, True
        return found, False

    def _pages(self) -> tuple[list[LibraryItem], bool]:
        """One pass over the pages by offset; False when the total changed between pages."""
        found: dict[str, LibraryItem] = {}
        total: int | None = None
        stable = True
        page = 0
        while True:
            params = {"page": page, "per_page": PER_PAGE, "order_by": "name", "direction": "ASC"}
            answer = self._json(
                "/api/v1/workflows/", params, "a page of the workflow list", PAGE_LIMIT
            )
            items, pages, page_total = self._page(answer, page)
            if total is not None and page_total != total:
                stable = False
            total = page_total
            new = [i for i in items if i.workflow_id not in found]
            if page > 0 and items and not new and stable:
                raise LibraryError(f"{self.server}/api/v1/workflows/ answered page {page} with the "
                                   "workflows of an earlier page: it does not page as a library does")  # fmt: skip
            for item in new:
                found[item.workflow_id] = item
            page += 1
            if page >= pages or not items:
                return list(found.values()), stable

    def _page(self, answer: object, page: int) -> tuple[list[LibraryItem], int, int]:
        where = f"{self.server}/api/v1/workflows/ (page {page})"
        if not isinstance(answer, dict):
            raise LibraryError(f"{where}: not a page of workflows: its JSON is not an object")
        items, pages, total = answer.get("items"), answer.get("pages"), answer.get("total")
        if not isinstance(items, list) or not _is_int(pages) or not _is_int(total):
            raise LibraryError(f"{where}: not a page of workflows: it needs items (an array), "
                               "pages and total (integers)")  # fmt: skip
        assert isinstance(pages, int) and isinstance(total, int)
        if not 0 <= pages <= MAX_PAGES or total < 0:
            raise LibraryError(f"{where}: not a page of workflows: {pages} pages of {total} "
                               f"workflows (at most {MAX_PAGES} pages are read)")  # fmt: skip
        out = []
        for n, item in enumerate(items):
            wid = item.get("workflow_id") if isinstance(item, dict) else None
            name = item.get("name") if isinstance(item, dict) else None
            if (
                not isinstance(item, dict)
                or not isinstance(wid, str)
                or not wid
                or not isinstance(name, str)
            ):
                raise LibraryError(f"{where}: item {n} is not a workflow of the list: it needs "
                                   "workflow_id (a non-empty string) and name (a string)")  # fmt: skip
            out.append(
                LibraryItem(wid, name, _text(item.get("category")), _text(item.get("updated_at")))
            )
        return out, pages, total

    def get(self, workflow_id: str) -> LibraryWorkflow | None:
        """The workflow of that id; None when the library has none."""
        path = f"/api/v1/workflows/i/{urllib.parse.quote(workflow_id, safe='')}"
        answer = self._json(path, {}, "a library workflow", WORKFLOW_LIMIT, missing_ok=True)
        if answer is None:
            return None
        where = f"{self.server}/api/v1/workflows/i/… (id {shown(workflow_id)})"
        workflow = answer.get("workflow") if isinstance(answer, dict) else None
        if not isinstance(answer, dict) or not isinstance(workflow, dict):
            raise LibraryError(f"{where}: not a library workflow: it needs an object with "
                               "workflow (an object)")  # fmt: skip
        if answer.get("workflow_id") != workflow_id:
            raise LibraryError(f"{where}: answered for another workflow_id "
                               f"({shown(str(answer.get('workflow_id')))[:80]})")  # fmt: skip
        name = answer.get("name", workflow.get("name", ""))
        if not isinstance(name, str):
            raise LibraryError(f"{where}: not a library workflow: its name is not a string")
        return LibraryWorkflow(workflow_id, name, _text(answer.get("updated_at")), workflow)

    def _json(self, path: str, params: dict[str, Any], what: str, limit: int,
              missing_ok: bool = False) -> Any:  # fmt: skip
        """The JSON of a GET, read to at most ``limit`` bytes; None for a 404 if ``missing_ok``."""
        shown_url = self.server + path
        try:
            with self._client.stream("GET", self._base + path, params=params) as response:
                if response.status_code == 404 and missing_ok:
                    return None
                if response.status_code >= 400:
                    raise LibraryError(f"cannot read {what} from {shown_url}: it answered "
                                       f"{response.status_code}{self._hint(response.status_code)}")  # fmt: skip
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise self._too_big(what, shown_url, limit)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise self._too_big(what, shown_url, limit)
        except httpx.TimeoutException as exc:
            raise LibraryError(f"cannot read {what} from {shown_url}: no answer in time "
                               f"({type(exc).__name__})") from exc  # fmt: skip
        except httpx.HTTPError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LibraryError(f"cannot reach the server at {self.server}: {reason}") from exc
        try:
            return parse_json(bytes(body), what, max_depth=MAX_DEPTH)
        except BadJson as exc:
            raise LibraryError(f"{shown_url}: {exc}") from exc

    def _hint(self, status: int) -> str:
        if status in (401, 403):
            if not self._token and not self._ambient:
                return " (no token was sent: $INVOKEAI_TOKEN goes only to a server given by --server or the configured server, not to one only a module's header names: pass --token to send one)"
            return " (the token was refused)" if self._token else \
                " (a multi-user server: pass --token or set INVOKEAI_TOKEN)"  # fmt: skip
        if status == 404:
            return " (no workflow library there: is it an InvokeAI server?)"
        return ""

    @staticmethod
    def _too_big(what: str, url: str, limit: int) -> LibraryError:
        return LibraryError(f"{url}: not {what}: the answer is over {limit // _MiB} MiB")
