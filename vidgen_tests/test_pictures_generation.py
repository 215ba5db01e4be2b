"""What every generator shares: one seed per document, the styled prompt; and the `none` backend."""

from __future__ import annotations

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.generation import PictureGenerationError, document_seed, styled_prompt
from vidgen_assets.backends.pictures.none import NoPictures


def test_a_document_always_gets_the_same_seed_and_documents_differ():
    seeds = {document_seed(f"{n:064x}") for n in range(200)}
    assert document_seed("abc123") == document_seed("abc123")
    assert len(seeds) == 200
    assert all(0 <= seed < 2**31 for seed in seeds)  # accepted by torch, AUTOMATIC1111 and ComfyUI


def test_a_document_without_a_hash_has_no_seed():
    with pytest.raises(ValueError):
        document_seed("")


def test_the_style_follows_the_subject_and_an_empty_subject_is_refused():
    request = PictureRequest(prompt=" a bridge at dusk ", style=" pastel ", seed=1, width=64, height=64)
    assert styled_prompt(request) == "a bridge at dusk, pastel"
    assert styled_prompt(PictureRequest("a bridge", "", 1, 64, 64)) == "a bridge"
    with pytest.raises(PictureGenerationError, match="empty"):
        styled_prompt(PictureRequest("  ", "pastel", 1, 64, 64))


def test_the_none_backend_gives_no_picture_for_any_chunk():
    requests = [PictureRequest("a bridge", "pastel", 1, 64, 64)] * 3
    assert NoPictures().check() is None
    assert NoPictures().pictures(requests) == [None, None, None]
