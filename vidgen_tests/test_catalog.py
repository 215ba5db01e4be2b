import re

from vidgen_assets.resources import build_resources, resolved
from vidgen_assets.storage.catalog import doc_id_for, register, source_path

ID = re.compile(r"^[a-z0-9-]{1,64}$")


def test_doc_id_is_a_readable_slug_of_the_file_name(tmp_path):
    assert doc_id_for(tmp_path / "Open Information Extraction (2007).PDF", {}) == "open-information-extraction-2007"
    long = doc_id_for(tmp_path / ("x" * 200 + ".md"), {})
    assert ID.match(long) and len(long) == 64
    assert ID.match(doc_id_for(tmp_path / "Über café №1.txt", {}))


def test_two_different_files_never_share_a_doc_id(data_dir, tmp_path):
    db = resolved(build_resources()["storage"]).database()
    a, b = tmp_path / "Paper.pdf", tmp_path / "other" / "paper.md"
    b.parent.mkdir()
    a.write_bytes(b"%PDF-1.4")
    b.write_text("# Paper")
    id_a, id_b = register(db, a), register(db, b)
    assert id_a == "paper" and id_b != id_a and ID.match(id_b)
    assert register(db, a) == id_a  # the same file keeps its id
    assert source_path(db, id_b) == b.resolve()
