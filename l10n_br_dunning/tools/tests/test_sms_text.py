import pytest

from ..sms_text import short_sender, vocative


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
