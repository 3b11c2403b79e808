"""Where a call sits among the régua's channels (no Odoo)."""

from datetime import date

import pytest

from l10n_br_dunning.tools.caps import SmsCaps

from ..voice_rules import (
    NO_ACCOUNT,
    NO_NAME,
    NO_NUMBER,
    OPTED_OUT,
    PREFERS_WRITTEN,
    RETRY,
    VOICE,
    VOICE_CAP,
    VoiceFacts,
    choose,
    decide,
    rules,
)
from ..voice_script import ScriptError, check, placeholders, render

TODAY = date(2026, 12, 15)
FACTS = VoiceFacts(account=True, number="+5511987654321")


def caps(sent_days=()):
    return SmsCaps(TODAY, list(sent_days), per_day=1, per_week=1)


def test_a_call_goes_with_an_account_a_number_and_no_opt_out():
    assert decide(FACTS, "any", [1], caps()).state == rules.SEND
    assert decide(VoiceFacts(number="+5511987654321"), "any", [1]).reason == NO_ACCOUNT
    assert decide(VoiceFacts(account=True), "any", [1]).reason == NO_NUMBER
    opted = VoiceFacts(account=True, number="+5511987654321", opted_out=True)
    assert decide(opted, "any", [1]).reason == OPTED_OUT
    assert decide(FACTS, "email", [1]).reason == PREFERS_WRITTEN


def test_no_one_is_called_whose_name_on_file_is_not_a_name():
    """A CPF, a CNPJ or "Consumidor final" on file: the greeting could only
    read the tax id aloud or ask for no one, so whoever answered would hear
    the debt after pressing 1 (BRIEF: nothing before the confirmation; LGPD)."""
    unnamed = VoiceFacts(account=True, number="+5511987654321", named=False)
    decision = decide(unnamed, "any", [1], caps())
    assert (decision.state, decision.reason) == (rules.SKIPPED, NO_NAME)
    assert decide(unnamed, "any", [1], origin=rules.MANUAL).reason == NO_NAME


def test_calls_are_capped_apart_and_a_retry_is_not_capped_again():
    capped = caps([date(2026, 12, 11)])
    decision = decide(FACTS, "any", [1], capped)
    assert (decision.state, decision.reason) == (rules.DEFERRED, VOICE_CAP)
    assert decision.defer_day == date(2026, 12, 18)
    assert decide(FACTS, "any", [1], caps([date(2026, 12, 11)]), origin=RETRY).state == rules.SEND
    # A person calls when they decide.
    assert decide(FACTS, "any", [1], caps([TODAY]), origin=rules.MANUAL).state == rules.SEND


def test_the_other_channels_are_decided_as_before():
    contact = rules.Contact(preferred="any")
    seen = []

    def rest(lines):
        seen.append(lines)
        return [rules.Decision(rules.EMAIL, lines[rules.EMAIL], rules.SEND)]

    decisions = choose(FACTS, contact, {VOICE: [1], rules.EMAIL: [1]}, rest, caps=caps())
    assert seen == [{rules.EMAIL: [1]}]
    assert [(d.channel, d.state) for d in decisions] == [
        (rules.EMAIL, rules.SEND),
        (VOICE, rules.SEND),
    ]


def test_outside_the_window_and_without_the_company_identity():
    contact = rules.Contact()
    [decision] = choose(FACTS, contact, {VOICE: [1]}, lambda lines: [], closed_until=TODAY)
    assert (decision.state, decision.defer_day) == (rules.DEFERRED, TODAY)
    [decision] = choose(FACTS, contact, {VOICE: [1]}, lambda lines: [], company_missing="CNPJ")
    assert decision.reason == rules.COMPANY_UNIDENTIFIED


def test_scripts_placeholders():
    assert placeholders("{company} para {customer}") == ["company", "customer"]
    with pytest.raises(ScriptError) as error:
        placeholders("{company.__class__}")
    assert error.value.problem == "unknown"
    with pytest.raises(ScriptError):
        placeholders("{amount:>10}")
    with pytest.raises(ScriptError):
        placeholders("{ unclosed")


def test_the_debt_is_never_in_what_is_heard_before_the_confirmation():
    with pytest.raises(ScriptError) as error:
        check({"greeting": "Você deve {amount}", "message": "{amount}"})
    assert (error.value.text, error.value.problem) == ("greeting", "debt_before_confirmation")
    check({"greeting": "{company} para {customer}", "message": "{amount} em {due_date}"})


def test_render_fills_names_with_braces_safely():
    texts = {"greeting": "Ligação da {company} para {customer}.", "message": "{amount}"}
    values = {"company": "A {b} & C", "customer": "Zé {x}", "amount": "cem reais"}
    assert render(texts, values) == {
        "greeting": "Ligação da A {b} & C para Zé {x}.",
        "message": "cem reais",
    }
