"""User settings from ``.assist.toml`` or ``[tool.assist]`` in ``pyproject.toml``.

Example::

    [tool.assist]
    disable = ["clarity/long-sentence"]       # rule ids or whole families
    enable = ["clarity/long-sentence"]        # re-enable after a family was disabled
    severity = { "clarity/hedge" = "info" }
    allowed_acronyms = ["PSP", "KMS"]
    allowed_names = ["Argo", "Ziggy"]         # bots and tools that look like people
    fail_on = "warning"
    learned = { blame_add = 0.9, unclear_veto = 0.2 }   # sentence-scorer thresholds
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .findings import Severity
from .reading import InputError


class Learned(BaseModel):
    """Thresholds of the learned sentence scorer; None = the model's own (from dev CV).

    ``*_add``: a sentence no rule of the family flagged, scored at least this, gets a
    learned finding. ``*_veto``: rule hits of the family in a sentence scored below this
    are dropped. Switch the model off with ``disable = ["blame/learned", "clarity/learned"]``.
    """

    model_config = ConfigDict(extra="forbid")

    blame_add: float | None = Field(default=None, ge=0, le=1.01)
    blame_veto: float | None = Field(default=None, ge=0, le=1.01)
    unclear_add: float | None = Field(default=None, ge=0, le=1.01)
    unclear_veto: float | None = Field(default=None, ge=0, le=1.01)


class Settings(BaseModel):
    """Validated review settings."""

    model_config = ConfigDict(extra="forbid")

    disable: list[str] = Field(default_factory=list)
    enable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    allowed_acronyms: list[str] = Field(default_factory=list)
    allowed_names: list[str] = Field(default_factory=list)
    fail_on: Severity = Severity.warning
    learned: Learned = Field(default_factory=Learned)
    #: Where the settings came from (for error messages); not part of the settings.
    _source: str = PrivateAttr(default="settings")

    def check_rule_ids(
        self, known: Iterable[str], ignore: Iterable[str] = (), select: Iterable[str] = ()
    ) -> None:
        """Refuse rule ids or families that name no rule, in the settings and on the command line.

        ``known`` holds every rule id and family; ``ignore`` and ``select`` are the
        ``--ignore`` and ``--select`` values.
        """
        names = set(known)
        for where, values in (
            (f"{self._source} disable", self.disable),
            (f"{self._source} enable", self.enable),
            (f"{self._source} severity", list(self.severity)),
            ("--select", list(select)),
            ("--ignore", list(ignore)),
        ):
            unknown = [v for v in values if v not in names]
            if unknown:
                raise InputError(
                    f"{where}: unknown rule or family: {', '.join(unknown)} (see `assist rules`)"
                )

    def is_enabled(self, rule_id: str) -> bool:
        """Explicit rule ids beat families; enable beats disable at the same level."""
        family = rule_id.split("/", 1)[0]
        if rule_id in self.enable:
            return True
        if rule_id in self.disable:
            return False
        return family in self.enable or family not in self.disable

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        family = rule_id.split("/", 1)[0]
        return self.severity.get(rule_id, self.severity.get(family, default))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: malformed TOML ({err})") from None


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest ``.assist.toml``, or ``pyproject.toml`` with ``[tool.assist]``."""
    for folder in [start, *start.parents]:
        dotfile = folder / ".assist.toml"
        if dotfile.is_file():
            data = _read_toml(dotfile)
            return dotfile, data.get("tool", {}).get("assist", data)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _read_toml(pyproject).get("tool", {}).get("assist")
            if section is not None:
                return pyproject, section
    return None


def load_settings(path: Path | None = None, start: Path | None = None) -> Settings:
    """Settings from an explicit file, else the nearest config file, else defaults."""
    if path is not None:
        if not path.is_file():
            raise InputError(f"{path}: no such config file")
        data = _read_toml(path)
        found: tuple[Path, dict] | None = (path, data.get("tool", {}).get("assist", data))
    else:
        found = find_config(start or Path.cwd())
    if found is None:
        return Settings()
    where, data = found
    try:
        settings = Settings.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: invalid [tool.assist] setting {loc}: {first['msg']}") from None
    settings._source = str(where)
    return settings
