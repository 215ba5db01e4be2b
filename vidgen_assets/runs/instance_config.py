"""The Dagster instance configuration vidgen needs (vidgen_assets/dagster.yaml): concurrency
pools that give each model step a machine-wide slot, and a run queue that never starts two runs
of one document at once. Installed into DAGSTER_HOME before any run, never overwriting a
user's own settings.

    python -m vidgen_assets.runs.instance_config DAGSTER_HOME     (what `make ui` runs)
"""

import sys
from pathlib import Path

import yaml

from vidgen_assets.storage.files import atomic_path

TEMPLATE = Path(__file__).parents[1] / "dagster.yaml"


def install_instance_config(home: Path) -> Path:
    """Write vidgen's dagster.yaml into `home` when there is none; to an existing one without a
    `concurrency:` block, add ours. Returns the file's path."""
    target = Path(home) / "dagster.yaml"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_text(TEMPLATE.read_text())
        return target
    current = yaml.safe_load(target.read_text()) or {}
    if "concurrency" not in current:
        block = yaml.safe_dump({"concurrency": yaml.safe_load(TEMPLATE.read_text())["concurrency"]}, sort_keys=False)
        with atomic_path(target) as tmp:
            tmp.write_text(target.read_text().rstrip("\n") + "\n\n# added by vidgen\n" + block)
    return target


if __name__ == "__main__":
    print(install_instance_config(Path(sys.argv[1])))
