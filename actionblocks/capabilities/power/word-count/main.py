"""A power run by the builtin executor: `execute(params)` returns the result (and context)."""

from collections import Counter


def execute(params):
    words = params["text"].split()
    print(f"counting {len(words)} words from {params['capabilityPath']}")
    common = Counter(words).most_common(1)
    return {
        "result": {"words": len(words)},
        "additionalContext": {"mostCommon": common[0][0] if common else None},
    }
