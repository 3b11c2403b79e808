# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.phone import PhoneNumberError, normalize_mobile


class SmsOptOut(models.Model):
    """A number that asked one company for no more SMS: a reply ("SAIR") to
    that company's gateway, the customer portal, or a person who recorded it.
    The company's gateway refuses its SMS to that number; other companies of
    the database still write to it. Odoo's ``phone.blacklist`` stays what it
    is: a number on it gets no SMS from any company."""

    _name = "sms.opt.out"
    _description = "SMS Opt-out"
    _order = "id desc"
    _rec_name = "number"

    number = fields.Char(required=True, index=True, help="E.164, as the gateway sends to it.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one("res.partner", "Customer", index="btree_not_null")
    source = fields.Selection(
        [
            ("reply", "Reply to an SMS"),
            ("portal", "Customer portal"),
            ("manual", "Recorded by a person"),
        ],
        required=True,
        default="manual",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    note = fields.Char()

    _sql_constraints = [
        ("number_company_unique", "unique(number, company_id)", "One opt-out per number.")
    ]

    @api.model
    def _e164(self, number):
        """``number`` as the gateway sends to it (E.164), else as written."""
        number = (number or "").strip()
        try:
            return normalize_mobile(number)
        except PhoneNumberError:
            return number

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number"):
                vals["number"] = self._e164(vals["number"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("number"):
            vals = {**vals, "number": self._e164(vals["number"])}
        return super().write(vals)

    @api.model
    def _listed(self, pairs):
        """{(number, company id)} among ``pairs`` [(number, company or company
        id)] on this list: the number opted out of that company's SMS."""
        pairs = {(number, getattr(company, "id", company)) for number, company in pairs if number}
        if not pairs:
            return set()
        rows = self.sudo().search_read(
            [
                ("number", "in", list({number for number, _company in pairs})),
                ("company_id", "in", list({company for _number, company in pairs})),
            ],
            ["number", "company_id"],
        )
        return {(row["number"], row["company_id"][0]) for row in rows} & pairs

    @api.model
    def _opted_out(self, pairs):
        """{(number, company id)} among ``pairs`` [(number, company or company
        id)] that must get no SMS from that company: the number opted out of
        it (this list), or of every company (Odoo's global ``phone.blacklist``)."""
        pairs = {(number, getattr(company, "id", company)) for number, company in pairs if number}
        if not pairs:
            return set()
        everywhere = set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", list({number for number, _company in pairs}))])
            .mapped("number")
        )
        return {pair for pair in pairs if pair[0] in everywhere} | self._listed(pairs)

    @api.model
    def _add(self, number, company, source, partner=None, note=None):
        """Record that ``number`` opted out of ``company``'s SMS (once)."""
        number = self._e164(number)
        if not number or (number, company.id) in self._listed([(number, company)]):
            return self.browse()
        return self.sudo().create(
            {
                "number": number,
                "company_id": company.id,
                "source": source,
                "partner_id": partner.id if partner else False,
                "note": note or False,
            }
        )

    @api.model
    def _remove(self, numbers, company):
        """``numbers`` opt back in to ``company``'s SMS."""
        numbers = [self._e164(number) for number in numbers if number]
        if numbers:
            self.sudo().search(
                [("number", "in", numbers), ("company_id", "=", company.id)]
            ).unlink()
