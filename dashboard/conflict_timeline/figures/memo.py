"""Per-event texts remembered across views: a view builds only the texts of events it has not shown.

A hover or tooltip line depends on its event alone, yet building them for a thousand events costs
more than every query behind the view. The caller keeps one memo per dataset version and kind of
text (the UI shares it between sessions), so a new date range formats only the events new to it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

# Past this many remembered texts the memo starts afresh: its size follows what was shown, bounded.
MEMO_LIMIT = 200_000

TextMemo = dict[str, str]


def remembered_texts(
    events: pd.DataFrame, make: Callable[[pd.DataFrame], list[str]], memo: TextMemo | None
) -> list[str]:
    """``make(events)``, one text per row, taking the texts of events already in ``memo`` (keyed
    by event_id) from it and adding the others. Without a memo it is simply ``make(events)``."""
    if memo is None or events.empty:
        return make(events)
    # read once into a local list: another session may clear the shared memo meanwhile
    texts = [memo.get(event_id) for event_id in events["event_id"]]
    missing = [i for i, text in enumerate(texts) if text is None]
    if missing:
        made = make(events.iloc[missing])
        if len(memo) + len(missing) > MEMO_LIMIT:
            memo.clear()
        for i, text in zip(missing, made):
            texts[i] = memo[events["event_id"].iat[i]] = text
    return texts
