"""Putting batches on one queue, never one twice: what to do when an enqueue's answer is lost
(ask the queue for the batch; send again only what provably never left), how to find the
items of a server that does not list them (InvokeAI 5), and how to take a failed enqueue back
(cancel its batches, item by item where the server cannot by batch)."""

from __future__ import annotations

from ..api import queue
from ..api.call import Call
from ..api.connection_async import AsyncConnection
from ..concurrency import async_sleep
from ..errors import HTTPStatusError, RequestTimeout, ServerError, ServerUnreachable

__all__ = ["AsyncEnqueuer"]


class AsyncEnqueuer:
    def __init__(self, conn: AsyncConnection, queue_id: str) -> None:
        self._conn = conn
        self.queue_id = queue_id
        self._newest = 0  # the newest item id seen: batches of later enqueues come after it

    async def post(self, call: Call, batch_id: str, locate: queue.Locate) -> queue.Enqueued:
        """Send one enqueue_batch, never twice onto the queue: it is sent again only when it
        provably never left (the connection was refused); any other lost answer is settled by
        asking the queue for the batch for a grace period."""
        resends = 0
        after = self._newest  # any item of this batch is newer (another enqueue may move it)
        while True:
            try:
                response = await self._conn.send(call)
            except (ServerUnreachable, RequestTimeout) as lost:
                never_left = isinstance(lost, ServerUnreachable) and not lost.request_sent
                if never_left and resends < len(queue.RESEND_PAUSES):
                    await async_sleep(queue.RESEND_PAUSES[resends])
                    resends += 1
                    continue
                return self._seen(await self._look_for_batch(batch_id, lost, after))
            url = str(response.url)
            if response.status_code in (502, 503, 504):  # a proxy's answer: it may still land
                gateway = HTTPStatusError(call.method, url, response.status_code, response.text)
                return self._seen(await self._look_for_batch(batch_id, gateway, after))
            answer = queue.enqueue_answer(
                call, url, response.status_code, response.text, locate,
                token_sent=self._conn.token_sent,
            )  # fmt: skip
            if not answer.listed:  # InvokeAI 5: the answer names no items; the queue does
                found = await self._find(batch_id, after)
                answer = queue.Enqueued(batch_id, found.item_ids if found else [], answer.requested)
                queue.check_complete(answer)
            return self._seen(answer)

    def _seen(self, answer: queue.Enqueued) -> queue.Enqueued:
        self._newest = max([self._newest, *answer.item_ids])
        return answer

    async def _find(self, batch_id: str, after: int = 0) -> queue.Enqueued | None:
        return await self._conn.drive(queue.find_batch(self.queue_id, batch_id, after=after))

    async def _look_for_batch(self, batch_id: str, lost: ServerError, after: int) -> queue.Enqueued:
        """The batch of an enqueue whose answer was lost, once the queue shows it; else
        ``lost``, naming the batch."""
        for pause in queue.LOST_ENQUEUE_LOOKS:
            await async_sleep(pause)
            try:
                found = await self._find(batch_id, after)
            except ServerError:
                continue  # still unreachable: look again
            if found is not None:
                return found
        raise lost.on_queue([batch_id], [])

    async def cancel_batches(self, batch_ids: list[str], known: list[int]) -> bool:
        """Cancel what these batches put on the queue; True once the server confirmed it."""
        if not batch_ids:
            return True
        try:
            await self._conn.json(queue.cancel_batches_call(self.queue_id, batch_ids))
            return True
        except ServerError:
            pass
        # (InvokeAI 5 answers 500 here): cancel item by item, the ones known and the ones found
        try:
            for batch_id in batch_ids:
                found = await self._find(batch_id)
                known = [*known, *(found.item_ids if found else [])]
            for item_id in sorted(set(known)):
                await self._conn.json(queue.cancel_call(self.queue_id, item_id))
            return True
        except ServerError:
            return False
