# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.l10n_br_dunning.tests.test_dunning_portal_taps import FIELDS


@tagged("post_install", "-at_install")
class TestDunningWhatsappPortal(DunningCase, HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["whatsapp.account"].create(
            {"name": "Log", "provider": "log", "company_id": cls.company.id}
        )
        cls.move = cls._invoice(cls.sp, date(2026, 12, 10))
        cls.move._portal_ensure_token()

    def _url(self):
        return (
            f"/my/invoices/{self.move.id}/dunning/preferences?access_token={self.move.access_token}"
        )

    def _post(self, **fields):
        data = {"channel": "whatsapp", "hours": "any", "mobile": "(11) 98765-4321", **fields}
        data["csrf_token"] = self._csrf()
        return self.url_open(self._url(), data=data)

    def _csrf(self):
        page = self.url_open(self._url())
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def test_page_offers_whatsapp_with_the_consent_sentence(self):
        page = self.url_open(self._url())
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="whatsapp_opt_in"', page.text)
        self.assertIn("by WhatsApp on this number", page.text)
        self.assertIn('value="whatsapp"', page.text)

    def test_the_page_with_whatsapp_fits_a_thumb_on_a_phone(self):
        """On a 375 px phone, the page offering WhatsApp: every field, the
        consent box with its sentence (its label) too, at least 44 px high (the
        lists and the mobile field were 35 px, the SMS box with its sentence 21)."""
        self.browser_js(
            self._url(),
            FIELDS % repr(".o_dunning_preferences"),
            ready="!!document.querySelector('#dunning_whatsapp_opt_in')",
        )

    def test_ticking_the_box_records_the_consent(self):
        # From a link, consent is confirmed by a code sent to the number on file.
        response = self._post(whatsapp_opt_in="1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dunning_code_step", response.text)
        self.assertFalse(self.env["whatsapp.consent"].search([("partner_id", "=", self.sp.id)]))
        code = self._last_code(self.sp)
        other = f"{(int(code) + 1) % 10**6:06d}"  # surely not the code
        wrong = self._post(whatsapp_opt_in="1", dunning_code=other)
        self.assertEqual(wrong.status_code, 400)
        self.assertFalse(self.env["whatsapp.consent"].search([("partner_id", "=", self.sp.id)]))
        response = self._post(whatsapp_opt_in="1", dunning_code=code)
        self.assertEqual(response.status_code, 200)
        request = self.env["dunning.portal.request"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(request.code_id.purpose, "consent")
        consent = self.env["whatsapp.consent"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(
            (consent.state, consent.source, consent.number), ("granted", "portal", "+5511987654321")
        )
        self.assertEqual(consent.company_id, self.company)
        self.assertIn("by WhatsApp on this number", consent.note)
        self.assertEqual(self.sp.dunning_preferred_channel, "whatsapp")
        # Unticking withdraws it.
        self._post(channel="any")
        consent.invalidate_recordset()
        self.assertEqual((consent.state, consent.revoke_source), ("revoked", "portal"))

    def test_whatsapp_preferred_without_consent_is_refused(self):
        response = self._post()
        self.assertEqual(response.status_code, 400)
        self.assertIn("tick the WhatsApp consent", response.text)
        self.assertFalse(self.env["whatsapp.consent"].search([("partner_id", "=", self.sp.id)]))

    def test_consent_is_per_company(self):
        """A "no" on one company's page withdraws that company's consent only; a
        "yes" grants that company's only. The number on file is kept when the
        token page's number is left empty."""
        rio = self.setup_other_company(name="Aurora Rio")["company"]
        self.env.user.company_ids |= rio
        self.env["whatsapp.account"].create(
            {"name": "Log Rio", "provider": "log", "company_id": rio.id}
        )
        Consent = self.env["whatsapp.consent"]
        Consent._grant(self.sp, "+5511987654321", "portal", company=self.company)
        Consent._grant(self.sp, "+5511987654321", "portal", company=rio)
        response = self._post(channel="any", mobile="")  # "no" on this company's page
        self.assertEqual(response.status_code, 200)
        states = {
            consent.company_id: consent.state
            for consent in Consent.search([("partner_id", "=", self.sp.id)])
        }
        self.assertEqual(states, {self.company: "revoked", rio: "granted"})
        # Back-office: recorded for the user's company, with the sentence agreed to.
        self.sp.with_company(rio).action_whatsapp_consent_revoke()
        self.assertEqual(self.sp._whatsapp_consent_state_for("+5511987654321", rio), "revoked")
        self.sp.with_company(rio).action_whatsapp_consent_grant()
        consent = Consent.search(
            [
                ("partner_id", "=", self.sp.id),
                ("company_id", "=", rio.id),
                ("state", "=", "granted"),
            ]
        )
        self.assertIn("Aurora Rio", consent.note)
        self.assertIn("SAIR", consent.note)
        self.assertEqual(
            self.sp._whatsapp_consent_state_for("+5511987654321", self.company), "revoked"
        )
