# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from odoo.addons.sms_gateway.models.sms_sms import PHONE_ERRORS
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError, normalize_mobile

from .account_move import PORTAL_RATE_LIMIT, DunningRateLimit


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        "Dunning policy",
        company_dependent=True,
        help="Overrides the company's default régua for this customer.",
    )
    dunning_excluded = fields.Boolean(
        "Do not dun", help="The régua never contacts this customer.", tracking=True
    )
    # Contact preferences the customer sets on the portal.
    dunning_preferred_channel = fields.Selection(
        [("any", "As the company decides"), ("email", "E-mail"), ("sms", "SMS")],
        "Preferred channel",
        default="any",
        help="E-mail: the régua sends no SMS to this customer (stages by SMS go by e-mail). "
        "SMS: stages by e-mail and SMS send the SMS only.",
    )
    dunning_preferred_hours = fields.Selection(
        [
            ("any", "Any time in the sending window"),
            ("morning", "Mornings"),
            ("afternoon", "Afternoons"),
        ],
        "Preferred hours",
        default="any",
    )

    def write(self, vals):
        result = super().write(vals)
        replan = {"dunning_policy_id", "dunning_excluded", "tz", "state_id", "city_id"}
        if (replan | {"dunning_preferred_hours"}) & set(vals):
            self.env["account.move.line"].sudo()._dunning_replan_partners(
                self.commercial_partner_id
            )
        return result

    def _dunning_policy(self, company):
        """The customer's own policy, else the company's default."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        return partner.dunning_policy_id or company.dunning_policy_id

    # -- contact preferences from the portal ---------------------------------------------
    def _dunning_sms_opted_out(self):
        self.ensure_one()
        number = self._dunning_e164()
        return bool(
            number
            and self.env["phone.blacklist"].sudo().search_count([("number", "=", number)], limit=1)
        )

    def _dunning_e164(self):
        try:
            return normalize_mobile(self.mobile or "", self.country_id.code or "BR")
        except PhoneNumberError:
            return False

    def _dunning_portal_set_preferences(
        self, company, channel, hours, mobile, sms_opt_out, ip_address=None
    ):
        """Save what the customer chose on the portal; refuse it all on bad input."""
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=1)
        Request = self.env["dunning.portal.request"].sudo()
        recent = Request.search_count(
            [
                ("partner_id", "=", self.id),
                ("kind", "=", "preferences"),
                ("create_date", ">=", since),
            ]
        )
        if recent >= PORTAL_RATE_LIMIT:
            raise DunningRateLimit(
                self.env._(
                    "Your preferences were changed several times in the last hour. "
                    "Please try again later."
                )
            )
        channels = dict(self._fields["dunning_preferred_channel"].selection)
        hours_choices = dict(self._fields["dunning_preferred_hours"].selection)
        if channel not in channels or hours not in hours_choices:
            raise UserError(self.env._("Please choose a channel and the hours that suit you."))
        mobile = (mobile or "").strip()
        number = False
        if mobile:
            try:
                number = normalize_mobile(mobile, self.country_id.code or "BR")
            except PhoneNumberError as error:
                raise UserError(
                    self.env._(
                        "This mobile number cannot receive SMS: %(reason)s",
                        reason=PHONE_ERRORS[error.code]._translate(self.env.lang),
                    )
                ) from error
        elif channel == "sms":
            raise UserError(self.env._("Please give a mobile number to receive SMS."))
        old_number = self._dunning_e164()
        self.write(
            {
                "dunning_preferred_channel": channel,
                "dunning_preferred_hours": hours,
                "mobile": number or False,
            }
        )
        Blacklist = self.env["phone.blacklist"].sudo()
        for each in {old_number, number} - {False}:
            if sms_opt_out:
                Blacklist._add([each], message=self.env._("Opted out on the customer portal."))
            else:
                Blacklist._remove([each], message=self.env._("Opted in on the customer portal."))
        details = self.env._(
            "Channel: %(channel)s; hours: %(hours)s; mobile: %(mobile)s; SMS: %(sms)s.",
            channel=dict(
                self._fields["dunning_preferred_channel"]._description_selection(self.env)
            )[channel],
            hours=dict(self._fields["dunning_preferred_hours"]._description_selection(self.env))[
                hours
            ],
            mobile=number or "-",
            sms=self.env._("no") if sms_opt_out else self.env._("yes"),
        )
        self.message_post(
            body=self.env._(
                "Contact preferences changed on the portal. %(details)s", details=details
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.id,
        )
        Request.create(
            {
                "partner_id": self.id,
                "company_id": company.id,
                "kind": "preferences",
                "details": details,
                "ip_address": ip_address,
            }
        )

    # -- helpers of the SMS templates (installments in the rendering context) ------------
    def _dunning_context_lines(self):
        ids = self.env.context.get("dunning_line_ids") or []
        return self.env["account.move.line"].browse(ids).sorted("date_maturity")

    def _dunning_sms_amount(self):
        lines = self._dunning_context_lines()
        currency = lines[:1].company_currency_id or self.env.company.currency_id
        return format_amount(
            self.env, sum(lines.mapped("amount_residual")), currency, lang_code=self.lang
        )

    def _dunning_sms_due_date(self):
        lines = self._dunning_context_lines()
        if not lines:
            return ""
        return format_date(
            self.env, lines[0].date_maturity, lang_code=self.lang, date_format="dd/MM"
        )

    def _dunning_sms_link(self):
        lines = self._dunning_context_lines()
        return lines[:1].move_id._dunning_short_url() if lines else ""
