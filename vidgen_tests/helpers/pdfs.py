"""Small PDFs written byte by byte, for tests of what the reader does with unusual pages."""

from __future__ import annotations


def make_pdf(pages: list[tuple[bytes, bytes]]) -> bytes:
    """A small PDF of US-letter pages in Helvetica (/F1), Helvetica-Bold (/F2) and
    Helvetica-Oblique (/F3), from (stream dictionary entries, content)."""
    count = len(pages)
    font = 3 + 2 * count
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    for i, (entries, content) in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R >> >> >>" % (4 + 2 * i, font, font + 1, font + 2)
        )
        objects.append(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(content), entries, content))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Oblique >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_lines(lines: list[str], top: float, size: float = 10, x: float = 72, bold: bool = False) -> bytes:
    """Content-stream text for make_pdf: one line each, from `top` (points from the page bottom)
    down, in Helvetica or Helvetica-Bold."""
    font = b"F2" if bold else b"F1"
    return b"".join(
        b"BT /%s %.1f Tf %.1f %.1f Td (%s) Tj ET\n" % (font, size, x, top - i * size * 1.2, line.encode("latin-1"))
        for i, line in enumerate(lines)
    )
