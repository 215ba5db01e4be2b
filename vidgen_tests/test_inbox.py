"""The inbox's record of files (vidgen_assets/inbox.py), tick by tick, on real files with the
real quick check the sensor uses (sources.read.screen_source)."""

from __future__ import annotations

import os
import shutil

from vidgen_assets.inbox import scan_inbox
from vidgen_assets.sources.read import screen_source
from vidgen_tests.helpers.paths import PAPER


def _note(n: int) -> str:
    return f"# Note {n}\n\nThis is note number {n} about rock pools. It has a sentence to narrate.\n"


class Inbox:
    """An inbox folder and the cursor the sensor would keep for it."""

    def __init__(self, folder):
        self.folder = folder
        folder.mkdir()
        self.cursor: dict = {}

    def tick(self):
        scan = scan_inbox(self.folder, self.cursor, screen_source)
        self.cursor = scan.cursor
        return scan


def test_a_file_is_taken_only_when_unchanged_across_two_ticks(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    note = inbox.folder / "note.md"
    note.write_text(_note(1)[:20])  # the copy has begun
    assert inbox.tick().waiting == [note]
    with open(note, "a") as f:
        f.write(_note(1)[20:])  # and goes on: still changing on the next tick
    scan = inbox.tick()
    assert scan.drops == [] and scan.waiting == [note]
    scan = inbox.tick()  # unchanged since the last tick, however long that took
    assert [(d.path, d.change) for d in scan.drops] == [(note, 1)]
    assert inbox.tick().drops == []


def test_a_stalled_pdf_copy_is_not_taken_until_it_is_whole(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    paper = inbox.folder / "paper.pdf"
    whole = PAPER.read_bytes()
    paper.write_bytes(whole[: len(whole) // 2])
    inbox.tick()
    scan = inbox.tick()  # the copy stalled over two ticks: settled, but cut off
    assert scan.drops == [] and [r.reason for r in scan.refused] == [
        f"{paper}: is not a whole PDF (no %%EOF marker at its end): still being copied, or cut off"
    ]
    assert inbox.tick().refused == []  # reported once
    paper.write_bytes(whole)  # the copy finishes
    inbox.tick()
    assert [d.path for d in inbox.tick().drops] == [paper]


def test_a_to_b_to_a_is_taken_three_times_under_three_run_keys(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    note = inbox.folder / "note.md"
    keys = []
    for text in (_note(1), _note(2), _note(1)):
        note.write_text(text)
        inbox.tick()
        (drop,) = inbox.tick().drops
        keys.append(drop.run_key)
    assert len(set(keys)) == 3 and [k.split(":")[1] for k in keys] == ["1", "2", "3"]
    assert keys[0].split(":")[2] == keys[2].split(":")[2]  # the same content


def test_a_touched_file_with_the_same_content_is_not_taken_again(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    note = inbox.folder / "note.md"
    note.write_text(_note(1))
    inbox.tick()
    assert len(inbox.tick().drops) == 1
    os.utime(note, ns=(1, 1))
    assert inbox.tick().waiting == [note]
    assert inbox.tick().drops == []


def test_deleted_files_leave_the_cursor(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    for n in range(3):
        (inbox.folder / f"note-{n}.md").write_text(_note(n))
    inbox.tick()
    inbox.tick()
    (inbox.folder / "note-1.md").unlink()
    scan = inbox.tick()
    assert scan.gone == ["note-1.md"]
    assert sorted(os.path.basename(k) for k in inbox.cursor) == ["note-0.md", "note-2.md"]


def test_junk_is_reported_once_per_content_and_never_taken(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    (inbox.folder / "notes.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (inbox.folder / "empty.md").write_bytes(b"")
    (inbox.folder / "junk.txt").write_bytes(os.urandom(2000) + b"\x00")
    inbox.tick()
    scan = inbox.tick()
    assert scan.drops == []
    reasons = sorted(r.reason for r in scan.refused)
    assert [r.split(": ", 1)[1] for r in reasons] == [
        "file is empty",
        "is a binary file, not text",
        "unsupported file type '.docx' (supported: .flac .jpeg .jpg "
        ".m4a .markdown .md .mkv .mov .mp3 .mp4 .ogg .opus .pdf .png .prompt .txt .wav .webm .webp)",
    ]
    assert inbox.tick().refused == []
    (inbox.folder / "junk.txt").write_text(_note(7))  # fixed: now taken
    inbox.tick()
    assert [d.path.name for d in inbox.tick().drops] == ["junk.txt"]


def test_the_same_content_under_a_second_name_is_a_duplicate(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    shutil.copy(PAPER, inbox.folder / "paper.pdf")
    shutil.copy(PAPER, inbox.folder / "paper (1).pdf")
    inbox.tick()
    scan = inbox.tick()
    assert [d.path.name for d in scan.drops] == ["paper (1).pdf"]  # the first in name order
    assert [r.reason.split(": ", 1)[1] for r in scan.refused] == [
        "has the same content as paper (1).pdf, which is already taken; it is not made twice"
    ]


def test_hidden_files_and_partial_downloads_are_never_looked_at(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    for name in ("paper.pdf.part", ".paper.md", "talk.mp3.crdownload", ".upload-x.part.md"):
        (inbox.folder / name).write_text(_note(1))
    inbox.tick()
    scan = inbox.tick()
    assert scan.drops == scan.refused == scan.waiting == [] and inbox.cursor == {}


def test_a_cursor_written_before_change_counting_is_read(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    note = inbox.folder / "note.md"
    note.write_text(_note(1))
    stat = note.stat()
    inbox.cursor = {str(note.resolve()): {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": "0" * 64}}
    assert inbox.tick().drops == []  # already taken under the old cursor
    note.write_text(_note(2))
    inbox.tick()
    assert [d.change for d in inbox.tick().drops] == [1]
