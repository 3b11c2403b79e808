# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningHoliday(models.Model):
    """Days without contact beyond national and state holidays (municipal holidays,
    commemorative dates, company closures)."""

    _name = "dunning.holiday"
    _description = "Non-working Day for Dunning"
    _order = "date desc"

    name = fields.Char(required=True, translate=True)
    date = fields.Date(required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    city_id = fields.Many2one(
        "res.city", help="Only for customers in this city (municipal holiday). Empty: everyone."
    )
