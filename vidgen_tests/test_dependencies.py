"""Every declared dependency earns its place: the package imports it, or names it where it finds
a model or program the dependency ships."""

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Declared for what they provide outside `import`: the UI that `make ui` starts.
NOT_IMPORTED = {
    "dagster-webserver": "provides `dagster dev`, the UI",
    "jinja2": "renders `vidgen serve`'s pages, through starlette.templating",
    "python-multipart": "parses `vidgen serve`'s upload forms, inside Starlette",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_sources() -> tuple[set[str], str]:
    imported, text = set(), []
    for path in (ROOT / "vidgen_assets").rglob("*.py"):
        source = path.read_text()
        text.append(source)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    return imported, "\n".join(text)


def test_every_declared_dependency_is_used():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = [_normal(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in declared]
    providers = metadata.packages_distributions()
    imported, source = _package_sources()
    imported_dists = {_normal(d) for module in imported for d in providers.get(module, [])}
    unused = [
        n
        for n in names
        if n not in imported_dists
        and n not in NOT_IMPORTED
        and not re.search(rf"[\"']{re.escape(n)}[\"']", source.replace("_", "-").lower())
    ]
    assert not unused, f"declared but never imported or named: {unused}"
