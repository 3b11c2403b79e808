# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.sms_gateway.tools.segments import segment_info, transliterate

from ..tools.sms_text import fit, trimmed


def sms_length(text):
    """Characters of ``text`` as the gateway sends it (its default encoding
    policy transliterates what GSM-7 lacks)."""
    return segment_info(transliterate(text)).characters


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    def _dunning_render_sms(self, partner):
        """The body for ``partner``, within one SMS of 140 characters where the
        optional parts can make it so: the vocative goes first, then the
        courtesy sentence (tools/sms_text.py ``fit``)."""
        self.ensure_one()
        # Rendered once, its optional parts marked (tools/sms_text.py
        # ``trimmed``): a run renders thousands of SMS.
        template = self
        if not self.env.context.get("dunning_sms_marks"):
            template = self.with_context(dunning_sms_marks=True)
        marked = template._render_field("body", partner.ids, compute_lang=True)[partner.id]
        return fit(lambda level: trimmed(marked, level), sms_length)[0]
