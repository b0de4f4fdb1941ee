"""What the bot knows of Looker's objects: small frozen dataclasses, built from API JSON.

The SDK's own models are not used: building them costs more than the API call on current
cattrs releases, and the bot needs only a few fields of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

ContentKind = Literal["look", "dashboard"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class FolderRef:
    """A folder, by id and name."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: Any) -> FolderRef | None:
        """Build from a ``folder`` object, or ``None`` if there is none."""
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        return cls(id=_text(data["id"]), name=_text(data.get("name")))


@dataclass(frozen=True)
class ContentRef:
    """A Look or a dashboard, as search returns it."""

    kind: ContentKind
    id: str
    title: str
    folder: FolderRef | None = None
    description: str = ""

    @classmethod
    def from_api(cls, kind: ContentKind, data: dict[str, Any]) -> ContentRef:
        """Build from a Look or dashboard object."""
        return cls(
            kind=kind,
            id=_text(data.get("id")),
            title=_text(data.get("title")).strip(),
            folder=FolderRef.from_api(data.get("folder")),
            description=_text(data.get("description")),
        )

    @property
    def path(self) -> str:
        """The path of this content in Looker's web UI."""
        section = "looks" if self.kind == "look" else "dashboards"
        return f"/{section}/{quote(self.id, safe=':')}"


@dataclass(frozen=True)
class LookerUser:
    """A Looker user."""

    id: str
    display_name: str
    email: str | None = None
    is_disabled: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> LookerUser:
        """Build from a ``user`` object."""
        name = data.get("display_name") or " ".join(
            p for p in (data.get("first_name"), data.get("last_name")) if p
        )
        return cls(
            id=_text(data.get("id")),
            display_name=_text(name) or _text(data.get("email")) or f"user {data.get('id')}",
            email=data.get("email"),
            is_disabled=bool(data.get("is_disabled")),
        )
