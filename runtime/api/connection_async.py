"""Sending calls to one server: the client's httpx client, its headers and default timeout, the
retry policy of ``call``, and the bytes read."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar, cast

import httpx

from ..concurrency import async_sleep
from .call import Call, check_status, parse_json, retry_delay, transport_error

__all__ = ["AsyncConnection"]

T = TypeVar("T")


class AsyncConnection:
    def __init__(
        self, base_url: str, http: httpx.AsyncClient, headers: dict[str, str], timeout: float
    ) -> None:
        self.base_url = base_url
        self.http = http
        self.headers = headers
        self.timeout = timeout
        self.bytes_read = 0  # REST answers; the event stream counts its own

    async def send(self, call: Call) -> httpx.Response:
        """The answer to ``call``, repeating it where ``retry_delay`` allows."""
        url = self.base_url + call.path
        attempt = 0
        while True:
            try:
                response = await self.http.request(
                    call.method,
                    url,
                    params=call.params,
                    json=call.json_body,
                    files=call.files,
                    data=call.form,
                    content=call.content,
                    headers={**self.headers, **call.headers} if call.headers else self.headers,
                    timeout=call.timeout if call.timeout is not None else self.timeout,
                )
            except httpx.TransportError as exc:
                timed_out = isinstance(exc, httpx.TimeoutException) and not isinstance(
                    exc, httpx.ConnectTimeout
                )
                delay = retry_delay(call, attempt, None, timed_out=timed_out)
                if delay is None:
                    raise transport_error(call, url, self.base_url, exc) from exc
            else:
                self.bytes_read += len(response.content)
                delay = retry_delay(call, attempt, response.status_code)
                if delay is None or response.is_success:
                    return response
            await async_sleep(delay)
            attempt += 1

    async def json(self, call: Call) -> Any:
        response = await self.send(call)
        return parse_json(
            call, str(response.url), response.status_code, response.text, token_sent=self.token_sent
        )

    async def content(self, call: Call) -> bytes:
        """The answer's bytes (an image, a video), after the same status checks as ``json``."""
        response = await self.send(call)
        if not response.is_success:
            check_status(
                call, str(response.url), response.status_code, response.text,
                token_sent=self.token_sent,
            )  # fmt: skip
        return response.content

    @property
    def token_sent(self) -> bool:
        return "Authorization" in self.headers

    async def drive(self, steps: Generator[Call, Any, T]) -> T:
        """Run sans-I/O steps (see ``queue.find_batch``): send each Call, hand back its JSON."""
        answer: Any = None
        try:
            while True:
                answer = await self.json(steps.send(answer))
        except StopIteration as end:
            return cast(T, end.value)
