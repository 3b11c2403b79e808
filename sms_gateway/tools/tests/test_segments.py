import unicodedata

from ..segments import GSM7, UCS2, is_gsm7, segment_info, transliterate, unwritable


def test_plain_portuguese_without_accents_is_one_gsm7_segment():
    text = (
        "Ola, Joao, sua fatura de R$ 120,00 venceu em 10/11. Pague em "
        "https://exemplo.com.br/p/Ab3x. Se ja pagou, desconsidere. Papelaria Aurora"
    )
    info = segment_info(text)
    assert info.encoding == GSM7
    assert info.characters == len(text)
    assert info.segments == 1


def test_one_accent_outside_gsm7_switches_to_ucs2():
    info = segment_info("Olá, João")  # á and ã are not in GSM 03.38 (à is)
    assert info.encoding == UCS2
    assert info.units == 9


def test_gsm7_accents_stay_gsm7():
    assert is_gsm7("é è ù ì ò Ç à ü ñ")
    assert not is_gsm7("ç")
    assert not is_gsm7("ã")


def test_limits_160_and_153_per_segment():
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3


def test_ucs2_limits_70_and_67():
    assert segment_info("ã" * 70).segments == 1
    assert segment_info("ã" * 71).segments == 2
    assert segment_info("ã" * 134).segments == 2
    assert segment_info("ã" * 135).segments == 3


def test_extension_table_characters_cost_two_septets():
    info = segment_info("€" * 80)
    assert info.encoding == GSM7
    assert info.units == 160
    assert info.segments == 1
    assert segment_info("€" * 81).segments == 2


def test_escape_pair_is_not_split_across_segments():
    # 152 septets, then "€" (2 septets) does not fit in the first 153.
    text = "a" * 152 + "€" + "b" * 10
    assert segment_info(text).units == 164
    assert segment_info(text).segments == 2
    text = "a" * 152 + "€" + "b" * 152
    # first segment 152, second holds € + 151 b, third the last b
    assert segment_info(text).segments == 3


def test_emoji_counts_two_utf16_units():
    info = segment_info("😀" * 35)
    assert info.encoding == UCS2
    assert info.units == 70
    assert info.segments == 1


def test_empty_text_has_no_segment():
    assert segment_info("").segments == 0
    assert segment_info(None).segments == 0


def test_transliterate_keeps_meaning_and_fits_gsm7():
    text = "Olá, João! Sua fatura “nº 12” vence amanhã – ação: pagar à vista."
    result = transliterate(text)
    assert is_gsm7(result)
    assert result == 'Ola, Joao! Sua fatura "no 12" vence amanha - acao: pagar à vista.'


def test_transliterate_saves_segments():
    text = (
        "Olá, João, sua fatura está em atraso. Regularize o pagamento neste link: "
        "https://x.co/a. Caso o pagamento tenha sido efetuado, desconsidere a mensagem."
    )
    assert segment_info(text).segments == 3
    assert segment_info(transliterate(text)).segments == 1


def test_transliterate_composes_separate_accents_first():
    """Text pasted from macOS (NFD: "a" followed by a combining tilde) reads
    like the composed text, never "Sa?o Joa?o"; a tab is a space."""
    nfd = unicodedata.normalize("NFD", "Papelaria São João\tConceição")
    assert nfd != "Papelaria São João\tConceição"
    assert transliterate(nfd) == "Papelaria Sao Joao Conceicao"
    assert transliterate("x\u0301y") == "xy"  # a mark with no composed form: dropped


def test_what_no_sms_can_carry_is_named():
    assert unwritable("Açaí “Boa” & Cia — Filial") == ""
    assert unwritable("Pizza 🍕 Bella ★ 🍕") == "🍕★"
    assert unwritable("Loja?") == ""
