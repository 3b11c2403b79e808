import unicodedata

import pytest

from ..sms_text import (
    TRIM_COURTESY,
    TRIM_NONE,
    TRIM_VOCATIVE,
    addressed_name,
    clean_name,
    first_name,
    fit,
    mark_optional,
    short_sender,
    spoken_name,
    trimmed,
    vocative,
)


@pytest.mark.parametrize(
    "name, sender",
    [
        ("Papelaria Aurora Ltda", "Papelaria Aurora"),
        ("Papelaria Aurora LTDA.", "Papelaria Aurora"),
        ("Aurora Comércio S.A.", "Aurora Comércio"),
        ("Aurora Comércio S/A", "Aurora Comércio"),
        ("Padaria Pão Quente - ME", "Padaria Pão Quente"),
        ("Distribuidora de Papéis e Materiais de Escritório Aurora Ltda", "Distribuidora"),
        ("Papelaria Aurora de Materiais Escolares EIRELI", "Papelaria Aurora"),
        ("Aurora", "Aurora"),
        ("Supercalifragilisticexpialidocious", "Supercalifragilistic"),
        # Markup, emoji and quotes typed into the name are no part of the sender
        # (an SMS would read "<b>Aurora</b> ?: ..." otherwise).
        ("<b>Papelaria</b> Aurora 😀 Ltda", "Papelaria Aurora"),
        ("😀😀 Papelaria Aurora", "Papelaria Aurora"),
        ('"Aurora" & Cia', "Aurora"),
        ("D'Ávila & Filhos — Comércio <Ltda>", "D'Ávila & Filhos"),
    ],
)
def test_short_sender_drops_the_legal_form_and_cuts_at_a_word(name, sender):
    assert short_sender(name) == sender
    assert len(short_sender(name)) <= 20


def test_vocative_only_for_people_with_a_short_first_name():
    assert vocative("Maria Aparecida da Conceição Albuquerque", False) == "Maria, "
    assert vocative("João", False) == "João, "
    assert vocative("Distribuidora Amazonas", True) == ""
    assert vocative("Maximiliano Souza", False) == "", "over the budget: no vocative"
    assert vocative("", False) == ""
    # Imported names: an emoji first, capitals, no word to call.
    assert vocative("🌟 Maria Souza", False) == "Maria, "
    assert vocative("MARIA SOUZA", False) == "Maria, "
    assert vocative("ANA-CLARA SOUZA", False) == "Ana-Clara, "
    assert vocative("maria souza", False) == "Maria, "
    assert vocative("McArthur Silva", False) == "McArthur, "  # as the customer writes it
    assert vocative("🌟 ✨", False) == ""
    assert vocative("  ", False) == ""


def test_fit_keeps_everything_when_it_fits():
    rendered = []

    def render(level):
        rendered.append(level)
        return "x" * 100

    assert fit(render, len) == ("x" * 100, TRIM_NONE)
    assert rendered == [TRIM_NONE], "no second rendering when the first fits"


def test_fit_gives_up_the_vocative_then_the_courtesy():
    texts = {
        TRIM_NONE: "Aurora: Alessandra, R$ 1,00 em aberto. Se ja pagou, ignore.",
        TRIM_VOCATIVE: "Aurora: R$ 1,00 em aberto. Se ja pagou, ignore.",
        TRIM_COURTESY: "Aurora: R$ 1,00 em aberto.",
    }
    assert fit(texts.get, len, budget=50) == (texts[TRIM_VOCATIVE], TRIM_VOCATIVE)
    assert fit(texts.get, len, budget=30) == (texts[TRIM_COURTESY], TRIM_COURTESY)
    # Nothing fits: the shortest, for the Settings to warn about.
    assert fit(texts.get, len, budget=10) == (texts[TRIM_COURTESY], TRIM_COURTESY)


def test_one_marked_rendering_reads_at_every_trim_level():
    marked = (
        "Aurora: "
        + mark_optional("Alessandra, ", TRIM_VOCATIVE)
        + "R$ 1,00 em aberto. "
        + mark_optional("Se ja pagou, ignore. ", TRIM_COURTESY)
        + "SAIR p/ parar"
    )
    assert trimmed(marked, TRIM_NONE) == (
        "Aurora: Alessandra, R$ 1,00 em aberto. Se ja pagou, ignore. SAIR p/ parar"
    )
    assert trimmed(marked, TRIM_VOCATIVE) == (
        "Aurora: R$ 1,00 em aberto. Se ja pagou, ignore. SAIR p/ parar"
    )
    assert trimmed(marked, TRIM_COURTESY) == "Aurora: R$ 1,00 em aberto. SAIR p/ parar"
    # No vocative (a company): nothing marked, nothing left behind.
    assert mark_optional("", TRIM_VOCATIVE) == ""
    # A template of the user's own, without the optional parts: as written.
    assert trimmed("Aurora: R$ 1,00", TRIM_COURTESY) == "Aurora: R$ 1,00"
    fitted = fit(lambda level: trimmed(marked, level), len, budget=62)
    assert fitted == ("Aurora: R$ 1,00 em aberto. Se ja pagou, ignore. SAIR p/ parar", 1)


def test_first_name_skips_titles_and_composes_accents():
    assert vocative("Sr. João Pereira", False) == "João, "
    assert vocative("Dra. Ana Lima", False) == "Ana, "
    assert vocative("SRA. MARIA SOUZA", False) == "Maria, "
    assert vocative("Sr.", False) == ""  # a title alone calls no one
    nfd = unicodedata.normalize("NFD", "José Conceição")
    assert vocative(nfd, False) == "José, "
    assert first_name(nfd) == unicodedata.normalize("NFC", "José")


@pytest.mark.parametrize(
    ("name", "sender"),
    [
        ("Silva & Cia", "Silva"),
        ("J. Silva & Cia. Ltda.", "J. Silva"),
        ("Souza e Cia Ltda", "Souza"),
        ("Ferreira, Costa & Cia.", "Ferreira, Costa"),
        ("Mercado Bom Preço e Cia - ME", "Mercado Bom Preço"),
    ],
)
def test_a_sender_never_ends_on_the_connector_its_suffix_left(name, sender):
    assert short_sender(name) == sender


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Sr(a). João Silva", "João"),
        ("Srª Ana Lima", "Ana"),
        ("Dr.ª Ana Lima", "Ana"),
        ("Pe. Marcelo Rossi", "Marcelo"),
        ("Irmã Dulce", "Dulce"),
        ("(Maria) Souza", "Maria"),
    ],
)
def test_no_one_is_called_by_a_title_however_it_is_typed(name, called):
    assert first_name(name) == called


def test_a_call_says_a_company_name_without_its_suffix_nor_in_capitals():
    assert spoken_name("IRMÃOS D'ÁVILA & CIA. <COMÉRCIO> DE FERRAGENS LTDA. - ME") == (
        "Irmãos D'Ávila & Cia. Comércio de Ferragens"
    )
    assert spoken_name("Papelaria Aurora Ltda") == "Papelaria Aurora"


@pytest.mark.parametrize(
    ("name", "is_company", "addressed"),
    [
        # Stray spaces typed around a name: never "Olá, Pedro Álvares Cabral ,".
        ("   Pedro Álvares Cabral   ", False, "Pedro Álvares Cabral"),
        ("Pedro \t Álvares\nCabral", False, "Pedro Álvares Cabral"),
        # Emoji, markup and symbols are no part of a name (a voice reads them out).
        ("Ana 😀 Beatriz Souza", False, "Ana Beatriz Souza"),
        ("😀🎉 Luíza Gonçalves", False, "Luíza Gonçalves"),
        ("<script>alert(1)</script> & <b>Negrito</b> Silva", False, "Negrito Silva"),
        ('João "Joca" & Filhos <Teste> O\'Neil', False, "João Joca & Filhos Teste O'Neil"),
        ("Jo\u200bão Silva", False, "João Silva"),
        # Capitals typed for a whole name are written as a name.
        ("JOSÉ DA SILVA SAURO", False, "José da Silva Sauro"),
        ("maria das dores e souza", False, "Maria das Dores e Souza"),
        ("McArthur da Silva", False, "McArthur da Silva"),
        # A company without its legal suffix, not in capitals.
        ("COMÉRCIO DE PAPÉIS SÃO JOÃO LTDA - ME", True, "Comércio de Papéis São João"),
        ("  Papelaria Aurora Ltda ", True, "Papelaria Aurora"),
    ],
)
def test_every_message_names_the_customer_cleaned(name, is_company, addressed):
    assert addressed_name(name, is_company) == addressed


def test_markup_is_no_first_name():
    assert first_name("<script>alert(1)</script> & <b>Negrito</b> Silva") == "Negrito"
    assert first_name("<b>ANA</b> Souza") == "Ana"


@pytest.mark.parametrize(
    ("name", "is_company"),
    [
        # An old ERP's records: a tax id where the name should be (LGPD: not
        # read out to whoever answers, not printed as a greeting).
        ("12.345.678/0001-90", True),
        ("12345678000190", True),
        ("123.456.789-01", False),
        ("12345678901", False),
        ("CPF 123.456.789-01", False),
        (" CNPJ: 12.345.678/0001-90 ", True),
        # The placeholders of a sale without a customer are no one's name.
        ("Cliente", False),
        ("CONSUMIDOR FINAL", False),
        ("Consumidor Final", True),
        ("cliente padrão", False),
        ("CLIENTE PADRAO", False),
        ("Cliente não identificado", False),
        ("", False),
        ("   ", True),
        (" 😀 🎉 ", False),
    ],
)
def test_a_tax_id_or_a_placeholder_is_no_name_to_greet(name, is_company):
    assert addressed_name(name, is_company) == ""
    assert first_name(name) == ""
    assert vocative(name, is_company) == ""


@pytest.mark.parametrize(
    ("name", "addressed"),
    [
        # A tax id typed beside the name is no part of it.
        ("12.345.678/0001-90 - PAPELARIA AURORA", "Papelaria Aurora"),
        ("MARIA DA SILVA - CPF 123.456.789-01", "Maria da Silva"),
        ("Maria da Silva (12345678901)", "Maria da Silva"),
        # "Cliente" inside a real name stays.
        ("Cliente Oliveira Souza", "Cliente Oliveira Souza"),
        ("Ana Consumidor", "Ana Consumidor"),
    ],
)
def test_a_tax_id_beside_a_name_is_left_out(name, addressed):
    assert addressed_name(name, False) == addressed


@pytest.mark.parametrize(
    ("name", "addressed"),
    [
        ("AURORA COMERCIO DE PAPEIS LTDA EPP - FILIAL 02", "Aurora Comercio de Papeis"),
        ("Aurora Comércio de Papéis Ltda. - Filial São Paulo", "Aurora Comércio de Papéis"),
        ("PAPELARIA AURORA LTDA - MATRIZ", "Papelaria Aurora"),
        ("DROGARIA SAO PAULO S/A (FILIAL 3)", "Drogaria Sao Paulo"),
    ],
)
def test_a_company_is_addressed_without_its_branch(name, addressed):
    assert addressed_name(name, True) == addressed


@pytest.mark.parametrize(
    ("name", "addressed"),
    [
        ("PAPELARIA AURORA LTDA - ME", "Papelaria Aurora"),
        ("JOSE DOS SANTOS ME", "Jose dos Santos"),
        ("Silva & Cia. Ltda.", "Silva"),
        ("AURORA COMERCIO DE PAPEIS LTDA EPP - FILIAL 02", "Aurora Comercio de Papeis"),
        ("Transportes Rápidos EIRELI", "Transportes Rápidos"),
        ("ACME S.A.", "Acme"),
    ],
)
def test_a_company_imported_as_a_person_is_addressed_as_a_company(name, addressed):
    """Old ERPs do not say which records are companies: a name closed by a
    legal form is a company's (no "Papelaria, " as a first name)."""
    assert addressed_name(name, False) == addressed
    assert vocative(name, False) == ""


@pytest.mark.parametrize(
    "name",
    ["MARIA DE SA", "José da Silva Sá", "Joao Mei Souza", "Ana Sa"],
)
def test_a_person_s_name_is_not_taken_for_a_legal_form(name):
    assert vocative(name, False) == f"{first_name(name)}, "
    assert addressed_name(name, False) == clean_name(name)
