"""vidgen: documents and recordings to narrated, subtitled videos, as a Dagster asset graph."""
