"""One partition per source document; keys are doc_ids, given by storage/catalog.py (`register`)."""

from dagster import DynamicPartitionsDefinition

documents = DynamicPartitionsDefinition(name="documents")
