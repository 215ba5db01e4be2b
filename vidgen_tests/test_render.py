"""The built-in frame renderer: real Pillow, real DejaVu fonts, PNGs written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from vidgen_assets.errors import InputError, VidgenError
from vidgen_assets.language.slides import Slide
from vidgen_assets.media import render
from vidgen_assets.media.backgrounds import MOTIFS, contrast_ratio, style_for
from vidgen_assets.media.render import is_blank, layout_text, render_frame, render_title_card

STYLE = style_for("Open Information Extraction from the Web")
SLIDE = Slide(
    section="Introduction",
    headline="TextRunner",
    points=("TextRunner extracts relational tuples from web text in a single pass", "It needs no hand-tagged examples"),
)
MAGENTA = (230, 40, 200)


def mean_abs_diff(a: Path, b: Path) -> float:
    with Image.open(a) as ia, Image.open(b) as ib:
        diff = ImageChops.difference(ia.convert("RGB"), ib.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


def test_frame_is_a_1920x1080_png_carrying_prompt_and_key_point(tmp_path):
    out = render_frame(SLIDE, "a lattice of glowing nodes, ünïcode ✓", STYLE, tmp_path / "f.png")
    assert out == tmp_path / "f.png"
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.size == (1920, 1080)
        assert im.text["prompt"] == "a lattice of glowing nodes, ünïcode ✓"
        assert im.text["key_point"] == SLIDE.headline
        assert im.text["slide"] == "\n".join(["Introduction", "TextRunner", *SLIDE.points])
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]  # no temporary file left behind


def test_a_result_number_is_drawn_large_in_the_accent_colour(tmp_path):
    plain = render_frame(SLIDE, "p", STYLE, tmp_path / "plain.png")
    numbered = render_frame(
        Slide(SLIDE.section, SLIDE.headline, SLIDE.points, "9,000,000", "tuples"), "p", STYLE, tmp_path / "numbered.png"
    )
    # Seven digits at 120 px against none: the accent colour covers visibly more of the frame.
    assert share_of(numbered, STYLE.accent) > share_of(plain, STYLE.accent) + 0.005


def test_a_slide_too_long_for_its_box_is_shrunk_not_spilled(tmp_path):
    long = Slide("Results", "A headline " * 3, tuple("point with many words " * 4 for _ in range(3)), "40%", "fewer")
    out = render_frame(long, "p", STYLE, tmp_path / "long.png", picture=Image.new("RGB", (800, 800), (20, 200, 60)))
    # The text column stays right of the picture and inside the frame's margins.
    assert share_of(out, STYLE.text, (0, 0, 1920, 40)) == 0 and share_of(out, STYLE.text, (0, 1040, 1920, 1080)) == 0


def test_same_prompt_gives_byte_identical_png(tmp_path):
    a = render_frame(SLIDE, "sunrise over a data centre", STYLE, tmp_path / "a.png")
    b = render_frame(SLIDE, "sunrise over a data centre", STYLE, tmp_path / "b.png")
    assert a.read_bytes() == b.read_bytes()


def test_different_prompts_give_visibly_different_backgrounds(tmp_path):
    # Empty key point: only the background is drawn, so the difference is the background's.
    a = render_frame(Slide(), "sunrise over a data centre", STYLE, tmp_path / "a.png")
    b = render_frame(Slide(), "a river of documents flowing into a funnel", STYLE, tmp_path / "b.png")
    assert mean_abs_diff(a, b) > 6.0  # measured 13-15 across styles


def test_style_is_deterministic_and_spreads_over_palettes_and_motifs():
    assert style_for("paper A") == style_for("paper A")
    styles = {style_for(f"paper {i}") for i in range(200)}
    assert {s.motif for s in styles} == set(MOTIFS)
    assert len({s.background for s in styles}) >= 5


def test_every_style_has_high_contrast_text():
    for style in {style_for(f"paper {i}") for i in range(200)}:
        assert contrast_ratio(style.text, style.background) >= 7, style.name


def test_figure_is_composed_large_with_its_caption(tmp_path):
    figure = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(figure)
    for i in range(10):
        draw.rectangle((60 + i * 70, 550 - i * 45, 100 + i * 70, 550), fill=MAGENTA)
    figure.save(tmp_path / "figure.png")

    with_figure = render_frame(
        SLIDE,
        "bar chart",
        STYLE,
        tmp_path / "with.png",
        figure=tmp_path / "figure.png",
        caption="Figure 1: Precision by corpus size.",
    )
    without = render_frame(SLIDE, "bar chart", STYLE, tmp_path / "without.png")

    def magenta_share(path: Path) -> float:
        with Image.open(path) as im:
            small = im.convert("RGB").resize((480, 270), Image.Resampling.NEAREST)
        raw = small.tobytes()
        pixels = (raw[i : i + 3] for i in range(0, len(raw), 3))
        hits = sum(1 for px in pixels if all(abs(c - m) < 30 for c, m in zip(px, MAGENTA)))
        return hits / (480 * 270)

    # The bars cover ~5% of the 800x600 figure; scaled up to a large area they still cover ~3% of the frame.
    assert magenta_share(with_figure) > 0.02
    assert magenta_share(without) == 0
    with Image.open(with_figure) as im:
        assert im.text["figure"] == str(tmp_path / "figure.png")


def share_of(path: Path, colour: tuple[int, int, int], box: tuple[int, int, int, int] | None = None) -> float:
    """Share of the frame's pixels (or of `box`'s) within 30 of `colour` on every channel."""
    with Image.open(path) as im:
        region = im.convert("RGB").crop(box) if box else im.convert("RGB")
    small = region.resize((region.width // 4, region.height // 4), Image.Resampling.NEAREST)
    raw = small.tobytes()
    hits = sum(1 for i in range(0, len(raw), 3) if all(abs(c - m) < 30 for c, m in zip(raw[i : i + 3], colour)))
    return hits / (small.width * small.height)


def test_a_picture_is_composed_large_beside_the_key_point_with_its_credits_in_the_png(tmp_path):
    picture = Image.new("RGB", (1024, 768), (20, 200, 60))  # green ground, as a tinted clip-art ground
    ImageDraw.Draw(picture).ellipse((200, 100, 824, 668), fill=MAGENTA)
    meta = {"source": "openclipart", "licence": "Public domain", "description": "a magenta disc"}
    out = render_frame(SLIDE, "p", STYLE, tmp_path / "f.png", picture=picture, picture_meta=meta)
    # The disc fills much of the left side; the key point keeps the right-hand column.
    assert share_of(out, MAGENTA, (0, 0, 1200, 1080)) > 0.2
    assert share_of(out, MAGENTA, (1240, 0, 1920, 1080)) == 0
    # The card around the picture takes the picture's own ground: no white box around clip art.
    assert share_of(out, (250, 250, 248), (0, 0, 1200, 1080)) == 0 and share_of(out, (20, 200, 60)) > 0.1
    with Image.open(out) as im:
        assert im.text["picture_source"] == "openclipart" and im.text["picture_description"] == "a magenta disc"
        assert im.text["key_point"] == SLIDE.headline


def test_a_figure_wins_over_a_picture_and_a_picture_without_text_takes_the_middle(tmp_path):
    picture = Image.new("RGB", (800, 600), MAGENTA)
    figure = Image.new("RGB", (800, 600), (20, 200, 60))
    figure.save(tmp_path / "figure.png")
    both = render_frame(SLIDE, "p", STYLE, tmp_path / "both.png", figure=tmp_path / "figure.png", picture=picture)
    assert share_of(both, MAGENTA) == 0 and share_of(both, (20, 200, 60)) > 0.2
    alone = render_frame(Slide(), "p", STYLE, tmp_path / "alone.png", picture=picture)
    assert share_of(alone, MAGENTA, (1240, 300, 1500, 700)) > 0.9  # centred, reaching past the text column's edge


def test_transparent_figure_is_shown_on_white(tmp_path):
    figure = Image.new("RGBA", (1600, 400), (0, 0, 0, 0))
    ImageDraw.Draw(figure).ellipse((100, 50, 1500, 350), fill=(20, 160, 40, 255))
    figure.save(tmp_path / "wide.png")
    out = render_frame(
        Slide(headline="A wide table"),
        "table",
        STYLE,
        tmp_path / "f.png",
        figure=tmp_path / "wide.png",
        caption="Table 2",
    )
    with Image.open(out) as im:
        # The figure is centred horizontally in the wide layout; its transparent corner is white.
        corner = im.convert("RGB").getpixel((200, 140))
    assert min(corner) > 235


def test_unreadable_figure_is_an_input_error_naming_it(tmp_path):
    bad = tmp_path / "figure.png"
    bad.write_bytes(b"not a png")
    with pytest.raises(InputError, match="figure.png"):
        render_frame(SLIDE, "x", STYLE, tmp_path / "f.png", figure=bad)
    assert not (tmp_path / "f.png").exists()


def test_is_blank_for_a_flat_image_but_not_for_a_rendered_frame(tmp_path):
    Image.new("RGB", (1920, 1080), (12, 40, 60)).save(tmp_path / "flat.png")
    rendered = render_frame(SLIDE, "anything", STYLE, tmp_path / "f.png")
    assert is_blank(tmp_path / "flat.png")
    assert not is_blank(rendered)


def test_long_key_point_is_shrunk_and_cut_to_fit_its_box():
    layout = layout_text("extraction " * 300, 1200, 600)
    assert layout.truncated
    assert layout.font_size == render._MIN_TEXT_SIZE
    assert layout.width <= 1200 and layout.height <= 600
    assert layout.lines[-1].endswith("…")


def test_short_key_point_uses_the_largest_size():
    layout = layout_text("Self-supervised learning", 1400, 700)
    assert layout.font_size == render._MAX_TEXT_SIZE
    assert not layout.truncated


def test_words_are_not_split_while_a_smaller_size_fits():
    text = "Self-supervised learner labels its own training data"
    layout = layout_text(text, 546, 800, max_size=72, min_size=26)
    assert " ".join(layout.lines) == text  # every line break falls between words


def test_long_key_point_stays_inside_the_frame(tmp_path):
    background = render_frame(Slide(), "same prompt", STYLE, tmp_path / "bg.png")
    crowded = render_frame(
        Slide("information " * 50, "information " * 100, ("information " * 200,) * 3, "1" * 80, "information " * 50),
        "same prompt",
        STYLE,
        tmp_path / "text.png",
    )
    with Image.open(background) as a, Image.open(crowded) as b:
        left, top, right, bottom = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert left >= 32 and top >= 32 and right <= 1920 - 32 and bottom <= 1080 - 32


def test_title_card_carries_the_title(tmp_path):
    out = render_title_card(
        "Open Information Extraction from the Web",
        "Banko et al., IJCAI 2007",
        STYLE,
        "title prompt",
        tmp_path / "title.png",
    )
    with Image.open(out) as im:
        assert im.size == (1920, 1080)
        assert im.text["key_point"] == "Open Information Extraction from the Web"
        assert im.text["prompt"] == "title prompt"
    assert not is_blank(out)


def test_frame_size_can_be_chosen(tmp_path):
    out = render_frame(SLIDE, "p", STYLE, tmp_path / "small.png", size=(1280, 720))
    with Image.open(out) as im:
        assert im.size == (1280, 720)


def test_missing_fonts_name_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "FONT_DIR", tmp_path / "no-fonts")
    with pytest.raises(VidgenError, match="fonts-dejavu-core"):
        render_frame(SLIDE, "p", STYLE, tmp_path / "f.png")


def test_contact_sheet_shows_the_frames_small_in_a_grid(tmp_path):
    from vidgen_assets.media.render import contact_sheet

    style = style_for("A film")
    frames = [render_frame(Slide(headline=f"Point {i}"), f"prompt {i}", style, tmp_path / f"{i}.png") for i in range(5)]
    sheet = contact_sheet(frames, tmp_path / "sheet.jpg", columns=4, thumb_width=192)
    with Image.open(sheet) as img:
        assert img.format == "JPEG" and img.size == (4 * 192, 2 * 108)
        # the sixth to eighth cells are empty, the first five are not
        assert img.crop((0, 0, 192, 108)).getextrema() != img.crop((192 * 2, 108, 192 * 3, 216)).getextrema()
