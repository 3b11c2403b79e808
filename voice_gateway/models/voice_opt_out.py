# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class VoiceOptOut(models.Model):
    """A number that asked a company for no more automated calls (key 9, or a
    person who recorded it)."""

    _name = "voice.opt.out"
    _description = "Voice Opt-out"
    _order = "id desc"
    _rec_name = "number"

    number = fields.Char(required=True, index=True, help="E.164")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one("res.partner", index="btree_not_null")
    note = fields.Char()

    _sql_constraints = [
        ("number_company_unique", "unique(number, company_id)", "One opt-out per number.")
    ]

    @api.model
    def _opted_out(self, pairs):
        """{(number, company id)} among ``pairs`` [(number, company)] that opted out."""
        numbers = list({number for number, _company in pairs if number})
        if not numbers:
            return set()
        rows = self.sudo().search_read([("number", "in", numbers)], ["number", "company_id"])
        return {(row["number"], row["company_id"][0]) for row in rows}

    @api.model
    def _add(self, number, company, partner=None, note=None):
        if (number, company.id) in self._opted_out([(number, company)]):
            return self.browse()
        return self.sudo().create(
            {
                "number": number,
                "company_id": company.id,
                "partner_id": partner.id if partner else False,
                "note": note or False,
            }
        )
