from datetime import date

from ..whatsapp_rules import (
    NO_ACCOUNT,
    NO_CONSENT,
    NO_NUMBER,
    OPTED_OUT,
    PREFERS_OTHER,
    SENT_BY_WHATSAPP,
    TEMPLATE_FAILED,
    TEMPLATE_NOT_APPROVED,
    TEMPLATE_ONE_INVOICE,
    TEMPLATE_OTHER_COMPANY,
    WHATSAPP,
    WhatsappFacts,
    choose,
    rules,
)

READY = WhatsappFacts(
    number="+5511987654321",
    account=True,
    consent="granted",
    template_status="approved",
    template_name="cobranca_d3",
)
CONTACT = rules.Contact(email=True, sms_number="+5511987654321")


def run(facts=READY, contact=CONTACT, channel_lines=None, **options):
    channel_lines = channel_lines or {WHATSAPP: [1, 2]}

    def rest(lines, **more):
        keep = {
            k: options[k]
            for k in ("origin", "fallback", "closed_until", "company_missing")
            if k in options
        }
        return rules.choose(contact, lines, None, **keep, **more)

    decisions = choose(facts, contact, channel_lines, rest, **options)
    return [(d.channel, d.lines, d.state, d.reason, d.origin) for d in decisions]


def test_consent_account_and_approved_template_send_whatsapp():
    assert run() == [(WHATSAPP, [1, 2], "send", None, "auto")]


def test_whatsapp_replaces_the_stages_sms_for_the_same_installments():
    result = run(channel_lines={WHATSAPP: [1], rules.SMS: [1], rules.EMAIL: [1]})
    assert result == [
        (WHATSAPP, [1], "send", None, "auto"),
        (rules.EMAIL, [1], "send", None, "auto"),
        (rules.SMS, [1], "skipped", SENT_BY_WHATSAPP, "auto"),
    ]


def test_no_letter_for_a_customer_who_stopped_emails_and_is_reached_on_whatsapp():
    # Their e-mail is replaced by a letter only where no other channel reaches
    # them: WhatsApp does, as an SMS would.
    opted_out = rules.Contact(
        email=True, email_opted_out=True, sms_number="+5511987654321", postal_address=True
    )
    lines = {WHATSAPP: [1], rules.SMS: [1], rules.EMAIL: [1, 2]}
    assert run(contact=opted_out, channel_lines=lines) == [
        (WHATSAPP, [1], "send", None, "auto"),
        (rules.EMAIL, [1, 2], "skipped", rules.EMAIL_OPTED_OUT, "auto"),
        # Installment 2 is on no WhatsApp message: its letter stays.
        (rules.LETTER, [2], "send", None, "fallback"),
        (rules.SMS, [1], "skipped", SENT_BY_WHATSAPP, "auto"),
    ]
    # WhatsApp impossible (no consent): the SMS carries installment 1, the
    # letter the rest, as before.
    facts = WhatsappFacts(**{**READY.__dict__, "consent": "none"})
    assert run(facts, opted_out, lines) == [
        (WHATSAPP, [1], "skipped", NO_CONSENT, "auto"),
        (rules.SMS, [1], "send", None, "auto"),
        (rules.EMAIL, [1, 2], "skipped", rules.EMAIL_OPTED_OUT, "auto"),
        (rules.LETTER, [2], "send", None, "fallback"),
    ]


def test_no_consent_falls_back_to_sms_with_the_reason():
    facts = WhatsappFacts(**{**READY.__dict__, "consent": "none"})
    assert run(facts) == [
        (WHATSAPP, [1, 2], "skipped", NO_CONSENT, "auto"),
        (rules.SMS, [1, 2], "send", None, "fallback"),
    ]


def test_no_valid_mobile_falls_back_to_email_through_sms():
    facts = WhatsappFacts(account=True, consent="granted", template_status="approved")
    contact = rules.Contact(email=True, sms_number=None, sms_error="empty")
    assert run(facts, contact) == [
        (WHATSAPP, [1, 2], "skipped", NO_NUMBER, "auto"),
        (rules.SMS, [1, 2], "skipped", rules.NO_MOBILE, "fallback"),
        (rules.EMAIL, [1, 2], "send", None, "fallback"),
    ]


def test_each_reason_in_order():
    cases = [
        (WhatsappFacts(), NO_ACCOUNT),
        (WhatsappFacts(account=True), NO_NUMBER),
        (WhatsappFacts(account=True, number="+5511987654321"), NO_CONSENT),
        (WhatsappFacts(account=True, number="+5511987654321", consent="revoked"), OPTED_OUT),
        (
            WhatsappFacts(
                account=True, number="+5511987654321", consent="granted", template_status="rejected"
            ),
            TEMPLATE_NOT_APPROVED,
        ),
    ]
    for facts, reason in cases:
        assert run(facts)[0][2:4] == ("skipped", reason)


def test_customer_preferring_email_gets_email_not_whatsapp_nor_sms():
    contact = rules.Contact(preferred="email", email=True, sms_number="+5511987654321")
    assert run(contact=contact) == [
        (WHATSAPP, [1, 2], "skipped", PREFERS_OTHER, "auto"),
        (rules.SMS, [1, 2], "skipped", rules.PREFERS_EMAIL, "fallback"),
        (rules.EMAIL, [1, 2], "send", None, "fallback"),
    ]


def test_a_person_choosing_whatsapp_gets_no_fallback():
    facts = WhatsappFacts(**{**READY.__dict__, "consent": "none"})
    assert run(facts, origin=rules.MANUAL) == [(WHATSAPP, [1, 2], "skipped", NO_CONSENT, "manual")]


def test_closed_window_defers_whatsapp_and_keeps_the_sms_out():
    day = date(2026, 12, 7)
    result = run(channel_lines={WHATSAPP: [1], rules.SMS: [1]}, closed_until=day)
    assert result == [
        (WHATSAPP, [1], "deferred", rules.OUTSIDE_WINDOW, "auto"),
        (rules.SMS, [1], "skipped", SENT_BY_WHATSAPP, "auto"),
    ]


def test_caps_defer_whatsapp():
    from l10n_br_dunning.tools.caps import SmsCaps

    today = date(2026, 12, 3)
    caps = SmsCaps(today, [today], per_day=1, per_week=3)
    decisions = choose(
        READY,
        CONTACT,
        {WHATSAPP: [1]},
        lambda lines, **more: rules.choose(CONTACT, lines, **more),
        caps=caps,
    )
    assert (decisions[0].state, decisions[0].defer_day) == ("deferred", date(2026, 12, 4))


def test_company_without_identity_sends_nothing():
    # It waits for the company's identity (no SMS instead, which would not go either).
    assert run(company_missing="CNPJ")[0][2:4] == ("deferred", rules.COMPANY_UNIDENTIFIED)
    assert len(run(company_missing="CNPJ")) == 1


def test_a_template_that_speaks_of_one_invoice_carries_one_installment_only():
    """ "a fatura de R$ 702,00" for two installments would mislead: SMS instead."""
    facts = WhatsappFacts(**{**READY.__dict__, "template_one_invoice": True})
    assert run(facts, channel_lines={WHATSAPP: [1]}) == [(WHATSAPP, [1], "send", None, "auto")]
    assert run(facts) == [
        (WHATSAPP, [1, 2], "skipped", TEMPLATE_ONE_INVOICE, "auto"),
        (rules.SMS, [1, 2], "send", None, "fallback"),
    ]


def test_another_companys_template_never_goes_the_sms_does():
    facts = WhatsappFacts(**{**READY.__dict__, "template_company": False})
    assert run(facts, channel_lines={WHATSAPP: [1], rules.SMS: [1]}) == [
        (WHATSAPP, [1], "skipped", TEMPLATE_OTHER_COMPANY, "auto"),
        (rules.SMS, [1], "send", None, "auto"),
    ]


def test_a_template_that_cannot_be_written_gives_the_sms_back():
    """Its variables fail for this message: not "Sent by WhatsApp instead",
    the stage's SMS goes (then the e-mail, when no SMS can)."""
    facts = WhatsappFacts(**{**READY.__dict__, "render_problem": lambda: "variable 1 is empty"})
    assert run(facts, channel_lines={WHATSAPP: [1], rules.SMS: [1]}) == [
        (WHATSAPP, [1], "skipped", TEMPLATE_FAILED, "auto"),
        (rules.SMS, [1], "send", None, "auto"),
    ]
    no_mobile = rules.Contact(email=True, sms_number=None, sms_error="empty")
    assert run(facts, no_mobile, channel_lines={WHATSAPP: [1]})[1:] == [
        (rules.SMS, [1], "skipped", rules.NO_MOBILE, "fallback"),
        (rules.EMAIL, [1], "send", None, "fallback"),
    ]


def test_the_template_is_written_only_when_everything_else_lets_it_go():
    asked = []

    def problem():
        asked.append(True)

    facts = WhatsappFacts(**{**READY.__dict__, "consent": "none", "render_problem": problem})
    assert run(facts)[0][3] == NO_CONSENT
    assert not asked
    facts = WhatsappFacts(**{**READY.__dict__, "render_problem": problem})
    assert run(facts)[0][2] == "send"
    assert asked
