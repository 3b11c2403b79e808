# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class WhatsappTemplateVariable(models.Model):
    """One of a template's placeholders and the expression that fills it."""

    _name = "whatsapp.template.variable"
    _description = "WhatsApp Template Variable"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "whatsapp.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(
        "Placeholder",
        required=True,
        help="1, 2, 3... as in the approved text ({{1}}); Zenvia: the field's name.",
    )
    expression = fields.Char(
        required=True,
        help="What fills it, on the template's record: e.g. {{ object.name }}.",
    )
    sample = fields.Char(help="An example value, as the provider asks for approval.")
