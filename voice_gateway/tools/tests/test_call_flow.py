"""The conversation of a reminder call (no Odoo): nothing about the debt is
said before the customer confirms who they are."""

import xml.etree.ElementTree as ET

import pytest

from ..call_flow import (
    CONFIRMED,
    IDENTIFY,
    LINK,
    MACHINE,
    MENU,
    NO_CONFIRMATION,
    OPT_OUT,
    OTHER_PERSON,
    PAID,
    START,
    TALK,
    Script,
    next_turn,
    single_step_outcome,
)
from ..twiml import render

DEBT = "R$ 1.234,56"


def script(**overrides):
    values = dict(
        greeting="Esta é uma ligação da Papelaria Aurora para Maria Souza. Se for Maria, tecle 1.",
        machine="Esta é uma ligação da Papelaria Aurora. Retorne para 1 1, 3 3 3 3, 4 4 4 4.",
        other_person="Obrigado. Peça para Maria retornar para 1 1, 3 3 3 3, 4 4 4 4.",
        message=f"Maria, consta em aberto o valor de {DEBT}, vencido em 10 de dezembro.",
        menu="Para receber o link, tecle 1. Para falar conosco, tecle 2.",
        replies={
            LINK: "Enviamos o link.",
            TALK: "Transferindo.",
            "talk_callback": "Ligaremos de volta.",
            PAID: "Obrigado, vamos conferir.",
            OPT_OUT: "Não ligaremos mais.",
        },
        goodbye="Obrigado. Até logo.",
        single_step="Esta é uma ligação da Papelaria Aurora para Maria Souza. Tecle 1.",
    )
    values.update(overrides)
    return Script(**values)


def said(turn):
    return " ".join(turn.say)


def test_a_machine_hears_only_the_company_and_a_number():
    turn = next_turn(script(), START, answered_by="machine_end_beep")
    assert turn.outcome == MACHINE and turn.gather is None
    assert DEBT not in said(turn) and "Maria" not in said(turn)


def test_the_greeting_names_company_and_customer_and_waits_for_a_key():
    turn = next_turn(script(), START, answered_by="human")
    assert turn.gather == IDENTIFY and turn.outcome is None
    assert "Papelaria Aurora" in said(turn) and DEBT not in said(turn)


def test_someone_else_hears_no_debt():
    turn = next_turn(script(), IDENTIFY, keys := "2")
    assert keys == "2"
    assert turn.outcome == OTHER_PERSON and turn.gather is None
    assert DEBT not in said(turn)


def test_the_customer_who_confirms_hears_the_debt_and_the_menu():
    turn = next_turn(script(), IDENTIFY, "1")
    assert turn.outcome == CONFIRMED and turn.gather == MENU
    assert DEBT in said(turn)


def test_silence_asks_once_more_then_says_goodbye():
    again = next_turn(script(), IDENTIFY, "")
    assert again.gather == IDENTIFY and again.attempt == 1 and again.outcome is None
    done = next_turn(script(), IDENTIFY, "", attempt=1)
    assert done.outcome == NO_CONFIRMATION and done.gather is None
    assert DEBT not in said(again) + said(done)


@pytest.mark.parametrize(("key", "choice"), [("1", LINK), ("2", TALK), ("3", PAID), ("9", OPT_OUT)])
def test_menu_choices(key, choice):
    turn = next_turn(script(), MENU, key)
    assert turn.choice == choice and turn.gather is None


def test_talk_transfers_when_the_company_has_a_number_else_a_call_back():
    assert next_turn(script(transfer_number="+551133334444"), MENU, "2").dial == "+551133334444"
    turn = next_turn(script(), MENU, "2")
    assert not turn.dial and said(turn) == "Ligaremos de volta."


def test_an_unknown_key_repeats_the_menu_once():
    assert next_turn(script(), MENU, "7").gather == MENU
    assert next_turn(script(), MENU, "7", attempt=1).gather is None


def test_single_step_providers():
    assert single_step_outcome(True, "1") == (CONFIRMED, LINK)
    assert single_step_outcome(True, "4") == (OTHER_PERSON, None)
    assert single_step_outcome(True, "") == (NO_CONFIRMATION, None)
    assert single_step_outcome(True, "1", "machine_start") == (MACHINE, None)


def test_twiml_of_a_question_and_of_the_end():
    doc = ET.fromstring(
        render(
            next_turn(script(voice="Polly.Camila"), START),
            script(voice="Polly.Camila"),
            "https://x/flow?a=1&b=2",
        )
    )
    gather = doc.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("action") == "https://x/flow?a=1&b=2"
    say = gather.find("Say")
    assert say.get("language") == "pt-BR" and say.get("voice") == "Polly.Camila"
    end = ET.fromstring(render(next_turn(script(), IDENTIFY, "2"), script()))
    assert end.find("Hangup") is not None and end.find("Gather") is None
    dial = ET.fromstring(
        render(next_turn(script(transfer_number="+551133334444"), MENU, "2"), script())
    )
    assert dial.find("Dial").text == "+551133334444"


def test_twiml_reads_another_language_with_twilios_voice_for_it():
    """The account's voice (Brazilian Portuguese) reads Portuguese scripts only:
    an English-speaking customer's call is read by Twilio's voice for English."""
    english = script(voice="Polly.Camila", language="en-US")
    say = ET.fromstring(render(next_turn(english, START), english, "https://x")).find("Gather/Say")
    assert say.get("language") == "en-US" and say.get("voice") is None
    portuguese = script(voice="Polly.Camila", language="pt-BR")
    say = ET.fromstring(render(next_turn(portuguese, START), portuguese, "https://x"))
    assert say.find("Gather/Say").get("voice") == "Polly.Camila"


def test_twiml_escapes_names():
    weird = script(greeting='Ligação para <Ana & Zé> "Ltda"')
    doc = ET.fromstring(render(next_turn(weird, START), weird, "https://x"))
    assert doc.find("Gather/Say").text == 'Ligação para <Ana & Zé> "Ltda"'


def test_a_question_without_its_action_is_refused():
    with pytest.raises(ValueError):
        render(next_turn(script(), START), script())
