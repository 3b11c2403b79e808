# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tokens of grouped messages' links that were revoked: their page answers
like an expired link and offers to send the current one."""

from odoo import fields, models


class DunningCustomerLinkRevoked(models.Model):
    _name = "dunning.customer.link.revoked"
    _description = "Revoked link to a customer's open items"
    _rec_name = "link_id"

    link_id = fields.Many2one(
        "dunning.customer.link", required=True, ondelete="cascade", index=True, readonly=True
    )
    token = fields.Char(required=True, readonly=True, copy=False, index=True)

    _sql_constraints = [("token_uniq", "unique(token)", "A link's token is unique.")]
