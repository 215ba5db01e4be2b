"""Inputs that used to go wrong late or quietly (issue 8, "Why" 7), built for real: UTF-16 text is
read, and a speechless document, a scan with a thin text layer, noise or music, and a huge text
file are each refused in one line naming the file, before anything is written."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from vidgen_assets.errors import InputError
from vidgen_assets.sources.read import read_source
from vidgen_tests.helpers.cli import run_vidgen
from vidgen_tests.helpers.paths import MAX_PAGES, PAPER, RECORDING

NOTE = "Rock pools\n\nThe tide leaves water behind in the rocks. Crabs and anemones live there until it returns.\n"


def _read(path: Path, max_words: int | None = None, figures: Path | None = None):
    return read_source(
        path, figures or path.parent / "figures", MAX_PAGES, max_recording_seconds=600, max_words=max_words
    )


def _iconv(tmp_path: Path, name: str, encoding: str) -> Path:
    plain = tmp_path / "utf8.txt"
    plain.write_text(NOTE, encoding="utf-8")
    out = tmp_path / name
    with open(out, "wb") as f:
        subprocess.run(["iconv", "-f", "UTF-8", "-t", encoding, str(plain)], stdout=f, check=True)
    return out


@pytest.mark.parametrize("encoding, bom", [("UTF-16", True), ("UTF-16LE", False), ("UTF-16BE", False)])
def test_utf16_text_is_decoded_not_called_binary(tmp_path, encoding, bom):
    path = _iconv(tmp_path, "notes.txt", encoding)
    assert (path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")) == bom
    doc = _read(path)
    assert doc.title == "Rock pools"
    assert doc.text == "The tide leaves water behind in the rocks. Crabs and anemones live there until it returns."


def test_utf16_markdown_is_read_too(tmp_path):
    plain = tmp_path / "utf8.md"
    plain.write_text("# Rock pools\n\n" + NOTE.split("\n\n", 1)[1])
    path = tmp_path / "pools.md"
    path.write_bytes(plain.read_text().encode("utf-16"))
    assert _read(path).title == "Rock pools"


def test_binary_junk_named_txt_is_refused_as_binary(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"junk\.txt: is a binary file, not text"):
        _read(path)


def test_a_document_with_no_speakable_sentence_is_refused(tmp_path):
    path = tmp_path / "snippets.md"
    path.write_text(
        "# Snippets\n\n```python\nprint('hello')\n```\n\nhttps://example.org/a/b\n\n"
        "12 34 56 78\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## More\n\n`x = 1`\n"
    )
    with pytest.raises(InputError) as caught:
        _read(path)
    assert (
        str(caught.value)
        == f"{path}: has no sentence to narrate (only headings, code, links or numbers); add some prose"
    )


def _scan(path: Path, pages: int, stamp: str) -> Path:
    """A PDF whose pages are pictures of text (JPEG) with, like a scanner's, a one-line text layer."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for n in range(1, pages + 1):
        picture = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(picture)
        for y in range(80, 1000, 24):
            draw.text((60, y), "Scanned lines of a paper that only a picture holds. " * 2, fill=0)
        jpeg = io.BytesIO()
        picture.save(jpeg, "JPEG", quality=60)
        image = len(objects) + 1
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 850 /Height 1100 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % len(jpeg.getvalue())
            + jpeg.getvalue()
            + b"\nendstream"
        )
        text = f"q 612 0 0 792 0 0 cm /Im Do Q BT /F1 9 Tf 40 20 Td ({stamp} {n}) Tj ET".encode()
        content = len(objects) + 1
        objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im %d 0 R >> >> >>" % (content, font, image)
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def test_a_scan_with_a_thin_text_layer_is_refused_asking_for_ocr(tmp_path):
    path = _scan(tmp_path / "scanned-paper.pdf", pages=4, stamp="ACME Scanner 3000, page")
    figures = tmp_path / "figures"
    with pytest.raises(InputError) as caught:
        read_source(path, figures, MAX_PAGES, 600)
    message = str(caught.value)
    assert message.startswith(
        f"{path}: has almost no text layer (4 of 4 pages are pictures with fewer than 100 characters of text)"
    )
    assert "run OCR on it first" in message and "\n" not in message
    assert not figures.exists()


def test_a_paper_with_a_real_text_layer_still_passes_the_scan_test(tmp_path):
    assert _read(PAPER, figures=tmp_path / "figures").page_count == 7  # never into the shared fixtures


def _lavfi(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-t", "20", str(path)], check=True)
    return path


@pytest.mark.parametrize(
    "name, source",
    [
        ("pink-noise.flac", "anoisesrc=c=pink:a=0.5:d=20"),
        ("white-noise.mp3", "anoisesrc=c=white:a=0.3:d=20"),
        ("tone.wav", "sine=f=440:d=20"),
        ("warbling-tone.ogg", "sine=f=220:d=20,tremolo=f=5:d=0.9"),
        ("tune.flac", "aevalsrc='0.2*sin(2*PI*(220+110*floor(mod(t*4\\,4)))*t)':d=20"),
    ],
)
def test_a_recording_of_noise_or_music_alone_is_refused_before_transcription(tmp_path, name, source):
    path = _lavfi(tmp_path, name, source)
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value).startswith(f"{path}: has no speech to transcribe (a voice in ")


def test_speech_with_music_under_it_is_accepted(tmp_path):
    tune = _lavfi(tmp_path, "tune.wav", "sine=f=330:d=20,volume=0.3")
    mixed = tmp_path / "speech-over-music.flac"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(RECORDING),
            "-i",
            str(tune),
            "-filter_complex",
            "amix=inputs=2:duration=first",
            str(mixed),
        ],
        check=True,
    )
    assert _read(mixed).kind == "audio"


def test_a_huge_text_file_is_refused_by_size_before_it_is_read_and_by_its_words(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("Words of a long book go on and on here. " * 1000)  # 10000 words, 40 kB
    assert len(_read(path, max_words=10_000).text.split()) == 10_000
    with pytest.raises(InputError) as caught:
        _read(path, max_words=5000)
    assert str(caught.value) == f"{path}: has 10000 words; the limit is 5000 (set VIDGEN_MAX_WORDS, or split the file)"
    with pytest.raises(
        InputError, match=r"book\.txt: is 0\.04 MB, too large for a text document \(the limit is 1000 words"
    ):
        _read(path, max_words=1000)


def test_the_cli_refuses_each_in_one_line_and_writes_nothing(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    snippets = inputs / "links.md"
    snippets.write_text("# Links\n\nhttps://example.org\n\n    code()\n")
    huge = inputs / "huge.txt"
    huge.write_text("word " * 3000)
    cases = [
        (snippets, "no sentence to narrate", {}),
        (_scan(inputs / "scan.pdf", pages=3, stamp="page"), "run OCR", {}),
        (_lavfi(inputs, "noise.wav", "anoisesrc=c=pink:d=20"), "no speech", {}),
        (huge, "the limit is 1000", {"VIDGEN_MAX_WORDS": "1000"}),
    ]
    data = tmp_path / "data"
    for path, problem, env in cases:
        result = run_vidgen(data, "make", str(path), "--quiet", **env)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 1 and result.stdout == "", result.stderr[-1500:]
        assert lines[-1].startswith(f"vidgen: error: {path}: ") and problem in lines[-1], lines[-1]
    assert not data.exists() or not [p for p in data.rglob("*") if p.is_file()]
