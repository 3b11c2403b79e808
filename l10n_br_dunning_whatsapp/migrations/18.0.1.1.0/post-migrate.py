# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """Templates made from the earlier suggestions say "a fatura de {{3}}": a
    message that groups several installments no longer goes by them (the
    provider approved that text; it cannot be rewritten here)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    templates = env["whatsapp.template"].with_context(active_test=False).search([])
    marked = templates._dunning_mark_one_invoice()
    if marked:
        _logger.warning(
            "WhatsApp templates that speak of one invoice, not used for grouped messages "
            "until a text for several is approved: %s",
            ", ".join(marked.mapped("name")),
        )
