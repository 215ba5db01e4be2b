from vidgen_assets.language.sentences import ends_sentence
from vidgen_assets.timeline import Segment, split_into_chunks


def _segments(spans_and_texts):
    return [Segment(a, b, t) for a, b, t in spans_and_texts]


def test_chunks_respect_the_duration_limit_at_sentence_ends():
    segs = _segments([(0.0, 3.0, "One."), (3.2, 6.0, "Two."), (6.3, 9.0, "Three."), (9.2, 12.0, "Four.")])
    chunks = split_into_chunks(segs, duration_s=12.5, max_seconds=8.0)
    assert [c.segment_idx for c in chunks] == [(0, 1), (2, 3)]
    assert all(c.end_s - segs[c.segment_idx[0]].start_s <= 8.0 for c in chunks)


def test_chunk_never_ends_mid_sentence():
    # A recognizer split one sentence over three segments; the chunk runs past 8 s to its end.
    segs = _segments(
        [(0.0, 4.0, "This sentence"), (4.0, 8.5, "goes on and"), (8.5, 11.0, "on."), (11.5, 13.0, "Short.")]
    )
    chunks = split_into_chunks(segs, duration_s=13.0, max_seconds=8.0)
    assert chunks[0].segment_idx == (0, 1, 2)
    assert all(ends_sentence(c.text) for c in chunks)


def test_chunks_tile_the_whole_narration_without_gaps():
    segs = _segments([(0.4, 3.0, "A."), (3.5, 9.0, "B is long."), (9.6, 10.0, "C."), (10.2, 19.0, "D.")])
    chunks = split_into_chunks(segs, duration_s=19.7, max_seconds=8.0)
    assert chunks[0].start_s == 0.0 and chunks[-1].end_s == 19.7
    for a, b in zip(chunks, chunks[1:]):
        assert a.end_s == b.start_s
    assert [c.idx for c in chunks] == list(range(len(chunks)))


def test_a_sentence_longer_than_the_limit_is_a_chunk_of_its_own():
    segs = _segments([(0.0, 2.0, "Hi."), (2.0, 14.0, "A very long sentence."), (14.0, 15.0, "Bye.")])
    chunks = split_into_chunks(segs, duration_s=15.0, max_seconds=8.0)
    assert [c.segment_idx for c in chunks] == [(0,), (1,), (2,)]


def test_unpunctuated_transcripts_are_still_cut_at_the_hard_limit():
    segs = _segments([(i * 5.0, i * 5.0 + 5.0, "and so on") for i in range(20)])
    chunks = split_into_chunks(segs, duration_s=100.0, max_seconds=8.0, hard_limit_s=30.0)
    assert all(c.duration_s <= 30.0 for c in chunks)
    assert sum(len(c.segment_idx) for c in chunks) == 20


def test_the_beats_of_tests_and_benchmarks_are_the_chunkers_own_chunks(read_paper):
    # helpers/beats.script_beats and benchmarks/pictures.chunk_document each imitated the
    # chunker (one took sentences until 22 words or more, the other while 22 or fewer): both
    # now call timeline.group_sentences, which is split_into_chunks on the script timed at
    # 165 words a minute.
    from vidgen_assets.language.script import TITLE_SECTION, write_script
    from vidgen_tests.helpers.beats import script_beats
    from vidgen_tests.helpers.paths import PAPER

    script = write_script(read_paper(PAPER), target_seconds=240.0)
    segments, clock = [], 0.0
    for sentence in script:
        seconds = len(sentence.text.split()) * 60 / 165
        segments.append(Segment(clock, clock + seconds, sentence.text))
        clock += seconds
    chunks = split_into_chunks(segments, clock, max_seconds=8.0)
    expected = [[script[i] for i in c.segment_idx if script[i].section != TITLE_SECTION] for c in chunks]
    assert script_beats(script) == [(s[0].section, " ".join(x.shown for x in s)) for s in expected if s]
    assert len(chunks) > 20
