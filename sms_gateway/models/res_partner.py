# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..tools.phone import PhoneNumberError, first_mobile, first_number, normalize_mobile


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _sms_gateway_mobile(self):
        """The contact's mobile in E.164, the one number SMS and WhatsApp go to:
        the mobile, else the phone when it is a mobile. Raises PhoneNumberError
        (with the reason) when neither is."""
        self.ensure_one()
        return first_mobile([self.mobile, self.phone], self.country_id.code or "BR")

    def _sms_gateway_call_number(self):
        """The contact's number a call rings, in E.164: a mobile first (the
        mobile, else the phone when it is one), else a landline (the mobile
        field, then the phone). Raises the first number's PhoneNumberError
        when neither can be rung."""
        self.ensure_one()
        return first_number([self.mobile or "", self.phone or ""], self.country_id.code or "BR")

    def _sms_gateway_call_number_or_none(self):
        try:
            return self._sms_gateway_call_number()
        except PhoneNumberError:
            return None

    def _sms_gateway_mobile_or_none(self):
        try:
            return self._sms_gateway_mobile()
        except PhoneNumberError:
            return None

    def _sms_gateway_mobile_field(self):
        """The field ``_sms_gateway_mobile`` reads: "mobile" or "phone" (the
        mobile when neither holds a mobile number, unless only the phone is set)."""
        self.ensure_one()
        for field in ("mobile", "phone"):
            try:
                normalize_mobile(self[field], self.country_id.code or "BR")
            except PhoneNumberError:
                continue
            return field
        return "mobile" if self.mobile or not self.phone else "phone"
