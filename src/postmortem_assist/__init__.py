"""postmortem-assist: a local NLP assistant for blameless, clear incident postmortems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["review", "review_text"]

if TYPE_CHECKING:
    from .api import review, review_text


def __getattr__(name: str) -> Any:
    """Import the API lazily so that ``import postmortem_assist`` stays cheap."""
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
