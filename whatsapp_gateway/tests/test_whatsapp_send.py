# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.sms_gateway.tools import sessions

from ..tools.params import ParameterError
from ..tools.sms import providers as sms_providers
from ..tools.tests.whatsapp_stand_in import SLOW
from .common import NUMBER, TEMPLATE_REFS, WhatsappStandInMixin


@tagged("post_install", "-at_install")
class TestWhatsappSend(WhatsappStandInMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account("meta")
        cls.template = cls._create_template(cls.account)

    def test_each_provider_sends_the_approved_template_with_its_values(self):
        for provider in ("meta", "twilio", "zenvia", "infobip"):
            with self.subTest(provider=provider):
                self.stand_in.reset()
                account = self._create_account(provider, sequence=1)
                template = self._create_template(account)
                message = self._queue(template)
                self.env["whatsapp.message"]._cron_send()
                self.assertEqual(message.state, "sent", message.error_detail)
                self.assertTrue(message.provider_message_id)
                self.assertFalse(self.stand_in.shape_errors)
                (accepted,) = self.stand_in.accepted
                self.assertEqual(accepted[0], provider)
                self.assertEqual(accepted[2], NUMBER)
                self.assertEqual(accepted[3], f"template:{TEMPLATE_REFS[provider]}|Maria|R$ 10,00")
                # The chatter shows what the customer read, with a WhatsApp notification.
                chatter = message.mail_message_id
                self.assertEqual(chatter.message_type, "whatsapp_message")
                self.assertIn("Olá Maria, o valor em aberto é R$ 10,00.", chatter.body)
                self.assertEqual(chatter.model, "res.partner")
                self.assertEqual(chatter.res_id, self.customer.id)
                self.assertEqual(message.notification_id.notification_type, "whatsapp")
                self.assertEqual(message.notification_id.notification_status, "pending")

    def test_no_consent_no_whatsapp(self):
        stranger = self.env["res.partner"].create(
            {"name": "Sem Consentimento", "mobile": "11912345678"}
        )
        message = self._queue(self.template, partner=stranger, number="+5511912345678")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.failure_type, "opted_out")
        self.assertFalse(self.stand_in.requests)
        self.assertEqual(message.notification_id.notification_status, "exception")

    def test_consent_withdrawn_while_queued_stops_the_message(self):
        message = self._queue(self.template)
        self.env["whatsapp.consent"]._revoke(NUMBER, "whatsapp")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.failure_type, "opted_out")
        self.assertFalse(self.stand_in.accepted)
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "portal")

    def test_sair_to_one_companys_number_stops_that_company_only(self):
        """Consents given to company A and to company B; "SAIR" written to A's
        WhatsApp number: A stops, B (another business, another number) keeps
        the consent the customer gave it."""
        other = self.env["res.company"].create({"name": "Empresa B"})
        Consent = self.env["whatsapp.consent"]
        Consent._grant(self.customer, NUMBER, "import", company=other)
        state = self.customer._whatsapp_consent_state_for
        self.assertEqual((state(NUMBER, self.env.company), state(NUMBER, other)), ("granted",) * 2)
        self.account._process_inbound(
            type("Inbound", (), {"sender": NUMBER, "body": "SAIR", "provider_id": "w-sair"})()
        )
        self.assertEqual(state(NUMBER, self.env.company), "revoked")
        self.assertEqual(state(NUMBER, other), "granted")
        kept = Consent.search([("number", "=", NUMBER), ("company_id", "=", other.id)])
        self.assertEqual((kept.state, kept.source), ("granted", "import"))
        # A "no" later on B's side ends B's too; nothing is granted again.
        Consent._revoke(NUMBER, "portal", partner=self.customer, company=other)
        self.assertEqual(state(NUMBER, other), "revoked")
        self.assertEqual(state(NUMBER, self.env.company), "revoked")
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "portal")

    def test_a_consent_recorded_without_a_company_is_the_users_company_only(self):
        """A user of company A records a consent in the consents list (the
        company column hidden) or an import without a company column: it is
        A's; company B never writes to the customer by WhatsApp for it."""
        other = self.env["res.company"].create({"name": "Empresa B"})
        user = new_test_user(self.env, "cobranca_a", groups="base.group_user")
        vera = self.env["res.partner"].create(
            {"name": "Vera Cliente das Duas", "mobile": "(21) 97777-3333"}
        )
        consent = (
            self.env["whatsapp.consent"]
            .with_user(user)
            .create({"partner_id": vera.id, "number": "(21) 97777-3333", "source": "backoffice"})
        )
        self.assertEqual(consent.company_id, self.env.company)
        Consent = self.env["whatsapp.consent"]
        triples = [(vera, "+5521977773333", self.env.company), (vera, "+5521977773333", other)]
        self.assertEqual(Consent._granted_numbers(triples[1:]), set())
        self.assertEqual(Consent._granted_numbers(triples[:1]), {(vera.id, "+5521977773333")})
        self.assertEqual(vera.with_company(other).whatsapp_consent_state, "none")
        self.assertEqual(vera.whatsapp_consent_state, "granted")
        imported = Consent._grant(vera, "(21) 97777-3333", "import")
        self.assertEqual(imported, consent, "renewed, still A's only")

    def test_what_the_queue_writes_is_in_the_companys_language(self):
        """The queue runs as the superuser (English): a message's refusal and
        the account's to-do are read by the company's team, in Portuguese."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["sms_gateway", "whatsapp_gateway"], ["pt_BR"], overwrite=True
        )
        self.env.company.partner_id.lang = "pt_BR"
        self.env["whatsapp.consent"]._revoke(NUMBER, "whatsapp")
        refused = self._queue(self.template)
        self.env["whatsapp.message"].with_context(lang="en_US")._cron_send()
        self.assertEqual(refused.failure_type, "opted_out")
        self.assertIn("não tem consentimento", refused.error_detail)
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "portal")
        self.account.access_token = "expired"
        waiting = self._queue(self.template)
        self.env["whatsapp.message"].with_context(lang="en_US")._cron_send()
        self.assertEqual(waiting.state, "outgoing")
        refusal = "O provedor recusa esta conta: há mensagens aguardando"
        self.assertEqual(self.account.activity_ids.summary, refusal)

    def test_template_not_approved_is_not_sent(self):
        self.template.status = "pending"
        message = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual((message.state, message.failure_type), ("failed", "template"))
        self.assertFalse(self.stand_in.requests)

    def test_template_rejected_at_the_provider_fails_with_its_reason(self):
        self.stand_in.templates[TEMPLATE_REFS["meta"]] = "REJECTED"
        message = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual((message.state, message.failure_type), ("failed", "template"))
        self.assertIn("132001", message.error_detail)

    def test_free_text_only_inside_the_24_hour_window(self):
        outside = self._queue(self.template, text="Pode me ligar?")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual((outside.state, outside.failure_type), ("failed", "window"))
        self.account._process_inbound(
            type(
                "Inbound",
                (),
                {"sender": NUMBER, "body": "Oi, recebi a cobrança", "provider_id": "w1"},
            )()
        )
        inside = self._queue(self.template, text="Claro, obrigado pelo retorno.")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(inside.state, "sent", inside.error_detail)
        self.assertEqual(self.stand_in.accepted[-1][3], "Claro, obrigado pelo retorno.")
        # The window is the business number's the customer wrote to: another
        # company's number may not answer in free text.
        other = self.env["res.company"].create({"name": "Empresa B"})
        other_account = self._create_account("meta", company=other)
        other_template = self._create_template(other_account)
        elsewhere = self._queue(other_template, text="Posso ajudar?")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual((elsewhere.state, elsewhere.failure_type), ("failed", "window"))
        # A message the customer wrote 30 hours ago, its webhook retried until
        # now: the window counts from when it was written, and is closed.
        written = datetime.now(UTC) - timedelta(hours=30)
        other_account._process_inbound(
            type(
                "Inbound",
                (),
                {"sender": NUMBER, "body": "Oi", "provider_id": "w-late", "written_at": written},
            )()
        )
        late = self._queue(other_template, text="Posso ajudar?")
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual((late.state, late.failure_type), ("failed", "window"))

    def test_temporary_failures_retry_with_backoff_then_fail(self):
        """5xx answers spend the retries; a 429 (the provider asking to slow
        down) spends none."""
        self.account.max_retries = 2
        self.stand_in.script = [503, 429, 503, 503]
        message = self._queue(self.template)
        Message = self.env["whatsapp.message"]
        now = datetime(2026, 11, 23, 14, 0)
        expected = [("outgoing", 1), ("outgoing", 1), ("outgoing", 2), ("failed", 3)]
        for hours, (state, attempts) in enumerate(expected):
            sessions.forget_limiters()
            with freeze_time(now + timedelta(hours=hours)):
                Message._cron_send()
            self.assertEqual((message.state, message.attempts), (state, attempts))
        self.assertEqual(message.failure_type, "server")
        self.assertFalse(self.stand_in.accepted)

    def test_throttling_uses_no_attempt_and_fails_only_after_hours(self):
        """Meta's rate limit (HTTP 429, code 130429) for longer than the retries
        last keeps the message queued, until it was held back MAX_HELD_HOURS."""
        self.account.max_retries = 1
        message = self._queue(self.template)
        self.stand_in.mode = 429
        Message = self.env["whatsapp.message"]
        now = datetime(2026, 11, 23, 14, 0)
        for hours in range(4):
            sessions.forget_limiters()
            with freeze_time(now + timedelta(hours=hours)):
                Message._cron_send()
            self.assertEqual((message.state, message.attempts), ("outgoing", 0))
        sessions.forget_limiters()
        with freeze_time(now + timedelta(hours=sms_providers.MAX_HELD_HOURS, minutes=1)):
            Message._cron_send()
        self.assertEqual((message.state, message.failure_type), ("failed", "server"))
        self.assertIn("slow down", message.error_detail)

    def test_retry_waits_for_its_moment(self):
        self.stand_in.script = [503]
        message = self._queue(self.template)
        Message = self.env["whatsapp.message"]
        Message._cron_send()
        self.assertGreater(message.next_try, message.create_date)
        Message._cron_send()  # too early: untouched
        self.assertEqual(message.attempts, 1)

    def test_read_timeout_is_unknown_and_never_resent(self):
        self.stand_in.script = [SLOW]
        message = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "unknown")
        self.assertEqual(message.notification_id.notification_status, "process")
        # A person is told on the account, once (the message is never resent).
        self.assertEqual(
            self.account.activity_ids.mapped("summary"),
            ["Messages whose delivery is unknown: check them"],
        )
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(len(self.stand_in.accepted), 1)

    def test_an_attempt_traced_by_a_dead_worker_is_not_resent(self):
        message = self._queue(self.template)
        # What a worker killed mid-request leaves: the trace of attempt 1, committed
        # on its own cursor, and the message still outgoing.
        self.env["sms.gateway.dispatch"]._mark(self.env.cr, [(message.uuid, 1)], commit=False)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "unknown")
        self.assertIn("may have been sent", message.error_detail)
        self.assertFalse(self.stand_in.requests)

    def test_an_expired_token_holds_the_messages_and_tells_the_administrator(self):
        """Meta refuses the token (401, code 190): the messages wait in the
        queue with the reason, the administrator gets one to-do, and once the
        token is renewed they go."""
        self.account.access_token = "expired"
        message = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "outgoing")
        self.assertIn("refused the account", message.error_detail)
        self.assertIn("refuses this account", self.account.activity_ids.summary)
        self.account.access_token = self.stand_in.access_token
        message.next_try = False
        self.env["whatsapp.message"]._cron_send()
        self.assertNotEqual(message.state, "outgoing")
        self.assertNotEqual(message.state, "failed")

    def test_an_expired_token_holds_the_messages_longer_than_throttling_would(self):
        """Refused credentials are not a provider asking to slow down: a token
        that expired on Friday evening keeps the messages waiting past
        MAX_HELD_HOURS (no attempt used, the provider's reason kept), and they
        go once it is renewed."""
        self.account.write({"access_token": "expired", "max_retries": 1})
        message = self._queue(self.template)
        Message = self.env["whatsapp.message"]
        now = datetime(2026, 11, 23, 20, 0)
        for hours in range(0, 3 * sms_providers.MAX_HELD_HOURS, 2):
            sessions.forget_limiters()
            with freeze_time(now + timedelta(hours=hours)):
                Message._cron_send()
            self.assertEqual((message.state, message.attempts), ("outgoing", 0))
        self.assertIn("refused the account", message.error_detail)
        self.assertNotIn("refused the account", self.account.activity_ids.note)
        self.account.access_token = self.stand_in.access_token
        with freeze_time(now + timedelta(days=2)):
            Message._cron_send()
        self.assertTrue(self.stand_in.accepted)
        self.assertNotIn(message.state, ("outgoing", "failed"))

    def test_a_variable_whatsapp_would_refuse_is_a_clear_error(self):
        self.template.variable_ids[1].expression = "{{ '' }}"
        with self.assertRaises(ParameterError) as error:
            self.template._render_params(self.customer.ids)
        self.assertEqual(error.exception.name, "2")

    def test_template_text_and_variables_must_match(self):
        with self.assertRaises(ValidationError):
            self.template.body = "Olá {{1}}, {{2}} e {{3}}"

    def test_template_state_read_from_the_provider(self):
        self.stand_in.templates[TEMPLATE_REFS["meta"]] = "PAUSED"
        self.template.action_fetch_status()
        self.assertEqual(self.template.status, "paused")
        self.assertFalse(self.template._is_usable())

    def test_consent_number_is_checked(self):
        with self.assertRaises(ValidationError) as error:
            self.env["whatsapp.consent"].create({"partner_id": self.customer.id, "number": "1234"})
        self.assertIn("1234", str(error.exception))
        consent = self.env["whatsapp.consent"].create(
            {"partner_id": self.customer.id, "number": "(21) 99876-5432"}
        )
        self.assertEqual(consent.number, "+5521998765432")

    def test_a_consent_without_a_number_is_for_the_number_sms_go_to(self):
        """A landline in the mobile field, the mobile in the phone field: the
        consent is for the mobile, as SMS and WhatsApp use it."""
        self.customer.write({"mobile": "(11) 3003-4000", "phone": "(11) 98765-0042"})
        consent = self.env["whatsapp.consent"].create({"partner_id": self.customer.id})
        self.assertEqual(consent.number, "+5511987650042")
        self.assertEqual(self.customer._whatsapp_number(), consent.number)

    def test_each_company_sends_through_its_own_account(self):
        other = self.env["res.company"].create({"name": "Filial Rio"})
        account = self._create_account("zenvia", company=other)
        Account = self.env["whatsapp.account"]
        self.assertEqual(Account._for_company(other), account)
        self.assertEqual(Account._for_company(self.env.company), self.account)

    def test_two_companies_accounts_queued_together_both_send(self):
        """One cron run holds messages of two companies' accounts, one of them
        Twilio (its status callback URL is computed): each account computes its
        own URL, and neither company's queue stops the other's."""
        other = self.env["res.company"].create({"name": "Filial Rio"})
        twilio = self._create_account("twilio", company=other)
        # The customer agreed to each company (a consent is one company's).
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "import", company=other)
        messages = self._queue(self.template) | self._queue(self._create_template(twilio))
        self.env.invalidate_all()
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(
            messages.mapped("state"), ["sent", "sent"], messages.mapped("error_detail")
        )
        self.assertEqual(sorted(a[0] for a in self.stand_in.accepted), ["meta", "twilio"])
        self.assertEqual(
            (self.account | twilio).mapped("webhook_url"),
            [
                f"{self.account.get_base_url()}/whatsapp_gateway/{self.account.id}/webhook",
                f"{twilio.get_base_url()}/whatsapp_gateway/{twilio.id}/webhook",
            ],
        )
