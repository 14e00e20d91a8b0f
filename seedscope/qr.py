"""QR codes for the participant link, as SVG text (no image libraries needed)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, scale: int = 8, dark: str = "#000000", light: str = "#ffffff") -> str:
    """An SVG QR code of ``text``; quiet zone included so phones read it off a projector."""
    code = segno.make(text, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        dark=dark,
        light=light,
        xmldecl=False,
        svgns=True,
        title="Scan to join the workshop",
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(text: str, *, scale: int = 8) -> bytes:
    code = segno.make(text, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
