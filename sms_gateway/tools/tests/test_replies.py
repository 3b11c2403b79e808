import pytest

from ..replies import DEFAULT_OPT_OUT_KEYWORDS, is_opt_out, parse_keywords


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
