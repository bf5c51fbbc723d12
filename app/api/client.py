"""Who is calling, as far as the network says: the address throttles count against."""

from __future__ import annotations

from fastapi import Request


def client_address(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers so this is the client)."""
    return request.client.host if request.client else "unknown"
