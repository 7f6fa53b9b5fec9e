"""A generated workflow as one Model Context Protocol tool, served over stdio
(``python -m my_wf --mcp``), with the official SDK (``pip install 'ivk-codegen[mcp]'``).

The tool's arguments are the class's attributes, validated as ``from_dict`` validates them (a
bad value is an error result naming the attribute); a call runs the workflow on the configured
InvokeAI server and returns its images. An image or video input is the name of a file on the
InvokeAI server, an image sent inline as ``{"png_base64": ...}``, or ``{"path": ...}``: a file on
the machine this tool server runs on, uploaded when the workflow runs. The SDK is imported when
serving starts, not with this module.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext
    from mcp_types import (
        CallToolRequestParams,
        CallToolResult,
        ListToolsResult,
        PaginatedRequestParams,
    )

    from ..client.async_client import AsyncInvokeAIClient
    from ..client.generated import GeneratedWorkflow
    from ..client.results import RunResult
    from ..events.waiter import ProgressEvent

__all__ = ["serve_stdio"]

_log = logging.getLogger(__name__)
_INSTALL = "pip install 'ivk-codegen[mcp]'"


def serve_stdio(
    cls: type[GeneratedWorkflow], *, url: str, token: str | None, timeout: float | None = None
) -> None:
    """Serve ``cls`` as an MCP tool on stdin/stdout until stdin closes. Runs go to the InvokeAI
    server at ``url`` (``token``: a multi-user server's; None reads $INVOKEAI_TOKEN), each given
    ``timeout`` seconds (None: the client's default wait). Blocks."""
    try:
        import anyio
        from mcp.server.lowlevel import Server
        from mcp.server.stdio import stdio_server
    except ImportError as exc:  # an optional extra: only MCP users need the SDK
        raise ImportError(f"serving a workflow over MCP needs the MCP SDK: {_INSTALL}") from exc

    tool = _WorkflowTool(cls, url=url, token=token, timeout=timeout)
    server: Server[Any] = Server(
        tool.name,
        version=_version(),
        description=tool.description,
        on_list_tools=tool.list_tools,
        on_call_tool=tool.call_tool,
    )

    async def main() -> None:
        try:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, server.create_initialization_options())
        finally:
            await tool.aclose()

    anyio.run(main)


class _WorkflowTool:
    """The tool's handlers, and the one client its calls share (connected on the first)."""

    def __init__(
        self, cls: type[GeneratedWorkflow], *, url: str, token: str | None, timeout: float | None
    ) -> None:
        from .mcp_schema import tool_description, tool_name

        self.cls = cls
        self.name = tool_name(cls)
        self.description = tool_description(cls)
        self._url, self._token, self._timeout = url.rstrip("/"), token, timeout
        self._client: AsyncInvokeAIClient | None = None
        self._last: dict[str, str] | None = None  # the workflow's last nodes, found once

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        import mcp_types as types

        from .mcp_schema import tool_input_schema

        tool = types.Tool(
            name=self.name,
            title=self.description.split("\n", 1)[0],  # the workflow's name
            description=self.description,
            input_schema=tool_input_schema(self.cls),
            # a run adds images to the server and takes nothing away; each makes new ones
            annotations=types.ToolAnnotations(
                read_only_hint=False,
                destructive_hint=False,
                idempotent_hint=False,
                open_world_hint=False,
            ),
        )
        return types.ListToolsResult(tools=[tool])

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult:
        from pydantic import ValidationError

        from ..errors import IvkError
        from ..urls import public_url
        from .mcp_content import error_result, invalid_arguments, run_content

        if params.name != self.name:  # a protocol error, as MCP says of an unknown tool
            from mcp.shared.exceptions import MCPError
            from mcp_types import INVALID_PARAMS

            raise MCPError(
                INVALID_PARAMS, f"no tool {params.name!r} here: this server has {self.name!r}"
            )
        try:
            values = self.cls.from_dict(dict(params.arguments or {}))
        except ValidationError as exc:
            return invalid_arguments(self.name, exc)
        try:
            client = self._connect()
            results = await self._run(ctx, values, client)
            shown = public_url(self._url)  # the links name no user:password@
            return await run_content(self.name, results, shown, self._last_nodes())
        except IvkError as exc:  # InvokeAI's word (RunFailed...), or why it could not be asked
            return error_result(f"{self.name} failed: {exc}")
        except OSError as exc:  # a local input file that cannot be read
            return error_result(f"{self.name} failed: {exc}")
        except Exception as exc:  # the tool server keeps serving; the caller hears why
            _log.exception("%s: a call failed unexpectedly", self.name)
            return error_result(f"{self.name} failed: {type(exc).__name__}: {exc}")

    async def _run(
        self, ctx: ServerRequestContext[Any], values: GeneratedWorkflow, client: AsyncInvokeAIClient
    ) -> list[RunResult]:
        # run_many: a workflow with batch nodes makes several queue items, each a result
        if _progress_token(ctx.params) is None:
            return await self.cls.arun_many(client, [values], timeout=self._timeout)
        # The client calls back synchronously; the notifications go out in order from a task
        # beside the run, all sent before the result (the SDK drops them after it).
        import anyio

        from .mcp_progress import ProgressCount

        count = ProgressCount()
        send, receive = anyio.create_memory_object_stream[Any](math.inf)

        def on_event(event: ProgressEvent) -> None:
            step = count.step(event)
            if step is not None:
                send.send_nowait(step)

        async def notify() -> None:
            async with receive:
                async for step in receive:
                    try:
                        await ctx.session.report_progress(step.progress, None, step.message)
                    except Exception:  # the run goes on: its result matters more
                        _log.warning(
                            "%s: a progress notification was not sent", self.name, exc_info=True
                        )

        failed: BaseException | None = None
        async with anyio.create_task_group() as group:
            group.start_soon(notify)
            with send:
                try:
                    results = await self.cls.arun_many(
                        client, [values], timeout=self._timeout, progress=on_event
                    )
                except Exception as exc:  # raised below, not wrapped in the group's ExceptionGroup
                    failed = exc
        if failed is not None:
            raise failed
        return results

    def _last_nodes(self) -> dict[str, str]:
        if self._last is None:
            from .mcp_content import last_nodes

            self._last = last_nodes(self.cls.workflow().data)
        return self._last

    def _connect(self) -> AsyncInvokeAIClient:
        if self._client is None:
            from ..client.async_client import AsyncInvokeAIClient

            self._client = AsyncInvokeAIClient(self._url, token=self._token)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()


def _progress_token(params: Any) -> Any:
    """The caller's ``_meta.progressToken``: progress is sent only to a caller that asks."""
    meta = params.get("_meta") if isinstance(params, Mapping) else None
    return meta.get("progressToken") if isinstance(meta, Mapping) else None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ivk-codegen")
    except PackageNotFoundError:
        return ""
