# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningStage(models.Model):
    _inherit = "dunning.stage"
    # A stage's WhatsApp template is one of its company's accounts' (each
    # company's messages leave through its own number).
    _check_company_auto = True

    send_whatsapp = fields.Boolean(
        "WhatsApp",
        help="With the customer's consent and an approved template: WhatsApp instead of the "
        "stage's SMS. Without them, the SMS (then the e-mail) goes instead, and the event "
        "says why.",
    )
    whatsapp_template_id = fields.Many2one(
        "whatsapp.template",
        "WhatsApp template",
        domain="[('model', '=', 'res.partner')]",
        check_company=True,
    )
    whatsapp_template_status = fields.Selection(related="whatsapp_template_id.status")

    def _channels(self):
        channels = super()._channels()
        return ["whatsapp", *channels] if self.send_whatsapp else channels

    @api.constrains("send_whatsapp", "whatsapp_template_id")
    def _check_whatsapp_template(self):
        for stage in self:
            if stage.send_whatsapp and not stage.whatsapp_template_id:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s sends WhatsApp: choose its template.", stage=stage.name
                    )
                )

    @api.constrains("company_id", "whatsapp_template_id")
    def _check_whatsapp_template_company(self):
        """Also when the policy moves to another company (a régua copied for
        it): its stages would write from the first company's WhatsApp number."""
        self._check_company(["whatsapp_template_id"])
