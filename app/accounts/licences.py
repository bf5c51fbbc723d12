"""Business licences uploaded for manual approval: limited in size and type, under the data dir."""

from __future__ import annotations

import secrets
from pathlib import Path

from app.accounts.exceptions import InvalidLicence
from app.core.config import get_settings

# Recognised by their first bytes, not by the name or the Content-Type the client claims.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
LICENCE_DIR = "licences"


def sniff(content: bytes) -> tuple[str, str]:
    """The media type and extension of a licence file, or InvalidLicence."""
    for magic, media_type, extension in SIGNATURES:
        if content.startswith(magic):
            return media_type, extension
    raise InvalidLicence("营业执照只接受 PDF、PNG 或 JPEG 文件")


def store(*, registration_id: int, content: bytes) -> tuple[str, str]:
    """Write the licence under the data dir; its path relative to the data dir and its type."""
    limit = get_settings().registration.licence_max_bytes
    if not content:
        raise InvalidLicence("营业执照文件为空")
    if len(content) > limit:
        raise InvalidLicence(f"营业执照文件不能超过 {limit // 1024} KB")
    media_type, extension = sniff(content)
    folder = get_settings().data_dir / LICENCE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # A random part keeps names unguessable; the client's own file name is never used.
    name = f"{registration_id}-{secrets.token_hex(8)}.{extension}"
    (folder / name).write_bytes(content)
    return f"{LICENCE_DIR}/{name}", media_type


def path_of(relative: str) -> Path:
    """The absolute path of a stored licence."""
    return get_settings().data_dir / relative


def remove(relative: str | None) -> None:
    """Forget a replaced licence file."""
    if relative:
        path_of(relative).unlink(missing_ok=True)
