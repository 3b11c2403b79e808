# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.l10n_br_dunning.tools.sms_text import called_name, spoken_name
from odoo.addons.voice_gateway.tools import call_flow as flow
from odoo.addons.voice_gateway.tools.sms import phone
from odoo.addons.voice_gateway.tools.speech import amount_in_words, date_in_words, digits_spaced

from ..tools import voice_script

# Script field -> the key of tools/voice_script (and of call_flow.Script).
TEXT_FIELDS = {
    "greeting": "greeting",
    "machine": "machine",
    "other_person": "other_person",
    "message": "message",
    "menu": "menu",
    "reply_link": flow.LINK,
    "reply_talk": flow.TALK,
    "reply_talk_callback": "talk_callback",
    "reply_paid": flow.PAID,
    "reply_opt_out": flow.OPT_OUT,
    "goodbye": "goodbye",
    "single_step": "single_step",
    "single_step_callback": "single_step_callback",
}
# The shipped text (data/dunning_voice_script_data.xml), also the default of a
# script made before it existed.
SINGLE_STEP_CALLBACK = (
    "This is a call from {company} for {customer}. If you are {first_name}, press 1 and our "
    "team will call you back. If not, please ask {first_name} to call us back on {callback}."
)
PLACEHOLDER_HELP = (
    "Placeholders: {company}, {customer}, {first_name}, {callback}; after the confirmation "
    "also {amount} and {due_date} (in words) and {count} (installments)."
)


class DunningVoiceScript(models.Model):
    """What a reminder call says, in the customer's language: short texts with
    placeholders (tools/voice_script.py), translated like every template."""

    _name = "dunning.voice.script"
    _description = "Voice Reminder Script"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    greeting = fields.Text(
        required=True,
        translate=True,
        help="The first words: the company and the customer, and the key that confirms "
        "who answered. Nothing about the debt. " + PLACEHOLDER_HELP,
    )
    machine = fields.Text(
        "To an answering machine",
        required=True,
        translate=True,
        help="The company's name and a number to call back only.",
    )
    other_person = fields.Text(
        "To someone else",
        required=True,
        translate=True,
        help="Said when the person who answered is not the customer: the company and a number "
        "to call back only.",
    )
    message = fields.Text(
        "After the confirmation", required=True, translate=True, help=PLACEHOLDER_HELP
    )
    menu = fields.Text(required=True, translate=True)
    reply_link = fields.Text("Key 1: payment link", required=True, translate=True)
    reply_talk = fields.Text("Key 2: transfer", required=True, translate=True)
    reply_talk_callback = fields.Text("Key 2: call back", required=True, translate=True)
    reply_paid = fields.Text("Key 3: already paid", required=True, translate=True)
    reply_opt_out = fields.Text("Key 9: no more calls", required=True, translate=True)
    goodbye = fields.Text("No key pressed", required=True, translate=True)
    single_step = fields.Text(
        "One-message providers",
        required=True,
        translate=True,
        help="Zenvia and Infobip play one message and read one key: the greeting, with 1 to "
        "receive the payment link by message. Nothing about the debt.",
    )
    single_step_callback = fields.Text(
        "One-message providers, no message possible",
        required=True,
        translate=True,
        default=SINGLE_STEP_CALLBACK,
        help="Said instead on Zenvia and Infobip where the payment link cannot go by message "
        "(a landline, SMS refused): 1 asks the team to call back. Nothing about the debt.",
    )

    @api.constrains(*TEXT_FIELDS)
    def _check_placeholders(self):
        labels = {name: self._fields[name].string for name in TEXT_FIELDS}
        by_key = {key: name for name, key in TEXT_FIELDS.items()}
        for script in self:
            try:
                voice_script.check(script._texts())
            except voice_script.ScriptError as error:
                field = labels[by_key[error.text]]
                if error.problem == "debt_before_confirmation":
                    raise ValidationError(
                        self.env._(
                            "%(field)s is heard before the customer confirms who they are: it "
                            "cannot say %(name)s (CDC art. 42).",
                            field=field,
                            name=error.name,
                        )
                    ) from error
                raise ValidationError(
                    self.env._(
                        "%(field)s uses %(name)s, which is not a placeholder of voice scripts.",
                        field=field,
                        name=error.name or "{}",
                    )
                ) from error

    def _texts(self):
        self.ensure_one()
        return {key: self[name] or "" for name, key in TEXT_FIELDS.items()}

    def _script_for(self, partner, lines, account):
        """The ``call_flow.Script`` (a dict) of a call to ``partner`` about
        ``lines``, in the customer's language. Raises ValueError when a text
        cannot be rendered."""
        self.ensure_one()
        company = lines[:1].company_id or self.env.company
        lang = partner._dunning_lang(company)
        facts = partner.with_context(dunning_line_ids=lines.ids)._dunning_message_facts()
        today = partner._dunning_today(company)
        # The name every message gives the customer, said on one line: no
        # emoji nor markup, not in capitals, a company without "Ltda. - ME".
        name = partner._dunning_addressed_name()
        values = {
            "company": spoken_name(company.name) or company.name,
            "customer": name,
            # The core's rule (emoji, titles, capitals; a company, even one
            # imported as a person, by its name); the whole name when it gives
            # none, so that the call still says whom it is for.
            "first_name": called_name(partner.name, partner.is_company) or name,
            # An invoice in another currency: its own amount too, as every
            # other message says it ("..., mil dólares ao câmbio de hoje").
            "amount": ", ".join(
                filter(
                    None,
                    (
                        amount_in_words(facts["amount"], lang),
                        partner._dunning_foreign_text(facts, lang, in_words=True),
                    ),
                )
            ),
            "due_date": date_in_words(facts["first_due"], lang, today)
            if facts["first_due"]
            else "",
            "count": facts["count"],
            "callback": digits_spaced(account._callback_number()),
        }
        texts = self.with_context(lang=lang)._texts()
        try:
            rendered = voice_script.render(texts, values)
        except voice_script.ScriptError as error:
            raise ValueError(
                self.env._(
                    "the voice script %(script)s cannot be said: %(error)s",
                    script=self.name,
                    error=error,
                )
            ) from error
        replies = {
            key: rendered.pop(key) for key in (flow.LINK, flow.TALK, flow.PAID, flow.OPT_OUT)
        }
        replies["talk_callback"] = rendered.pop("talk_callback")
        transfer = phone.normalize(account.transfer_number) if account.transfer_number else ""
        return {
            **rendered,
            "replies": replies,
            "language": "pt-BR" if lang == "pt_BR" else lang.replace("_", "-"),
            "voice": account.tts_voice or "",
            "transfer_number": transfer,
        }
