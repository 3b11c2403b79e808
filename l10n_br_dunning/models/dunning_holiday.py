# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools


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

    @api.model_create_multi
    def create(self, vals_list):
        holidays = super().create(vals_list)
        holidays._dunning_replan_companies(holidays.company_id)
        return holidays

    def write(self, vals):
        companies = self.company_id
        result = super().write(vals)
        self._dunning_replan_companies(companies | self.company_id)
        return result

    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        self._dunning_replan_companies(companies)
        return result

    def _dunning_replan_companies(self, companies):
        """Effective due dates and next actions move with the calendar."""
        self.env.registry.clear_cache()  # _dunning_days_off
        companies._dunning_replan()

    @api.model
    @tools.ormcache("company_id")
    def _dunning_days_off(self, company_id):
        """((date, city id or False), ...): the company's days without contact,
        read once per process until one changes (every planning context, of a
        run, a portal page or a message, asks for them)."""
        rows = self.sudo().search_read([("company_id", "=", company_id)], ["date", "city_id"])
        return tuple((row["date"], row["city_id"] and row["city_id"][0]) for row in rows)
