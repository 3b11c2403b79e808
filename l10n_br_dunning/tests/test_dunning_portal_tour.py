# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from ..tools import portal_codes
from .common import DunningCase

# The live region of the page's first Pix code, measured in the page: present
# and rendered at load, empty; then its every text, in order, over two taps.
ANNOUNCE = """
(async () => {
    const said = %(said)s;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const group = document.querySelector(".o_dunning_pix_code");
    const regions = [...group.querySelectorAll("[role=status], [aria-live]")].filter(
        (node) =>
            getComputedStyle(node).display !== "none" &&
            !node.closest("[aria-hidden=true], [hidden], .d-none")
    );
    if (regions.length !== 1) {
        throw new Error(`${regions.length} rendered live regions at load, not 1`);
    }
    const region = regions[0];
    if (region.textContent.trim()) {
        throw new Error(`The region is not empty at load: ${region.textContent}`);
    }
    const texts = [];
    new MutationObserver(() => texts.push(region.textContent.trim())).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
    });
    const button = group.querySelector(".o_dunning_pix_copy");
    for (const tap of [1, 2]) {
        button.click();
        const heard = () => texts.filter((text) => text);
        for (let waited = 0; heard().length < tap && waited < 4000; waited += 50) {
            await wait(50);
        }
        await wait(300); // nothing more is written after it
        if (heard().length !== tap || heard().some((text) => text !== said)) {
            throw new Error(`After tap ${tap}, the region said ${JSON.stringify(texts)}`);
        }
    }
    // The second tap emptied the region before writing it again.
    if (texts.lastIndexOf("") < texts.indexOf(said)) {
        throw new Error(`The region was not emptied between taps: ${JSON.stringify(texts)}`);
    }
    console.log("test successful");
})();
"""


@tagged("post_install", "-at_install")
class TestDunningPortalTour(DunningCase, HttpCase):
    """The customer's flows in headless Chromium, in a phone-sized window."""

    browser_size = "360x740"
    touch_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        # The customer's today (São Paulo's, not the server's UTC date), and
        # overdue by more than the longest bank closure (Carnival, year's end).
        today = cls.sp._dunning_today(cls.company)
        cls.move = cls._invoice(cls.sp, today - timedelta(days=10), 1180.5)
        cls.move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        # The one seam of randomness: the code "sent" by SMS is known to the tour.
        patcher = patch.object(portal_codes, "new_code", return_value="246810")
        patcher.start()
        self.addCleanup(patcher.stop)

    def _url(self):
        return f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"

    def test_i_have_already_paid_on_a_phone(self):
        self.start_tour(self._url(), "dunning_portal_paid")
        self.assertEqual(self.move.dunning_pause_reason, "paid_claim")
        self.assertTrue(self.move.activity_ids)

    def test_dispute_on_a_phone(self):
        self.start_tour(self._url(), "dunning_portal_dispute")
        self.assertEqual(self.move.dunning_pause_reason, "dispute")
        self.assertEqual(self.move.dunning_dispute_reason, "defective")
        self.assertIn("molhadas", self.move.dunning_pause_note)

    def test_contact_preferences_on_a_phone(self):
        self.start_tour(self._url(), "dunning_portal_preferences")
        self.assertEqual(self.sp.dunning_preferred_channel, "email")
        self.assertEqual(self.sp.dunning_preferred_hours, "morning")
        self.assertEqual(self.sp.mobile, "+5511977776666")
        request = self.env["dunning.portal.request"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(request.code_id.destination, "(11) *****-4321")
        self.assertTrue(request.code_id.used_at)
        opt_out = self.env["sms.opt.out"].search([("number", "=", "+5511977776666")])
        self.assertEqual(opt_out.company_id, self.move.company_id)

    def _grant_clipboard(self):
        """Headless Chromium denies the clipboard to a script's click (a phone
        grants it to the customer's tap): grant it to this server's pages,
        through the DevTools protocol, before the tour opens the page."""
        navigate_to = ChromeBrowser.navigate_to
        origin = self.base_url()

        def granting(browser, url, wait_stop=False):
            browser._websocket_request(
                "Browser.grantPermissions",
                params={
                    "origin": origin,
                    "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
                },
            )
            return navigate_to(browser, url, wait_stop=wait_stop)

        patcher = patch.object(ChromeBrowser, "navigate_to", granting)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_copy_the_pix_code_on_a_phone(self):
        """One tap copies the long "copia e cola" code and says so."""
        self._company_pix_key()
        self._grant_clipboard()
        self.start_tour(self._url(), "dunning_portal_pix_copy")

    def test_copy_the_pix_code_where_the_clipboard_api_is_refused(self):
        """writeText refused: the code is selected and copied with the
        browser's copy command, and the copy is confirmed all the same."""
        self._company_pix_key()
        self._grant_clipboard()
        # The browser's copy command works only after a person's gesture (a
        # tap): the tour is started as one (DevTools' userGesture), as the
        # customer's tap on the button would be.
        request = ChromeBrowser._websocket_request

        def as_a_tap(browser, method, *, params=None, timeout=10.0):
            if method == "Runtime.evaluate" and "startTour" in (params or {}).get("expression", ""):
                params = {**params, "userGesture": True}
            return request(browser, method, params=params, timeout=timeout)

        with patch.object(ChromeBrowser, "_websocket_request", as_a_tap):
            self.start_tour(self._url(), "dunning_portal_pix_copy_fallback")

    def test_without_the_clipboard_the_code_is_left_selected(self):
        """Nothing copied (no permission, no user gesture): the page does not
        claim a copy; it leaves the code selected and says so."""
        self._company_pix_key()
        self.start_tour(self._url(), "dunning_portal_pix_selected")

    def _taps_copy_twice(self, said):
        """On the page as loaded, the Pix code's status region (role=status)
        is there, rendered (not display:none, nor hidden from screen readers)
        and empty; each tap on "Copiar código Pix" empties it and writes
        `said` again, so TalkBack and VoiceOver announce every tap."""
        code = ANNOUNCE % {"said": json.dumps(said)}
        ready = (
            "document.readyState === 'complete' && "
            "!document.querySelector('.o_dunning_pix_copy.d-none')"
        )
        self.browser_js(self._url(), code, ready=ready)

    def test_each_copy_is_announced_to_a_screen_reader(self):
        self._company_pix_key()
        self._grant_clipboard()
        self._taps_copy_twice("Código copiado")

    def test_a_refused_copy_is_announced_with_how_to_copy(self):
        """No clipboard: the region says the code is selected and how to copy it."""
        self._company_pix_key()
        self._taps_copy_twice("Código selecionado: copie-o com o Copiar do seu celular.")

    def test_split_into_installments_on_a_phone(self):
        self.start_tour(self._url(), "dunning_portal_agreement")
        agreement = self.env["dunning.agreement"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(len(agreement.installment_ids), 2)
        self.assertEqual(agreement.proposed_by, "portal")
        self.assertTrue(agreement.accepted_text.startswith("Eu, Maria Souza"))
        self.assertIn("3.1.", agreement.term_text)
        self.assertEqual(agreement.customer_vat, "529.982.247-25")
        self.assertEqual(agreement.accepted_via, "token")
        self.assertIn("Chrome", agreement.accepted_user_agent)
        self.assertTrue(agreement.accepted_code_id.used_at)
        # Through a link the term names the customer with the CPF masked.
        self.assertIn("Maria Souza (CPF/CNPJ ***.982.247-**)", agreement.term_text)
        self.assertEqual(self.move.dunning_pause_reason, "agreement")
