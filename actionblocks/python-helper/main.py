"""Word counts as a result, through sidetui's helper for Python blocks (standard library only)."""

import asyncio
from collections import Counter

from sidetui.block import on_invocation


@on_invocation
async def main(params, context):
    words = params["text"].lower().split()
    await asyncio.sleep(0)  # handlers may be async (or plain functions)
    print(f"counting {len(words)} words for thread {context['threadId']}")
    if not words:
        raise ValueError("there are no words to count")  # becomes the execution's error
    return {"words": len(words), "top": Counter(words).most_common(params["top"])}
