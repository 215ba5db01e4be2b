"""One partition per source document; keys are doc_ids (`storage.catalog.doc_id_for`)."""

from dagster import DynamicPartitionsDefinition

documents = DynamicPartitionsDefinition(name="documents")
