# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.tools.pdf import PdfFileReader

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..tools.agreements import term_sha256

CITY_OF = {
    "base.state_br_sp": "São Paulo",
    "base.state_br_rj": "Rio de Janeiro",
    "base.state_br_am": "Manaus",
}
CEP_OF = {
    "base.state_br_sp": "01310-100",
    "base.state_br_rj": "20040-002",
    "base.state_br_am": "69005-070",
}


def pdf_page_lines(pdf):
    """Each page of the PDF ``pdf`` (bytes) as its lines of text, spaces folded."""
    reader = PdfFileReader(io.BytesIO(pdf))
    return [
        [" ".join(line.split()) for line in page.extract_text().splitlines()]
        for page in reader.pages
    ]


def pdf_pages(pdf):
    """Each page of the PDF ``pdf`` (bytes) as one text, spaces folded."""
    return [" ".join(" ".join(lines).split()) for lines in pdf_page_lines(pdf)]


# Where the portal tests' clock stands: 10:00 in São Paulo, five days after
# their invoice's due date (``DunningCase._portal_invoice``).
PORTAL_NOW = datetime(2026, 12, 15, 13, 0)


class DunningCase(AccountTestInvoicingCommon):
    """A Brazilian company with the shipped régua, a log-only SMS gateway and
    customers in São Paulo, Rio de Janeiro and Manaus."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.partner_id.write(
            {
                "state_id": cls.env.ref("base.state_br_sp").id,
                "street": "Rua Augusta, 1500",
                "city": "São Paulo",
                "tz": "America/Sao_Paulo",
                "vat": "15.881.399/0001-34",
                "email": "cobranca@aurora.example",
            }
        )
        cls.policy = cls.company._dunning_ensure_policy()
        cls.stages = {stage.offset_days: stage for stage in cls.policy.stage_ids}
        cls.gateway = cls.env["sms.gateway"].create(
            {"name": "Log", "provider": "log", "company_id": cls.company.id}
        )
        cls.sp = cls._customer(
            "Maria Souza", "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-4321"
        )
        cls.rj = cls._customer(
            "Ana Ferreira", "base.state_br_rj", "America/Sao_Paulo", "(21) 99876-5432"
        )
        cls.manaus = cls._customer(
            "Distribuidora Amazonas", "base.state_br_am", "America/Manaus", "(92) 99123-4567"
        )

    @classmethod
    def _branch(cls, name, state, street, city, vat, email, **company_values):
        """Another company of the database, identified as a collection message
        must name it (CDC art. 42-A), with the shipped régua; ``company_values``
        for the company itself (its currency)."""
        company = cls.setup_other_company(name=name, **company_values)["company"]
        company.partner_id.write(
            {
                "state_id": cls.env.ref(state).id,
                "street": street,
                "city": city,
                "vat": vat,
                "email": email,
            }
        )
        company._dunning_ensure_policy()
        return company

    @classmethod
    def _rio_branch(cls):
        """The Rio branch of the several-companies tests (``_branch``)."""
        return cls._branch(
            "Aurora Filial Rio",
            "base.state_br_rj",
            "Avenida Rio Branco, 156",
            "Rio de Janeiro",
            "15.881.399/0002-15",
            "cobranca.rio@aurora-rio.example",
        )

    @classmethod
    def _load_portuguese(cls):
        """Brazilian Portuguese active, with this add-on's translations."""
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning"], ["pt_BR"], overwrite=True
        )

    @classmethod
    def _customer(cls, name, state, tz, mobile, **values):
        """A customer with an e-mail, a mobile and a postal address (a letter
        can be posted to them)."""
        return cls.env["res.partner"].create(
            {
                "name": name,
                "street": "Rua das Palmeiras, 200",
                "city": CITY_OF.get(state, "Campinas"),
                "zip": CEP_OF.get(state, "13010-050"),
                "state_id": cls.env.ref(state).id,
                "country_id": cls.env.ref("base.br").id,
                "tz": tz,
                "mobile": mobile,
                "email": f"{name.split()[0].lower()}@cliente.example",
                **values,
            }
        )

    @classmethod
    def _company_pix_key(cls, proxy_type="email", proxy_value="pix@aurora.example", **values):
        """The company's bank account with a Pix key: the static Pix code."""
        return cls.env["res.partner.bank"].create(
            {
                "acc_number": "12345-6",
                "partner_id": cls.company.partner_id.id,
                "proxy_type": proxy_type,
                "proxy_value": proxy_value,
                **values,
            }
        )

    @classmethod
    def _invoice(
        cls,
        partner,
        due,
        amount=100.0,
        post_at=None,
        payment_term=None,
        company=None,
        currency=None,
    ):
        """A posted invoice due on ``due`` (a date), posted at ``post_at``, of
        ``company`` (default: the test company), in ``currency`` (default: the
        company's)."""
        values = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": due - timedelta(days=30),
            "invoice_line_ids": [
                Command.create(
                    {"name": "Papel A4", "quantity": 1, "price_unit": amount, "tax_ids": []}
                )
            ],
        }
        if currency:
            values["currency_id"] = currency.id
        if payment_term:
            values["invoice_payment_term_id"] = payment_term.id
        else:
            values["invoice_date_due"] = due
        move = cls.env["account.move"].with_company(company or cls.env.company).create(values)
        with freeze_time(post_at or (due - timedelta(days=30))):
            move.action_post()
        return move

    @classmethod
    def _portal_invoice(cls):
        """The portal tests' invoice: Maria, in Brazilian Portuguese, owes
        R$ 1.180,50 due on 10/12/2026, payable by Pix, its link's token made
        (their clock: ``PORTAL_NOW``)."""
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls._company_pix_key()
        move = cls._invoice(cls.sp, date(2026, 12, 10), 1180.5)
        move._portal_ensure_token()
        return move

    def _freeze_clock(self, moment):
        """Freeze this test's clock at ``moment`` until the test ends (the
        server's too: the HTTP requests of a test are served in its process);
        returns the clock, which ``tick`` and ``move_to`` move."""
        frozen = freeze_time(moment)
        clock = frozen.start()
        self.addCleanup(frozen.stop)
        return clock

    def _run(self, at):
        with freeze_time(at):
            # As the scheduled action does: as the superuser.
            self.env["dunning.engine"].sudo()._cron_run()

    def _report_pdf(self, report, ids):
        """The PDF of the report ``report`` (its name) for ``ids``, rendered."""
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, ids)
        )
        self.assertEqual(kind, "pdf")
        return pdf

    def _events(self, moves, **filters):
        domain = [("move_id", "in", moves.ids)] + [(k, "=", v) for k, v in filters.items()]
        return self.env["dunning.event"].search(domain, order="id")

    def _sent(self, moves):
        """[(stage offset, channel)] of the events that produced a message."""
        events = self._events(moves).filtered(lambda e: e.state in ("queued", "to_print"))
        return [(e.stage_id.offset_days, e.channel) for e in events]

    @staticmethod
    def _text(html):
        """What a reader sees (and copies) of ``html``: its text, without tags."""
        return lxml_html.fromstring(html).text_content()

    def _email_html(self, message):
        """The e-mail the customer receives for a chatter message: the message in
        the régua's layout (the footer names the supplier, CDC art. 42-A)."""
        return self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)]).body_html

    def _sent_sms_text(self, event):
        """What the company's SMS gateway sent for an SMS event, once Odoo's SMS
        queue processed it (the gateway transliterates: João -> Joao), right after
        the régua wrote it (inside the customer's window, whatever the clock
        of the machine running the tests says)."""
        with freeze_time(event.sent_at):
            self.env["sms.sms"].sudo().search([("uuid", "=", event.sms_uuid)])._send()
        log = self.env["sms.gateway.message"].sudo().search([("sms_uuid", "=", event.sms_uuid)])
        return log.body

    def _pay(self, move, amount=None, date=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount or move.amount_residual,
                    "payment_date": date or move.invoice_date,
                }
            )
        )
        return wizard._create_payments()

    def assertRefusedLikeOdoo(self, path, **kwargs):
        """``path`` answers as Odoo's portal answers a visitor who may not open
        an invoice (``portal_my_invoice_detail``): a redirect to /my, and
        nothing of the document. Returns the response."""
        response = self.url_open(path, allow_redirects=False, **kwargs)
        self.assertIn(response.status_code, (302, 303), path)
        self.assertEqual(urlsplit(response.headers["Location"]).path, "/my", path)
        return response

    def _cancel_agreement(self, agreement, ground="customer_request", channel="phone", note=""):
        """The collections team cancels ``agreement`` as its button does: at once
        when the customer never accepted it, else through the form asking the
        ground of clause 3.5 (returns what the button returned)."""
        action = agreement.action_cancel()
        if not isinstance(action, dict):
            return action
        self.assertEqual(action["res_model"], "dunning.agreement.cancel")
        wizard = (
            self.env["dunning.agreement.cancel"]
            .with_context(**action["context"])
            .create({"ground": ground, "channel": channel, "note": note})
        )
        return wizard.action_confirm()

    @staticmethod
    def _customer_accepts(agreement, via="token"):
        """The customer accepts the whole term of ``agreement`` on the portal, as
        the page records it (the SHA-256 of the text shown, IP, browser)."""
        shown = agreement._term_text(masked=via == "token")  # as a token page shows it
        agreement._record_acceptance(term_sha256(shown), "127.0.0.1", "Mozilla/5.0 (test)", via)
        return agreement

    def _last_code(self, partner):
        """The one-time code the customer received last (the SMS the company's
        gateway sent to their mobile, else the e-mail): what they would type."""
        sms = (
            self.env["sms.gateway.message"]
            .sudo()
            .search([("partner_id", "=", partner.id)], order="id desc", limit=1)
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "=", partner.email)], order="id desc", limit=1)
        )
        texts = [sms.body or "", self._text(mail.body_html) if mail.body_html else ""]
        for text in texts:
            found = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
            if found:
                return found.group(1)
        return None

    def _post_confirming(self, url, data, partner=None, **kwargs):
        """POST a form from a token page as the customer would: when the page
        asks for the one-time code, type the one received and send it again."""
        response = self.url_open(url, data=data, allow_redirects=False, **kwargs)
        if response.status_code == 200 and "o_dunning_code_step" in response.text:
            code = self._last_code(partner or self.sp)
            response = self.url_open(
                url, data={**data, "dunning_code": code}, allow_redirects=False, **kwargs
            )
        return response
