import pytest

from ..params import EMPTY, TOO_LONG, ParameterError, clean, fill, placeholders


def test_clean_folds_whitespace_meta_refuses():
    assert clean("1", "  Maria\n da\tSilva     Souza ") == "Maria da Silva Souza"
    assert clean("2", 1234.5) == "1234.5"


@pytest.mark.parametrize("value", ["", "   ", None, False, "\n\t"])
def test_empty_parameter_is_refused_with_its_name(value):
    with pytest.raises(ParameterError) as error:
        clean("vencimento", value)
    assert (error.value.name, error.value.problem) == ("vencimento", EMPTY)


def test_too_long_parameter():
    with pytest.raises(ParameterError) as error:
        clean("1", "x" * 1025)
    assert error.value.problem == TOO_LONG
    assert clean("1", "x" * 1024) == "x" * 1024


def test_placeholders_and_fill():
    body = "Olá {{1}}, a fatura de {{2}} vence em {{ 3 }}. {{1}}"
    assert placeholders(body) == ["1", "2", "3"]
    assert fill(body, [("1", "Maria"), ("2", "R$ 10,00"), ("3", "10/12")]) == (
        "Olá Maria, a fatura de R$ 10,00 vence em 10/12. Maria"
    )
    assert fill("{{nome}} {{x}}", {"nome": "Ana"}) == "Ana {{x}}"
