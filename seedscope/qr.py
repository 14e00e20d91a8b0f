"""QR codes for the participant link, as PNG bytes for ``st.image``.

``st.html`` sanitises inline SVG away, so the projector shows a PNG.
"""

from __future__ import annotations

import io

import segno


def qr_png(text: str, *, scale: int = 8) -> bytes:
    code = segno.make(text, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
