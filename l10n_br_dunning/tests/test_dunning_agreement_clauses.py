# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agreement's term read clause by clause in Brazilian Portuguese, as the
customer reads it, each clause proven against what the software does
(README: Agreements, "What each clause means in the software")."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCase

NOW = datetime(2026, 12, 15, 13, 0)  # Tuesday, 10:00 in São Paulo


@tagged("post_install", "-at_install")
class TestDunningAgreementClauses(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.company.write(
            {
                "phone": "(11) 3333-4444",
                "dunning_agreement_max_installments": 12,
                "dunning_agreement_min_installment": 10.0,
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        cls.sp.write({"lang": "pt_BR", "vat": "529.982.247-25"})
        cls.manaus.write({"lang": "pt_BR", "vat": "11.222.333/0001-81", "is_company": True})
        cls.move = cls._invoice(cls.sp, date(2026, 11, 28), 1000.0)

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(NOW)

    @staticmethod
    def _lines(moves):
        return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _agreement(self, count=3, first=date(2026, 12, 22), down=0.0, moves=None):
        agreement = self.env["dunning.agreement"]._propose(
            self._lines(moves or self.move), count, first, down_payment=down
        )
        self._customer_accepts(agreement)
        agreement.action_approve()
        return agreement

    @staticmethod
    def _clause(agreement, number):
        prefix = f"3.{number}. "
        return next(line for line in agreement._term_text().splitlines() if line.startswith(prefix))

    def _installment(self, agreement, number):
        return agreement.installment_ids.filtered(lambda i: i.number == number)

    def _pay_line(self, line, amount, day):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=line.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )

    def _check(self, when):
        with freeze_time(when):
            return self.env["dunning.agreement"]._check_broken()

    # -- header and item 1: the parties and the debt (CDC arts. 42-A and 52) -------------------
    def test_parties_debt_and_the_information_of_cdc_art_52(self):
        agreement = self._agreement(count=12, down=100.0)
        text = agreement._term_text()
        self.assertIn("TERMO DE ACORDO DE PARCELAMENTO DE DÍVIDA", text)
        self.assertIn("Credora: company_1_data, CNPJ 15.881.399/0001-34, Rua Augusta, 1500", text)
        self.assertIn("Cliente: Maria Souza, CPF/CNPJ 529.982.247-25", text)
        # The debt: the invoice, its due date, what it owed; the charges with
        # their rates and period (15 days from Monday 30/11, the effective date).
        self.assertIn(f"Fatura {self.move.name}, vencida em 28/11/2026: R$\xa01.000,00", text)
        self.assertIn("Multa de 2,00 %, conforme o contrato: R$\xa020,00", text)
        # The monthly rate with its annual equivalent, compounded (CDC art. 52, II).
        self.assertIn("Juros de mora de 1,00 % ao mês (12,68 % ao ano), pro rata die", text)
        self.assertIn("até 15/12/2026, conforme o contrato: R$\xa05,00", text)
        self.assertIn("Total devido: R$\xa01.025,00", text)
        # Number, periodicity and amount of every installment; the total they add
        # up to is the total owed (no financing interest: with and without it alike).
        self.assertIn("Entrada, vencimento 15/12/2026", text)
        self.assertIn("Parcela 12 de 12, vencimento 22/11/2027", text)
        self.assertIn("As parcelas não têm juros de financiamento (0 % ao mês e 0 % ao ano)", text)
        self.assertIn("com uma entrada de R$\xa0100,00 e 12 parcelas mensais", text)
        self.assertAlmostEqual(sum(agreement.installment_ids.mapped("amount")), 1025.0)
        # No forum clause at all: nothing takes the consumer away from their
        # domicile (CDC art. 101, I).
        self.assertNotIn("foro", text.lower())

    def test_the_parties_documents_print_formatted_however_they_are_on_file(self):
        """Customers imported from a spreadsheet have their CPF as digits
        ("52998224725"), a company's CNPJ may be on file with a "BR" prefix:
        the term a lawyer reads named them so. It names them as every other
        paper writes them, and the printed term's signature line too."""
        self.sp.vat = "52998224725"
        self.company.partner_id.vat = "BR15881399000134"
        agreement = self.env["dunning.agreement"]._propose(
            self._lines(self.move), 3, date(2026, 12, 22)
        )
        text = agreement._term_text()
        self.assertIn("Credora: company_1_data, CNPJ 15.881.399/0001-34, Rua Augusta", text)
        self.assertIn("Cliente: Maria Souza, CPF/CNPJ 529.982.247-25", text)
        self.assertIn("CPF/CNPJ ***.982.247-**", agreement._term_text(masked=True))
        self.assertNotIn("52998224725", text)
        html = self._text(
            self.env["ir.actions.report"]
            ._render_qweb_html("l10n_br_dunning.action_report_dunning_agreement", agreement.ids)[0]
            .decode()
        )
        self.assertIn("CPF/CNPJ 529.982.247-25", html)

    def test_a_company_customer_and_a_single_installment(self):
        other = self._invoice(self.manaus, date(2026, 11, 30), 600.0)
        self.company.dunning_contract_charges = False
        agreement = self._agreement(count=1, moves=other)
        text = agreement._term_text()
        self.assertIn("Cliente: Distribuidora Amazonas, CPF/CNPJ 11.222.333/0001-81", text)
        self.assertIn("Nenhuma multa ou juros foram somados à dívida.", text)
        self.assertIn("3.3. Nenhuma multa ou juros são cobrados sobre uma parcela paga", text)
        self.assertIn("concordo em pagar em uma única parcela", text)
        self.assertNotIn("1 parcelas", text)

    # -- 2 and 3.2: how it is paid, paying early ------------------------------------------------
    def test_3_2_paying_early_changes_nothing_but_what_is_still_due(self):
        agreement = self._agreement(count=3)
        amounts = {i.number: (i.date_due, i.amount) for i in agreement.installment_ids}
        third = self._installment(agreement, 3)
        self._pay_line(third.move_line_id, third.amount, date(2026, 12, 15))
        self.assertTrue(third.move_line_id.reconciled, "the payment went to the installment paid")
        self.assertEqual(agreement.state, "active")
        self.assertEqual(
            {i.number: (i.date_due, i.amount) for i in agreement.installment_ids}, amounts
        )
        for number in (1, 2):
            line = self._installment(agreement, number).move_line_id
            self.assertEqual(line.amount_residual, amounts[number][1])
        self.assertAlmostEqual(agreement.amount_residual, 1025.0 - third.amount, 2)

    def test_3_2_names_only_the_means_the_agreements_page_offers(self):
        """The agreement's page offers each installment's Pix code, and nothing
        else (no bank slip, no card): the clause says so."""
        agreement = self._agreement()
        clause = self._clause(agreement, 2)
        self.assertNotIn("boleto", clause)
        self.assertNotIn("cartão", clause)
        self.assertIn("pelo meio que a empresa informar", clause)
        self._company_pix_key()
        other = self._invoice(self.sp, date(2026, 11, 30), 300.0)
        with_pix = self._agreement(count=2, moves=other)
        first = self._installment(with_pix, 1).move_line_id
        self.assertTrue(first._dunning_pix_code(), "the page shows the installment's Pix")
        clause = self._clause(with_pix, 2)
        self.assertIn("pelo Pix mostrado para ela na página do acordo", clause)
        self.assertIn("Pagar antecipadamente é sempre permitido", clause)

    def test_3_2_a_due_date_on_a_holiday_moves_to_the_next_business_day(self):
        """Installment 1 due on Christmas (Friday 25/12/2026): payable without
        charges on Monday 28/12, late from 29/12, broken only 31 days after the
        28th; the term says how the days count."""
        agreement = self._agreement(count=2, first=date(2026, 12, 25))
        first = self._installment(agreement, 1)
        for when, days in ((datetime(2026, 12, 28, 13), 0), (datetime(2026, 12, 29, 13), 1)):
            with freeze_time(when):
                [item] = [
                    item
                    for item in agreement.move_id._dunning_portal_installments()
                    if item["line"] == first.move_line_id
                ]
                self.assertEqual(item["days_overdue"], days)
                self.assertEqual(bool(item["charges"].total), bool(days))
        self.assertFalse(self._check(datetime(2027, 1, 27, 13)))
        self.assertEqual(self._check(datetime(2027, 1, 28, 13)), agreement)
        clause = self._clause(agreement, 2)
        self.assertIn(
            "Um vencimento em sábado, domingo ou feriado passa para o dia útil seguinte", clause
        )
        self.assertIn("os dias de atraso (itens 3.3 e 3.4) contam a partir dele", clause)

    # -- 3.3: an installment paid late ------------------------------------------------------
    def test_3_3_late_charges_are_shown_not_added_to_the_installment(self):
        agreement = self._agreement(count=3)
        first = self._installment(agreement, 1)
        clause = self._clause(agreement, 3)
        self.assertIn("não são somados ao código de pagamento", clause)
        self.assertIn("juros de 1,00 % ao mês (12,68 % ao ano), pro rata die", clause)
        with freeze_time(datetime(2027, 1, 11, 13)):  # 20 days after Tuesday 22/12
            [item] = [
                item
                for item in agreement.move_id._dunning_portal_installments()
                if item["line"] == first.move_line_id
            ]
            self.assertEqual(item["days_overdue"], 20)
            self.assertAlmostEqual(item["charges"].fine, round(first.amount * 0.02, 2), 2)
            self.assertEqual(item["amount"], first.amount, "the installment keeps its amount")

    # -- 3.4: breaking ----------------------------------------------------------------------------
    def test_3_4_breaking_keeps_what_was_paid_and_the_dates(self):
        for novation in (False, True):
            with self.subTest(novation=novation):
                self.company.dunning_agreement_novation = novation
                moves = self._invoice(self.sp, date(2026, 11, 30), 900.0)
                agreement = self._agreement(count=3, moves=moves)
                clause = self._clause(agreement, 4)
                self.assertIn("Se uma parcela atrasar mais de 30 dias", clause)
                self.assertIn("nenhuma vence antecipadamente", clause)
                dates = agreement.installment_ids.mapped("date_due")
                first = self._installment(agreement, 1)
                self._pay_line(first.move_line_id, first.amount, date(2026, 12, 22))
                # Installment 2, due Friday 22/01/2027, is 31 days late on 22/02.
                self.assertFalse(self._check(datetime(2027, 2, 21, 13)) & agreement)
                self.assertIn(agreement, self._check(datetime(2027, 2, 22, 13)))
                self.assertEqual(agreement.state, "broken")
                self.assertTrue(first.move_line_id.reconciled, "what was paid is kept")
                self.assertEqual(agreement.installment_ids.mapped("date_due"), dates)
                self.assertAlmostEqual(
                    agreement.amount_residual,
                    900.0 + agreement.fine_amount + agreement.interest_amount - first.amount,
                    2,
                )
                self.assertTrue(self._lines(moves).reconciled, "nothing re-invoiced")
                self.assertEqual(
                    agreement.activity_ids.activity_type_id,
                    self.env.ref("mail.mail_activity_data_call"),
                )
                with self.assertRaisesRegex(UserError, "cannot be cancelled"):
                    self._cancel_agreement(agreement)

    def test_3_4_a_late_down_payment_breaks_the_agreement_and_the_term_says_so(self):
        """The down payment is not an "installment" of the term (item 2 and 3.5
        tell them apart), yet one 31 days late breaks the agreement: 3.4 names it."""
        agreement = self._agreement(count=3, down=100.0)
        self.assertFalse(self._check(datetime(2027, 1, 14, 13)) & agreement)
        first = self._installment(agreement, 1)
        self._pay_line(first.move_line_id, first.amount, date(2026, 12, 22))
        self.assertIn(agreement, self._check(datetime(2027, 1, 15, 13)))
        self.assertEqual(agreement.state, "broken")
        self.assertIn(
            "Se a entrada ou uma parcela atrasar mais de 30 dias", self._clause(agreement, 4)
        )

    # -- 3.5: cancellation ------------------------------------------------------------------------
    def test_3_5_cancelling_before_any_payment_keeps_earlier_payments(self):
        self._pay(self.move, 300.0, date(2026, 12, 1))
        agreement = self._agreement(count=2)
        self.assertAlmostEqual(agreement.debt_ids.amount, 700.0)
        self._cancel_agreement(agreement)
        self.assertEqual(self.move.amount_residual, 700.0)
        self.assertEqual(self.move.payment_state, "partial")
        down = self._agreement(count=2, down=50.0)
        line = self._installment(down, 0).move_line_id
        self._pay_line(line, 10.0, date(2026, 12, 15))  # part of the down payment
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            self._cancel_agreement(down)

    def _collector(self):
        """A collections user (no administrator): cancels through the button's form."""
        return self.env["res.users"].create(
            {
                "name": "Cobrança",
                "login": "cobranca-clausula-35",
                "email": "cobranca@example.com",
                "lang": "pt_BR",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [
                    Command.link(self.env.ref("l10n_br_dunning.group_dunning_user").id),
                    Command.link(self.env.ref("account.group_account_invoice").id),
                ],
            }
        )

    def _cancel_form(self, agreement, user, **values):
        # As the web client calls it: the user's language in the context.
        agreement = agreement.with_user(user).with_context(lang=user.lang)
        action = agreement.action_cancel()
        self.assertEqual(action["res_model"], "dunning.agreement.cancel")
        return (
            self.env["dunning.agreement.cancel"]
            .with_user(user)
            .with_context(lang=user.lang, **action["context"])
            .create(values)
        )

    def test_3_5_an_accepted_agreement_is_cancelled_only_on_the_grounds_of_its_term(self):
        """Clause 3.5: "a pedido do cliente ou se o primeiro pagamento não for
        feito". The team cannot cancel an accepted agreement at will: the form
        asks the ground; "first payment not made" only once it is late (first
        date Saturday 19/12: payable on Monday 21/12, late on Tuesday 22/12);
        the customer's request says how they asked; all kept and noted."""
        collector = self._collector()
        agreement = self._agreement(count=2, first=date(2026, 12, 19))
        clause = self._clause(agreement, 5)
        self.assertIn("a pedido do cliente", clause)
        self.assertIn("primeiro pagamento", clause)
        as_collector = agreement.with_user(collector).with_context(lang="pt_BR")
        with self.assertRaisesRegex(UserError, "pedido do cliente"):
            as_collector._cancel()  # no ground: refused
        for when in (datetime(2026, 12, 15, 13), datetime(2026, 12, 21, 13)):
            with freeze_time(when), self.assertRaisesRegex(UserError, "não está atrasado"):
                self._cancel_form(
                    agreement, collector, ground="first_payment_missed"
                ).action_confirm()
        with self.assertRaisesRegex(UserError, "como o cliente pediu"):
            as_collector._cancel("customer_request")
        self.assertEqual(agreement.state, "approved")
        self.assertTrue(self._lines(self.move).reconciled, "nothing was undone")
        with freeze_time(datetime(2026, 12, 22, 13)):
            self._cancel_form(
                agreement, collector, ground="first_payment_missed", note="sem resposta"
            ).action_confirm()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.cancel_ground, "first_payment_missed")
        self.assertFalse(agreement.cancel_channel)
        self.assertEqual(self.move.amount_residual, 1000.0)
        note = agreement.message_ids.filtered(lambda m: "Motivo" in (m.body or ""))
        self.assertIn("O primeiro pagamento não foi feito", note.body)
        self.assertIn("sem resposta", note.body)

    def test_3_5_the_customer_asked_and_how_is_recorded(self):
        collector = self._collector()
        agreement = self._agreement(count=2, down=50.0)
        self._cancel_form(
            agreement,
            collector,
            ground="customer_request",
            channel="email",
            note="e-mail de 15/12",
        ).action_confirm()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(
            (agreement.cancel_ground, agreement.cancel_channel, agreement.cancel_note),
            ("customer_request", "email", "e-mail de 15/12"),
        )
        note = agreement.message_ids.filtered(lambda m: "Motivo" in (m.body or ""))
        self.assertIn("O cliente pediu", note.body)
        self.assertIn("E-mail", note.body)

    def test_3_5_a_proposal_never_accepted_is_withdrawn_freely(self):
        """The clause binds an accepted agreement: the team's own proposal the
        customer never accepted is withdrawn at once, noted as such."""
        collector = self._collector()
        proposal = self.env["dunning.agreement"]._propose(
            self._lines(self.move), 2, date(2026, 12, 22)
        )
        self.assertEqual(proposal.state, "to_accept")
        proposal.with_user(collector).action_cancel()
        self.assertEqual(proposal.state, "cancelled")
        self.assertEqual(proposal.cancel_ground, "withdrawn")

    # -- 3.5: the customer's right of withdrawal (CDC art. 49) ---------------------------------
    def test_3_5_the_customer_may_withdraw_within_7_days_and_loses_no_payment(self):
        """An agreement accepted on the portal is a contract made outside the
        company's premises: the customer may withdraw within 7 days (CDC art.
        49), even after paying. The term says so; the team records it (how the
        customer asked); the invoice is open again for exactly what it owed
        less every cent paid, before the agreement and under it."""
        collector = self._collector()
        self._pay(self.move, 300.0, date(2026, 12, 1))
        agreement = self._agreement(count=2, down=50.0)  # accepted Tuesday 15/12
        clause = self._clause(agreement, 5)
        self.assertIn("desistir deste acordo em até 7 dias", clause)
        self.assertIn("CDC art. 49", clause)
        self.assertIn("o que tiver sido pago neste acordo é abatido delas", clause)
        self._pay_line(self._installment(agreement, 0).move_line_id, 50.0, date(2026, 12, 15))
        self._pay_line(self._installment(agreement, 1).move_line_id, 0.01, date(2026, 12, 16))
        self.assertEqual(agreement.state, "active")
        with freeze_time(datetime(2026, 12, 23, 2, 59)):  # 22/12 23:59 in São Paulo: day 7
            self._cancel_form(
                agreement, collector, ground="withdrawal", channel="phone"
            ).action_confirm()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.cancel_ground, "withdrawal")
        self.assertEqual(self.move.amount_residual, 649.99)  # 1.000,00 - 300,00 - 50,01
        self.assertEqual(self.move.payment_state, "partial")
        self.assertFalse(
            agreement.installment_ids.move_line_id.filtered(lambda line: line.amount_residual),
            "nothing owed under the agreement",
        )
        self.assertEqual(
            self._lines(self.move).matched_credit_ids.mapped("amount"), [300.0, 50.0, 0.01]
        )
        note = agreement.message_ids.filtered(lambda m: "Motivo" in (m.body or ""))
        self.assertIn("O cliente desistiu (CDC art. 49)", note.body)

    def test_3_5_the_withdrawal_period_ends_on_the_7th_day_or_the_next_business_day(self):
        """Accepted on Friday 18/12: the 7th day is Christmas (Friday 25/12), a
        holiday, so the customer may withdraw until Monday 28/12 (Civil Code
        art. 132, §1); on Tuesday 29/12 it is refused, and the payment stays
        under the agreement."""
        collector = self._collector()
        with freeze_time(datetime(2026, 12, 18, 13)):
            agreement = self._agreement(count=2, first=date(2026, 12, 28))
        self._pay_line(self._installment(agreement, 1).move_line_id, 10.0, date(2026, 12, 18))
        with (
            freeze_time(datetime(2026, 12, 30, 2, 0)),
            self.assertRaisesRegex(UserError, "7 dias"),
        ):  # Tuesday 29/12, 23:00 in São Paulo
            self._cancel_form(
                agreement, collector, ground="withdrawal", channel="email"
            ).action_confirm()
        self.assertEqual(agreement.state, "active")
        with freeze_time(datetime(2026, 12, 29, 2, 0)):  # Monday 28/12, 23:00 in São Paulo
            self._cancel_form(
                agreement, collector, ground="withdrawal", channel="email"
            ).action_confirm()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(self.move.amount_residual, 990.0)

    # -- 3.8: personal data (LGPD) ----------------------------------------------------------------
    def test_3_8_personal_data_kept_and_reminders_said_as_the_software_does(self):
        """The stored term says what the acceptance record keeps and why, and
        how the installments are reminded and stopped: each checked here."""
        agreement = self._agreement(count=2)
        clause = next(line for line in agreement.term_text.splitlines() if line.startswith("3.8. "))
        self.assertIn("Dados pessoais (LGPD)", clause)
        self.assertIn("LGPD, art. 7º, V e VI", clause)
        # What the acceptance record keeps.
        self.assertIn("CPF/CNPJ do cliente, endereço IP, navegador, data e hora", clause)
        # The CPF in the stored term (masked on a link's page) and on the agreement's customer.
        self.assertIn(".982.247-", agreement.term_text.split("3.1. ")[0])
        self.assertEqual(agreement.customer_vat or agreement.partner_id.vat, "529.982.247-25")
        self.assertTrue(agreement.accepted_ip and agreement.accepted_user_agent)
        self.assertTrue(agreement.accepted_at)
        self.assertIn("código de uso único", clause)
        self.assertIn("accepted_code_id", agreement._fields)
        # The channels: the agreements' régua's (e-mail, SMS, a call) and WhatsApp
        # only with the glue add-on, which sends to a number that consented.
        policy = agreement.company_id.dunning_agreement_policy_id
        stages = self.env["dunning.stage"].search([("policy_id", "=", policy.id)])
        kinds = {channel for stage in stages for channel in stage._channels()}
        self.assertTrue({"email", "sms", "call"} <= kinds, kinds)
        whatsapp = agreement._term_whatsapp_offered()
        self.assertEqual(whatsapp, "l10n_br_dunning_whatsapp" in self.env.registry._init_modules)
        if whatsapp:
            self.assertIn("WhatsApp (somente com o consentimento do cliente)", clause)
        else:
            self.assertNotIn("WhatsApp", clause)
        # How each stops: the preferences page's boxes, the unsubscribe link, SAIR.
        from odoo.addons.sms_gateway.tools.replies import DEFAULT_OPT_OUT_KEYWORDS

        self.assertIn("SAIR", DEFAULT_OPT_OUT_KEYWORDS)
        self.assertIn("respondendo SAIR", clause)
        self.assertIn("página de preferências de contato", clause)
        page = self.env.ref("l10n_br_dunning.portal_dunning_preferences").arch
        self.assertIn('name="sms_opt_out"', page)
        self.assertIn('name="email_opt_out"', page)

    # -- 3.6: questions, review, CDC art. 42 ---------------------------------------------------
    def test_3_6_names_the_company_contacts_it_refers_to(self):
        """The clause sends the customer to "os contatos da empresa": the term
        (kept, printed, signed on paper) names them."""
        agreement = self._agreement()
        clause = self._clause(agreement, 6)
        self.assertIn("cobranca@aurora.example", clause)
        self.assertIn("(11) 3333-4444", clause)
        self.assertIn("ridículo, constrangimento ou ameaça (CDC art. 42)", clause)
        # Without a phone: the e-mail alone.
        self.company.phone = False
        self.assertIn(
            "pelos contatos da empresa: e-mail cobranca@aurora.example;", self._clause(agreement, 6)
        )
