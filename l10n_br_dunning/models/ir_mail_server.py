# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from odoo import models

from ..tools.qr import QrValueError, qr_png

# The Pix QR codes of the régua's e-mails: <img class="dunning-pix-qr"
# src=".../dunning/qr.png?value=..."> (account.move.line._dunning_pix_qr_url).
# Gmail and Outlook block data: URLs, and an image fetched from the server may
# stay hidden until the reader allows it: the e-mail carries each one as an
# inline part (multipart/related, cid:), with the code as text beside it.
PIX_IMG = re.compile(r'<img\b[^>]*\bclass="dunning-pix-qr"[^>]*>')
SRC = re.compile(r'\bsrc="([^"]*)"')
QR_PATH = "/dunning/qr.png"


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def build_email(self, email_from, email_to, subject, body, *args, **kwargs):
        message = super().build_email(email_from, email_to, subject, body, *args, **kwargs)
        if body and "dunning-pix-qr" in body:
            _inline_qr_codes(message)
        return message


def _inline_qr_codes(message):
    """Turn the Pix QR images of the HTML part into inline image parts."""
    html_part = next(
        (part for part in message.walk() if part.get_content_type() == "text/html"), None
    )
    if html_part is None:
        return
    images = {}

    def inline(match):
        tag = match.group(0)
        src = SRC.search(tag)
        value = _qr_value(src.group(1)) if src else None
        if not value:
            return tag
        cid = f"pix-{hashlib.sha256(value.encode()).hexdigest()[:20]}@dunning"
        if cid not in images:
            try:
                images[cid] = qr_png(value)
            except QrValueError:
                return tag
        return tag.replace(src.group(0), f'src="cid:{cid}"')

    html = PIX_IMG.sub(inline, html_part.get_content())
    if not images:
        return
    html_part.set_content(html, subtype="html", charset="utf-8")
    for cid, png in images.items():
        html_part.add_related(
            png, maintype="image", subtype="png", cid=f"<{cid}>", filename="pix-qr.png"
        )


def _qr_value(src):
    """The value of a /dunning/qr.png URL, else None."""
    url = urlsplit(unescape(src))
    if not url.path.endswith(QR_PATH):
        return None
    values = parse_qs(url.query).get("value")
    return values[0] if values else None
