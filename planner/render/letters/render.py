"""A :class:`planner.render.letters.compose.Letter` as PDF (reportlab, for print and mail) and DOCX (python-docx, editable).

Both show the same content in the same order: letterhead, recipients, place
and date ("Landsmeer, 7 december 2026"), reference and subject, the
sections, the positions with the ward map, the closing with the signing
official and (for illustrative details) a footer saying so. Both are A4 and
Dutch (``nl-NL``: the PDF's language, the DOCX's styles and theme fonts, so
Word checks the spelling in Dutch); a heading always stays with the text
that follows it (KeepTogether in the PDF, keep-with-next in the DOCX). Text
from outside (names, reasons) is escaped for reportlab's paragraph markup.
The PDF uses DejaVu Sans (shipped with matplotlib) so every name prints,
not only Latin-1.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from planner.render.letters.compose import Letter

_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names for reportlab: DejaVu Sans when available, else Helvetica."""
    global _FONTS
    if _FONTS is None:
        try:
            import matplotlib
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont
            folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(folder / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
            _FONTS = ("DejaVuSans", "DejaVuSans-Bold")
        except Exception:  # noqa: BLE001  (fonts missing: the standard font still prints Dutch text)
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


def _sender_lines(letter: Letter) -> list[str]:
    m = letter.municipality
    return [v for v in (m.afzender, m.adres, m.postcode_plaats, f"Telefoon {m.telefoon}" if m.telefoon else "",
                        m.email, m.website) if v]


def _recipient_lines(letter: Letter) -> list[str]:
    lines = [f"Aan de beheerder{'s' if len(letter.recipients) != 1 else ''} van WhatsApp-groep "
             f"{letter.group['group_name']} ({letter.group['group_id']})"]
    for a in letter.recipients:
        lines.append(", ".join(v for v in (a["name"], a.get("email") or a.get("phone")) if v))
    return lines


LANGUAGE = "nl-NL"
PLACES_HEADING = "Waar de borden komen"


def _meta_lines(letter: Letter) -> list[str]:
    return [letter.date_line, f"Kenmerk: aanvraag {letter.request_id}", f"Onderwerp: {letter.subject}"]


def render_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, spaceAfter=5)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=0,
                           textColor=colors.HexColor("#444444"))
    head = ParagraphStyle("head", parent=body, fontName=bold, fontSize=11, spaceBefore=7, spaceAfter=3)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=18, spaceAfter=2)

    def para(text, style=body):
        return Paragraph(escape(str(text)), style)

    buf = io.BytesIO()
    m = letter.municipality
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=1.8 * cm,
                            bottomMargin=1.8 * cm, title=letter.subject, author=m.naam,
                            subject=f"Aanvraag {letter.request_id}", creator="planner", invariant=1,
                            lang=LANGUAGE)
    story = [para(m.naam, title), *[para(line, small) for line in _sender_lines(letter)], Spacer(1, 0.4 * cm)]
    story += [para(line, body if k == 0 else small) for k, line in enumerate(_recipient_lines(letter))]
    story += [Spacer(1, 0.3 * cm), *[para(line, small) for line in _meta_lines(letter)], Spacer(1, 0.4 * cm),
              para(letter.salutation)]
    for heading, paragraphs in letter.sections:
        body_flow = [para(p) for p in paragraphs]
        if heading == PLACES_HEADING and letter.map_png:
            body_flow.insert(1, Image(io.BytesIO(letter.map_png), width=12.5 * cm, height=12.5 * cm * 4.2 / 6.0))
        if heading:  # never alone at the foot of a page: together with what follows (and the map)
            keep = 2 if heading != PLACES_HEADING else 1 + min(len(body_flow), 2)
            story.append(KeepTogether([para(heading, head)] + body_flow[:keep - 1]))
            body_flow = body_flow[keep - 1:]
        story += body_flow
        if heading == PLACES_HEADING:
            if letter.positions:
                rows = [[para(p["line"])] for p in letter.positions]
                table = Table(rows, colWidths=[16.4 * cm])
                table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                           ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
                story.append(table)
    story.append(Spacer(1, 0.3 * cm))
    story.append(KeepTogether([para(line) for line in letter.closing]))
    if letter.footer:
        story += [Spacer(1, 0.4 * cm), para(letter.footer, small)]
    doc.build(story)
    return buf.getvalue()


def render_docx(letter: Letter) -> bytes:
    """The letter as an editable Word document (staff may adjust it before sending)."""
    from datetime import datetime, timezone

    from docx import Document
    from docx.shared import Cm, Pt

    from planner.settings import now

    m = letter.municipality
    doc = Document()
    _dutch_a4(doc)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    props = doc.core_properties
    props.title, props.author, props.subject = letter.subject, m.naam, f"Aanvraag {letter.request_id}"
    props.created = props.modified = datetime.strptime(now(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    props.last_modified_by = m.naam
    props.language = LANGUAGE
    run = doc.add_paragraph().add_run(m.naam)
    run.bold, run.font.size = True, Pt(15)
    doc.add_paragraph("\n".join(_sender_lines(letter)))
    doc.add_paragraph("\n".join(_recipient_lines(letter)))
    doc.add_paragraph("\n".join(_meta_lines(letter)))
    doc.add_paragraph(letter.salutation)
    for heading, paragraphs in letter.sections:
        if heading:
            doc.add_heading(heading, level=2).paragraph_format.keep_with_next = True
        for k, p in enumerate(paragraphs):
            par = doc.add_paragraph(p)
            if heading == PLACES_HEADING and k == 0 and letter.map_png:
                par.paragraph_format.keep_with_next = True  # the introduction stays with the map
        if heading == PLACES_HEADING:
            if letter.map_png:
                doc.add_picture(io.BytesIO(letter.map_png), width=Cm(12.5))
            for p in letter.positions:
                doc.add_paragraph(p["line"]).paragraph_format.keep_together = True
    closing = doc.add_paragraph("\n".join(letter.closing))
    closing.paragraph_format.keep_together = True
    if letter.footer:
        doc.add_paragraph().add_run(letter.footer).italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _dutch_a4(doc) -> None:
    """A4 pages and Dutch as the language of the document (styles, theme fonts, number format)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(1.8)
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), LANGUAGE)
    theme.set(qn("w:eastAsia"), LANGUAGE)
    for tag, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        el = settings.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), value)
    for part in doc.part.package.iter_parts():  # Word 2010's copy of the styles says en-US too
        if str(part.partname).endswith("/stylesWithEffects.xml") and hasattr(part, "_blob"):
            for attr in (b"w:val", b"w:eastAsia"):
                part._blob = re.sub(rb"(<w:lang\b[^>]*?" + attr + rb'=")[^"]*(")',
                                    rb"\g<1>" + LANGUAGE.encode() + rb"\2", part._blob)
    proof = settings.find(qn("w:proofState"))  # the template says 'checked': let Word check the Dutch
    if proof is not None:
        settings.remove(proof)


__all__ = ["render_pdf", "render_docx"]
