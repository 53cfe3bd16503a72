"""Why a batch's last sending failed, as the outbox keeps it: a code of messages.py and its data, never a sentence
(ARCHITECTURE rule 8: the window and the command line speak). Stored as a JSON object in `outbox.last_error`;
a row written by an earlier version holds a French sentence, which reads back as the code `outbox_sentence` whose
text is that very sentence."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cocon_desktop.errors import CoconError

OLD_SENTENCE = "outbox_sentence"


@dataclass(frozen=True)
class OutboxError:
    code: str
    data: tuple[tuple[str, str], ...] = ()  # (name, value) pairs, sorted: hashable, and stored as they are

    @property
    def params(self) -> dict[str, str]:
        return dict(self.data)


def outbox_error(code: str, /, **data: object) -> OutboxError:
    return OutboxError(code, tuple(sorted((name, str(value)) for name, value in data.items())))


def error_of(exc: CoconError) -> OutboxError:
    return outbox_error(exc.code, **exc.data)


def stored(error: OutboxError | None) -> str:
    """The text of `outbox.last_error`: "" for no error."""
    if error is None:
        return ""
    return json.dumps({"code": error.code, "data": error.params}, ensure_ascii=False, sort_keys=True)


def read(value: str | None) -> OutboxError | None:
    """What `stored` wrote; an older row's sentence as OLD_SENTENCE; None for no error."""
    if not value:
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("code"), str) and isinstance(decoded.get("data"), dict):
        return outbox_error(decoded["code"], **decoded["data"])
    return outbox_error(OLD_SENTENCE, sentence=value)
