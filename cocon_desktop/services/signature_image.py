"""The image of the therapist's handwritten signature, drawn on attestations: kept only inside the encrypted
database (one at most), normalised on import to a PNG of reasonable size."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.errors import CoconError
from cocon_desktop.models import SignatureImage
from cocon_desktop.services.changes import Changes, writes

MAX_BYTES = 10 * 1024 * 1024
MAX_WIDTH = 1200  # pixels kept: ample for 60 mm at 500 dpi
_MAGIC = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class StoredSignature:
    media_type: str
    width_px: int
    height_px: int
    content: bytes
    added_at: datetime


def normalised_png(content: bytes) -> tuple[bytes, int, int]:
    """A PNG or JPEG file as a PNG at most MAX_WIDTH pixels wide (transparency kept); CoconError otherwise."""
    if len(content) > MAX_BYTES:
        raise CoconError("signature_image_too_large", mb=MAX_BYTES // (1024 * 1024))
    if not any(content.startswith(magic) for magic in _MAGIC):
        raise CoconError("signature_image_invalid")
    try:
        with Image.open(io.BytesIO(content)) as picture:
            picture.load()
            image = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CoconError("signature_image_invalid") from exc
    if image.width < 8 or image.height < 8:
        raise CoconError("signature_image_invalid")
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, max(1, round(image.height * MAX_WIDTH / image.width))),
                             Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), image.width, image.height


@writes(Changes.PROFILE)
def import_signature_image(sessions: sessionmaker[Session], content: bytes) -> StoredSignature:
    """Keep this image (PNG or JPEG) as the handwritten signature from now on; the file itself is not kept."""
    png, width, height = normalised_png(content)
    now = datetime.now(UTC)
    with sessions.begin() as session:
        session.execute(delete(SignatureImage))
        session.add(SignatureImage(id=1, media_type="image/png", width_px=width, height_px=height, content=png,
                                   sha256=hashlib.sha256(png).hexdigest(), added_at=now))
    return StoredSignature("image/png", width, height, png, now)


def stored_signature(sessions: sessionmaker[Session]) -> StoredSignature | None:
    with sessions() as session:
        row = session.scalar(select(SignatureImage).limit(1))
        if row is None:
            return None
        return StoredSignature(row.media_type, row.width_px, row.height_px, bytes(row.content), row.added_at)


def signature_png(sessions: sessionmaker[Session]) -> bytes | None:
    stored = stored_signature(sessions)
    return stored.content if stored is not None else None


@writes(Changes.PROFILE)
def remove_signature_image(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.execute(delete(SignatureImage))
