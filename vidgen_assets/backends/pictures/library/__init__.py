"""The picture library: the `library` picture backend and the collections it chooses from.

`backend` is the backend (`LibraryPictures`); `catalog` says what a collection gives the index,
and `openclipart`, `openmoji`, `tabler` and `media_folder` are the collections; `index` keeps
their descriptions' embeddings in DuckDB; `choice` ranks pictures for a chunk; `raster` draws
SVGs and tints them into the document's palette. `python -m vidgen_assets.backends.pictures.library`
builds the bundled collections' shared index (make install).
"""
