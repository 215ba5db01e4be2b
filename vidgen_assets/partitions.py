"""One partition per source document; keys are doc_ids (see registry.py)."""

from dagster import DynamicPartitionsDefinition

documents = DynamicPartitionsDefinition(name="documents")
