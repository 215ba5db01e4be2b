"""The health page's facts: the same report as `vidgen doctor`, as table rows."""

from __future__ import annotations

from dataclasses import dataclass

from vidgen_assets.doctor import report


@dataclass(frozen=True)
class BackendRow:
    mark: str  # ok | FAIL (configured and cannot run) | -- (not configured, cannot run)
    step: str
    backend: str
    configured: bool
    note: str


@dataclass(frozen=True)
class SettingRow:
    variable: str
    value: str
    default: bool


def backend_health() -> tuple[list[SettingRow], list[BackendRow], bool]:
    """Doctor's configuration and backend lines as rows, and whether every configured backend
    can run. Doctor prints a heading line per section, then its lines indented."""
    lines, ok = report()
    settings, backends, section = [], [], ""
    for line in lines:
        if not line.startswith(" "):
            section = line.rstrip(":")
        elif section == "configuration":  # "  VARIABLE (30 wide) value (30 wide) (default)"
            rest = line[33:].rstrip()
            settings.append(SettingRow(line[2:32].strip(), rest.removesuffix("(default)").strip(),
                                       rest.endswith("(default)")))
        elif section == "backends":
            mark, step, backend, note = line.split(None, 3)
            configured = note.startswith("(configured) ")
            backends.append(BackendRow(mark, step, backend, configured, note.removeprefix("(configured) ")))
    return settings, backends, ok
