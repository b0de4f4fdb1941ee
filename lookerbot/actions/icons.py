"""Icons for the Action Hub listing, as data URIs (drawn here, no files to ship)."""

from __future__ import annotations

import base64


def _svg(body: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">{body}</svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


BRAZE_ICON = _svg(
    '<rect width="64" height="64" rx="14" fill="#212124"/>'
    '<circle cx="32" cy="32" r="17" fill="none" stroke="#fff" stroke-width="6"/>'
    '<circle cx="44" cy="20" r="5" fill="#fff"/>'
)
RUDDERSTACK_ICON = _svg(
    '<rect width="64" height="64" rx="14" fill="#3a2f8f"/>'
    '<path d="M16 46 32 14 48 46Z" fill="none" stroke="#fff" stroke-width="6" '
    'stroke-linejoin="round"/>'
)
