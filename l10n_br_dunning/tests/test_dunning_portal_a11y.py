# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import PORTAL_NOW, DunningCase


@tagged("post_install", "-at_install")
class TestDunningPortalA11y(DunningCase, HttpCase):
    """A customer on a cheap phone with a screen reader (TalkBack), opening the
    pages of a reminder's link over real HTTP: what the reader needs to read
    them. The clock is frozen on 15/12/2026 (São Paulo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._portal_invoice()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(PORTAL_NOW)

    def _tree(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return lxml_html.fromstring(response.content)

    def _invoice_url(self, path=""):
        return f"/my/invoices/{self.move.id}{path}?access_token={self.move.access_token}"

    def test_every_page_of_a_link_says_its_language(self):
        """The pages had no lang on <html>: a screen reader set to another
        language (an English phone) read the Portuguese text with its English
        voice. Each page now says the language it is written in, the
        customer's."""
        link = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        pages = [
            self._invoice_url(),
            self._invoice_url("/dunning/preferences"),
            self._invoice_url("/dunning/agreement"),
            "/" + link.split("/", 3)[3],
        ]
        for url in pages:
            self.assertEqual(self._tree(url).get("lang"), "pt-BR", url)
        # An expired link's page too (the invoice settled 61 days ago).
        self._pay(self.move, date=date(2026, 12, 12))
        with freeze_time(datetime(2027, 2, 12, 13, 0)):
            gone = self._tree(self._invoice_url(), status=410)
        self.assertIn("expirou", gone.text_content())
        self.assertEqual(gone.get("lang"), "pt-BR")

    def test_a_customer_in_english_gets_an_english_page_said_so(self):
        self.env.ref("base.lang_en").active = True
        self.sp.lang = "en_US"
        self.assertEqual(self._tree(self._invoice_url()).get("lang"), "en-US")

    def _post(self, action, data, files=None):
        page = self.url_open(self._invoice_url()).text
        csrf = lxml_html.fromstring(page).xpath("//input[@name='csrf_token']/@value")[0]
        response = self.url_open(
            f"/my/invoices/{self.move.id}/dunning/{action}",
            data={"access_token": self.move.access_token, "csrf_token": csrf, **data},
            files=files,
            allow_redirects=False,
        )
        return response, lxml_html.fromstring(response.content)

    def _described_by(self, tree, field):
        """What a screen reader says of ``field`` beside its label: the texts
        of the elements its aria-describedby names."""
        ids = (field.get("aria-describedby") or "").split()
        return " ".join(tree.get_element_by_id(i).text_content().strip() for i in ids)

    def test_a_refused_answer_is_tied_to_the_fields_of_its_form(self):
        """A refused answer came back with its reason at the top of the card,
        tied to nothing: moving through the reopened form a screen reader read
        the fields, never why the answer was refused. Each field of the form
        answered now names the reason (aria-describedby); the other forms' do
        not."""
        response, tree = self._post("dispute", {"reason": "", "note": "Chegaram molhadas."})
        self.assertEqual(response.status_code, 400)
        dispute = tree.xpath("//details[contains(@class, 'o_dunning_dispute')]")[0]
        for name in ("reason", "note"):
            field = dispute.xpath(f".//*[@name='{name}']")[0]
            self.assertIn("Escolha o motivo da contestação.", self._described_by(tree, field), name)
        promised = tree.xpath("//input[@name='promised_on']")[0]
        self.assertNotIn("contestação", self._described_by(tree, promised))

    def test_a_wrong_one_time_code_is_said_on_the_code_field(self):
        """The code field read only "Código": neither where the code was sent
        nor, after a wrong code, that it was wrong. It now names the sentence
        that says where the code went and, after a refusal, the reason, and
        is marked invalid."""
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
        files = {"receipt": ("comprovante.pdf", pdf, "application/pdf")}
        paid = {"paid_on": "2026-12-14", "method": "pix"}
        response, tree = self._post("paid", paid, files=files)
        self.assertEqual(response.status_code, 200)
        code = tree.get_element_by_id("dunning_code")
        self.assertEqual(code.get("inputmode"), "numeric")
        self.assertEqual(code.get("autocomplete"), "one-time-code")
        self.assertIn("(11) *****-4321", self._described_by(tree, code))
        self.assertIsNone(code.get("aria-invalid"))

        typed = "000000" if self._last_code(self.sp) != "000000" else "111111"
        response, tree = self._post("paid", {**paid, "dunning_code": typed}, files=files)
        self.assertEqual(response.status_code, 400)
        code = tree.get_element_by_id("dunning_code")
        error = tree.xpath("//*[@role='alert']")[0].text_content().strip()
        self.assertIn(error, self._described_by(tree, code))
        self.assertEqual(code.get("aria-invalid"), "true")
