from datetime import datetime, timedelta

import pytest

from ..replies import (
    DEFAULT_OPT_OUT_KEYWORDS,
    SAME_INBOUND_WITHIN,
    as_note,
    inbound_keys,
    is_opt_out,
    parse_keywords,
)


@pytest.mark.parametrize(
    "reply", ["SAIR", "Sair.", "pare", " STOP ", "Parar!", "descadastrar", "CANCELAR"]
)
def test_opt_out_keywords_in_any_case_and_punctuation(reply):
    assert is_opt_out(reply, DEFAULT_OPT_OUT_KEYWORDS)


@pytest.mark.parametrize(
    "reply", ["Já paguei ontem", "Quero sair do plano anual", "", "ok", "Pare de me cobrar, paguei"]
)
def test_other_replies_are_not_opt_outs(reply):
    assert not is_opt_out(reply, DEFAULT_OPT_OUT_KEYWORDS)


def test_keywords_are_parsed_from_the_form_field():
    keywords = parse_keywords("SAIR, Parar;PARE  stop")
    assert keywords == {"sair", "parar", "pare", "stop"}
    assert is_opt_out("Stop.", keywords)
    assert not is_opt_out("cancelar", keywords)


def test_accented_keyword_matches_unaccented_reply():
    assert is_opt_out("nao quero", {"NÃO QUERO"})


def test_an_inbound_without_id_is_the_same_within_ten_minutes():
    """The same text from the same number: its key at 12:05, or the key of
    the period before at 12:14 (another period), finds the first copy; a
    different text or number is another SMS."""
    at = datetime(2026, 12, 7, 12, 5)
    key, _earlier = inbound_keys("+5511987654321", "Ok", at=at)
    assert inbound_keys("+5511987654321", "Ok", at=at + timedelta(minutes=3))[0] == key
    later_key, later_earlier = inbound_keys("+5511987654321", "Ok", at=at + timedelta(minutes=9))
    assert later_key != key and later_earlier == key
    assert key not in inbound_keys("+5511987654321", "Ok", at=at + 2 * SAME_INBOUND_WITHIN)
    assert inbound_keys("+5511987654321", "Ok!", at=at)[0] != key
    assert inbound_keys("+5521998765432", "Ok", at=at)[0] != key


def test_an_inbound_with_the_providers_timestamp_is_known_by_it():
    stamp = "2026-12-07T12:05:00Z"
    key, earlier = inbound_keys("+5511987654321", "Ok", stamp, datetime(2026, 12, 7, 12, 5))
    assert earlier is None
    assert inbound_keys("+5511987654321", "Ok", stamp, datetime(2026, 12, 8, 9, 0))[0] == key
    assert inbound_keys("+5511987654321", "Ok", "2026-12-07T12:06:00Z")[0] != key


def test_a_persons_words_become_a_note_as_typed():
    from markupsafe import Markup

    note = as_note("Veio o <modelo X200> & não o X300.\r\nVer <a href='x'>foto</a>\n")
    assert isinstance(note, Markup)
    assert note == (
        "Veio o &lt;modelo X200&gt; &amp; não o X300.<br>"
        "Ver &lt;a href=&#39;x&#39;&gt;foto&lt;/a&gt;"
    )
    assert as_note("") == "" and as_note(None) == ""
    ours = Markup("<b>R$ 10,00</b>")
    assert as_note(ours) is ours
