# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import params as wa_params
from ..tools import providers

STATUSES = [
    (providers.PENDING, "Waiting for approval"),
    (providers.APPROVED, "Approved"),
    (providers.REJECTED_TEMPLATE, "Rejected"),
    (providers.PAUSED, "Paused"),
    (providers.DISABLED, "Disabled"),
    (providers.REFUSED_TEMPLATE, "Refused when sending"),
]


class WhatsappTemplate(models.Model):
    """A template the provider (Meta, through it) approved, and how its
    variables are filled from an Odoo record."""

    _name = "whatsapp.template"
    _description = "WhatsApp Template"
    _order = "account_id, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one("whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    provider = fields.Selection(related="account_id.provider")
    template_ref = fields.Char(
        "Template name or id",
        required=True,
        help="Meta and Infobip: the template's name; Twilio: its Content SID (HX...); "
        "Zenvia: its id.",
    )
    lang_code = fields.Char("Language", required=True, default="pt_BR")
    category = fields.Selection(
        [("utility", "Utility"), ("marketing", "Marketing"), ("authentication", "Authentication")],
        required=True,
        default="utility",
        help="Collection reminders are utility messages: they concern a purchase the "
        "customer made, with no promotion.",
    )
    status = fields.Selection(STATUSES, required=True, default=providers.PENDING)
    status_reason = fields.Char("Provider's reason", readonly=True)
    status_checked_at = fields.Datetime("State read at", readonly=True)
    model_id = fields.Many2one(
        "ir.model",
        "Applies to",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env["ir.model"]._get("res.partner"),
    )
    model = fields.Char(related="model_id.model", store=True)
    body = fields.Text(
        "Approved text",
        help="The text as approved, with its placeholders ({{1}}, {{2}}... or Zenvia's "
        "{{field}}): shown on the chatter with the values filled in.",
    )
    variable_ids = fields.One2many(
        "whatsapp.template.variable", "template_id", "Variables", copy=True
    )

    @api.constrains("body", "variable_ids")
    def _check_variables(self):
        for template in self:
            if not template.body:
                continue
            expected = wa_params.placeholders(template.body)
            names = template.variable_ids.sorted("sequence").mapped("name")
            if sorted(expected) != sorted(names):
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: its text uses %(expected)s, its variables are "
                        "%(names)s. Each placeholder needs exactly one variable.",
                        template=template.name,
                        expected=", ".join(expected) or "-",
                        names=", ".join(names) or "-",
                    )
                )

    def _is_usable(self):
        """Business-initiated messages use approved templates only."""
        self.ensure_one()
        return self.active and self.status == providers.APPROVED

    # -- rendering -----------------------------------------------------------------------
    def _odoo_lang(self):
        """The installed Odoo language the approved text is written in (its
        variables must speak it too: "pt_BR", "pt" -> pt_BR), or None."""
        self.ensure_one()
        code = (self.lang_code or "").replace("-", "_")
        installed = [lang for lang, _name in self.env["res.lang"].get_installed()]
        if code in installed:
            return code
        return next((lang for lang in installed if lang.split("_")[0] == code), None)

    def _render_params(self, res_ids):
        """{res_id: [(variable name, value)]} in the template's order; a value
        WhatsApp would refuse raises ``ParameterError`` (its variable named)."""
        self.ensure_one()
        result = {res_id: [] for res_id in res_ids}
        Render = self.env["mail.render.mixin"]
        for variable in self.variable_ids.sorted("sequence"):
            values = Render._render_template(
                variable.expression,
                self.model,
                res_ids,
                engine="inline_template",
                options={"post_process": False},
            )
            for res_id in res_ids:
                result[res_id].append(
                    (variable.name, wa_params.clean(variable.name, values[res_id]))
                )
        return result

    def _render_text(self, params):
        """The approved text with ``params`` filled in (what the customer reads)."""
        self.ensure_one()
        if not self.body:
            return " · ".join(value for _name, value in params)
        return wa_params.fill(self.body, params)

    # -- approval ----------------------------------------------------------------------------
    def action_fetch_status(self):
        errors = []
        for template in self:
            try:
                info = template.account_id._get_provider().fetch_template(
                    template.template_ref, template.lang_code
                )
            except providers.ProviderError as error:
                errors.append(f"{template.name}: {error}")
                continue
            if info is not None:
                template._set_status(info)
        if errors:
            raise UserError(
                self.env._(
                    "Some template states could not be read:\n%(errors)s", errors="\n".join(errors)
                )
            )
        return True

    def _refused_when_sent(self, status, detail):
        """The provider refused a message for a reason that proves this
        template cannot be sent (``providers.template_refusal``): it takes
        ``status`` with the provider's words, so no later message tries it
        first, and the account's administrators are told, once, on its chatter.
        Reading its state approved (or the provider's webhook saying so) makes
        it usable again."""
        self.ensure_one()
        if not self._is_usable():
            return False
        self.sudo().write(
            {
                "status": status,
                "status_reason": detail,
                "status_checked_at": fields.Datetime.now(),
            }
        )
        words = dict(self._fields["status"]._description_selection(self.env))[status]
        self.account_id.sudo().message_post(
            body=self.env._(
                "The provider refused WhatsApp template %(template)s (%(lang)s) when sending "
                "a message: %(detail)s. It is now marked %(status)s and messages that would use "
                'it go another way. Once it is fixed at the provider, use "Read template '
                'states" to use it again.',
                template=self.name,
                lang=self.lang_code,
                detail=detail,
                status=words,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _set_status(self, info):
        values = {"status": info.status, "status_reason": info.reason or False}
        values["status_checked_at"] = fields.Datetime.now()
        if info.category in ("utility", "marketing", "authentication"):
            values["category"] = info.category
        self.sudo().write(values)
