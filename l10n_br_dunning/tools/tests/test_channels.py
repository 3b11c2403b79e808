from datetime import date

from ..caps import SmsCaps
from ..channels import (
    BAD_EMAIL,
    COMPANY_NO_EMAIL,
    COMPANY_UNIDENTIFIED,
    DEFERRED,
    EMAIL_BLACKLISTED,
    EMAIL_BOUNCED,
    EMAIL_OPTED_OUT,
    FALLBACK,
    LETTER,
    MANUAL,
    NO_ADDRESS,
    NO_EMAIL,
    NO_MOBILE,
    NO_PHONE,
    OPEN_CREDIT,
    OUTSIDE_WINDOW,
    PREFERS_EMAIL,
    PREFERS_SMS,
    SEND,
    SKIPPED,
    SMS_CAP,
    SMS_OPTED_OUT,
    Contact,
    choose,
    hold_for_credit,
    usable_email,
)

MONDAY = date(2026, 12, 7)
REACHABLE = Contact(email=True, sms_number="+5511987654321")


def summary(decisions):
    return [(d.channel, d.state, d.reason, d.origin, tuple(d.lines)) for d in decisions]


def test_every_channel_goes_when_the_customer_is_reachable():
    decisions = choose(REACHABLE, {"email": [1, 2], "sms": [1, 2], "call": [2]})
    assert summary(decisions) == [
        ("sms", SEND, None, "auto", (1, 2)),
        ("email", SEND, None, "auto", (1, 2)),
        ("call", SEND, None, "auto", (2,)),
    ]


def test_impossible_sms_falls_back_to_email_for_what_the_email_does_not_cover():
    contact = Contact(email=True, sms_raw_number="3003-0000", sms_error="not_mobile")
    decisions = choose(contact, {"sms": [1, 2], "email": [1]})
    assert summary(decisions) == [
        ("sms", SKIPPED, NO_MOBILE, "auto", (1, 2)),
        ("email", SEND, None, "auto", (1,)),
        ("email", SEND, None, FALLBACK, (2,)),
    ]
    assert decisions[0].args == {"number": "3003-0000", "code": "not_mobile"}


def test_no_fallback_when_the_company_turned_it_off_unless_the_customer_prefers_email():
    contact = Contact(email=True, sms_number="+5511987654321", sms_opted_out=True)
    off = Contact(**{**contact.__dict__, "email_fallback": False})
    assert summary(choose(off, {"sms": [1]})) == [("sms", SKIPPED, SMS_OPTED_OUT, "auto", (1,))]
    prefers = Contact(**{**off.__dict__, "preferred": "email"})
    assert summary(choose(prefers, {"sms": [1]})) == [
        ("sms", SKIPPED, PREFERS_EMAIL, "auto", (1,)),
        ("email", SEND, None, FALLBACK, (1,)),
    ]


def test_customer_preferring_sms_gets_no_email_when_the_sms_goes():
    contact = Contact(**{**REACHABLE.__dict__, "preferred": "sms"})
    assert summary(choose(contact, {"sms": [1], "email": [1]})) == [
        ("sms", SEND, None, "auto", (1,)),
        ("email", SKIPPED, PREFERS_SMS, "auto", (1,)),
    ]
    # An e-mail-only stage still e-mails.
    assert summary(choose(contact, {"email": [1]})) == [("email", SEND, None, "auto", (1,))]


def test_missing_or_blacklisted_email_is_skipped_with_its_reason():
    assert choose(Contact(), {"email": [1]})[0].reason == NO_EMAIL
    blacklisted = Contact(email=True, email_blacklisted=True)
    assert choose(blacklisted, {"email": [1]})[0].reason == EMAIL_BLACKLISTED
    # An address on file that mail cannot go to says which one.
    [bad] = choose(Contact(email_raw="foo@"), {"email": [1]})
    assert (bad.state, bad.reason, bad.args) == (SKIPPED, BAD_EMAIL, {"email": "foo@"})


def test_a_bounced_address_is_skipped_and_its_sms_fallback_too():
    """An address that bounced is skipped saying which; an SMS that cannot go
    gets no e-mail to it either. A customer who also opted out of e-mail keeps
    the letter in its place."""
    bounced = Contact(email=True, email_raw="maria@cliente.example", email_bounced=True)
    [email] = choose(bounced, {"email": [1]})
    assert (email.state, email.reason, email.args) == (
        SKIPPED,
        EMAIL_BOUNCED,
        {"email": "maria@cliente.example"},
    )
    sms, fallback = choose(bounced, {"sms": [1]})
    assert (sms.reason, fallback.origin, fallback.reason) == (NO_MOBILE, FALLBACK, EMAIL_BOUNCED)
    both = Contact(email=True, email_bounced=True, email_opted_out=True)
    email, letter = choose(both, {"email": [1]})
    assert (email.reason, letter.channel, letter.origin) == (EMAIL_OPTED_OUT, LETTER, FALLBACK)


def test_an_address_mail_cannot_go_to_is_not_usable():
    for address in (
        "maria@cliente.example",
        "maria.souza+cobranca@cliente.com.br",
        "joão@padaria-são-josé.com.br",
        "x_1@sub.dominio.example",
    ):
        assert usable_email(address), address
    for address in (
        None,
        "",
        "@cliente..example",  # what Odoo makes of "bruno@@cliente..example"
        "bruno@@cliente.example",
        "bruno@cliente..example",
        "bruno@cliente.example.",
        "bruno@.cliente.example",
        "bruno@localhost",
        "bruno@cliente.c",
        "bruno@10.0.0.1",
        "bruno@-cliente.example",
        "bruno@cliente-.example",
        ".bruno@cliente.example",
        "bruno.@cliente.example",
        "bru..no@cliente.example",
        "bru no@cliente.example",
        "maria,joao@cliente.example",
        "<maria@cliente.example>",
        "maria@cliente_example.com",
    ):
        assert not usable_email(address), address


def test_caps_defer_the_second_sms_of_a_day_to_the_next_contact_day():
    caps = SmsCaps(MONDAY, [], per_day=1, per_week=3)
    first = choose(REACHABLE, {"sms": [1]}, caps)
    second = choose(REACHABLE, {"sms": [2]}, caps)
    assert first[0].state == SEND
    assert (second[0].state, second[0].reason, second[0].defer_day) == (
        DEFERRED,
        SMS_CAP,
        date(2026, 12, 8),
    )


def test_caps_count_the_week_and_skip_to_a_contact_day():
    friday = date(2026, 12, 11)
    sent = [date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10)]
    caps = SmsCaps(
        friday,
        sent,
        next_contact_day=lambda day: day if day.weekday() < 5 else date(2026, 12, 14),
    )
    # Three in the 7 days ending Friday, and still three until the 8th leaves the
    # week on Tuesday 15: the next contact day from then.
    assert choose(REACHABLE, {"sms": [1]}, caps)[0].defer_day == date(2026, 12, 15)


def test_a_person_sends_outside_the_caps_and_gets_no_fallback():
    caps = SmsCaps(MONDAY, [MONDAY])
    contact = Contact(email=True, sms_raw_number="", sms_error="empty")
    assert summary(choose(REACHABLE, {"sms": [1]}, caps, origin=MANUAL)) == [
        ("sms", SEND, None, MANUAL, (1,))
    ]
    assert summary(choose(contact, {"sms": [1]}, caps, origin=MANUAL)) == [
        ("sms", SKIPPED, NO_MOBILE, MANUAL, (1,))
    ]


def test_outside_the_window_every_message_waits_for_the_next_allowed_day():
    monday = date(2026, 12, 7)
    contact = Contact(email=True, sms_raw_number="", sms_error="empty")
    decisions = choose(contact, {"sms": [1], "email": [1], "call": [1]}, closed_until=monday)
    assert summary(decisions) == [
        ("sms", SKIPPED, NO_MOBILE, "auto", (1,)),
        ("email", DEFERRED, OUTSIDE_WINDOW, "auto", (1,)),
        ("call", DEFERRED, OUTSIDE_WINDOW, "auto", (1,)),
    ]
    assert decisions[1].defer_day == monday


def test_a_company_without_cnpj_or_address_sends_nothing_to_the_customer():
    # Nothing goes, nothing is lost: the messages wait (no day: each run looks
    # again) until the company can name itself.
    decisions = choose(REACHABLE, {"sms": [1], "email": [1], "call": [1]}, company_missing="CNPJ")
    assert summary(decisions) == [
        ("sms", DEFERRED, COMPANY_UNIDENTIFIED, "auto", (1,)),
        ("email", DEFERRED, COMPANY_UNIDENTIFIED, "auto", (1,)),
        ("call", SEND, None, "auto", (1,)),  # a person calls and can say who they are
    ]
    assert [d.defer_day for d in decisions[:2]] == [None, None]
    # The window closed as well: still waiting for the company, not for a day.
    closed = choose(
        REACHABLE, {"sms": [1]}, company_missing="CNPJ", closed_until=date(2026, 12, 14)
    )
    assert (closed[0].state, closed[0].reason, closed[0].defer_day) == (
        DEFERRED,
        COMPANY_UNIDENTIFIED,
        None,
    )


def test_a_company_without_an_email_address_sends_no_email_but_its_sms_goes():
    no_sender = Contact(email=True, sms_number="+5511987654321", company_email=False)
    decisions = choose(no_sender, {"sms": [1], "email": [1, 2]})
    assert summary(decisions) == [
        ("sms", SEND, None, "auto", (1,)),
        ("email", SKIPPED, COMPANY_NO_EMAIL, "auto", (1, 2)),
    ]


def test_the_email_instead_of_an_impossible_sms_needs_the_company_address_too():
    no_sender = Contact(email=True, company_email=False)
    decisions = choose(no_sender, {"sms": [1]})
    assert summary(decisions) == [
        ("sms", SKIPPED, NO_MOBILE, "auto", (1,)),
        ("email", SKIPPED, COMPANY_NO_EMAIL, "fallback", (1,)),
    ]


def test_no_more_e_mails_from_this_company_means_the_other_channels_then_a_letter():
    opted = Contact(email=True, email_opted_out=True, sms_number="+5511987654321")
    decisions = choose(opted, {"email": ["a"], "sms": ["a"]})
    by_channel = {d.channel: d for d in decisions}
    assert by_channel["email"].state == "skipped"
    assert by_channel["email"].reason == EMAIL_OPTED_OUT
    assert by_channel["sms"].state == "send"
    assert LETTER not in by_channel, "the SMS reaches the customer"
    # Without a mobile: a letter instead of the e-mail.
    no_mobile = Contact(email=True, email_opted_out=True)
    decisions = choose(no_mobile, {"email": ["a", "b"]})
    letters = [d for d in decisions if d.channel == LETTER]
    assert [(d.lines, d.state, d.origin) for d in letters] == [(["a", "b"], "send", FALLBACK)]
    # The stage's own letter already carries it; a person's send has no fallback.
    assert not [
        d for d in choose(no_mobile, {"email": ["a"], "letter": ["a"]}) if d.origin == FALLBACK
    ]
    assert not [
        d for d in choose(no_mobile, {"email": ["a"]}, origin="manual") if d.channel == LETTER
    ]


def test_a_letter_with_nowhere_to_go_and_a_call_with_no_number_say_so():
    # A customer imported with a name only: the person who prints or calls is told.
    bare = Contact(postal_address=False, phone=False)
    decisions = choose(bare, {"call": [1], "letter": [1]})
    assert summary(decisions) == [
        ("call", SEND, NO_PHONE, "auto", (1,)),
        ("letter", SEND, NO_ADDRESS, "auto", (1,)),
    ]
    opted_out = Contact(email=True, email_opted_out=True, postal_address=False)
    fallback = [d for d in choose(opted_out, {"email": [1]}) if d.channel == LETTER]
    assert summary(fallback) == [("letter", SEND, NO_ADDRESS, FALLBACK, (1,))]


def test_a_credit_not_applied_holds_every_channel_but_a_persons_send():
    credit = Contact(email=True, sms_number="+5511987654321", open_credit="R$ 1.000,00")
    channels = {"email": [1], "sms": [1], "call": [1], "letter": [1]}
    held = hold_for_credit(choose(credit, channels), credit)
    assert {(d.state, d.reason) for d in held} == {(SKIPPED, OPEN_CREDIT)}
    assert held[0].args == {"amount": "R$ 1.000,00"}
    sent = hold_for_credit(choose(credit, channels, origin=MANUAL), credit, origin=MANUAL)
    assert {d.state for d in sent} == {SEND}
    # No credit: nothing changes.
    assert {d.state for d in hold_for_credit(choose(REACHABLE, channels), REACHABLE)} == {SEND}
