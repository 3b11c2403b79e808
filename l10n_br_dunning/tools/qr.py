"""QR codes as PNG images (the Pix "copia e cola" of the portal and e-mails).

Odoo's own ``/report/barcode`` draws through reportlab's renderPM, which a pip
installation of Odoo may lack; the ``qrcode`` package (one of Odoo's own
requirements) draws with Pillow.
"""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

# A Pix EMV payload is about 150 characters; nothing the régua encodes is longer
# than this, and a longer value is refused rather than drawn.
MAX_VALUE = 512


class QrValueError(ValueError):
    """The value cannot be drawn as a QR code (empty or too long)."""


def qr_png(value, box_size=6, border=2):
    """PNG bytes of ``value`` as a QR code (error correction M, readable from a
    phone's screen or a printout)."""
    if not value or len(value) > MAX_VALUE:
        raise QrValueError(f"a QR value must have 1 to {MAX_VALUE} characters")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(value)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
