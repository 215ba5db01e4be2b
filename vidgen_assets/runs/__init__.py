"""Run control: how vidgen's runs meet Dagster (the instance configuration, the patches to
Dagster's step loop), which runs are alive, and why two runs of one document never overlap."""
