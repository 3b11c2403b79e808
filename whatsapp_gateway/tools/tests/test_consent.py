from ..consent import consent_state

NUMBER = "+5511987654321"


def test_a_consent_for_every_company_or_this_one_counts():
    assert consent_state([(NUMBER, None, "granted")], NUMBER, 7) == "granted"
    assert consent_state([(NUMBER, 7, "granted")], NUMBER, 7) == "granted"
    assert consent_state([(NUMBER, 8, "granted")], NUMBER, 7) == "none"


def test_withdrawn_unless_granted_again_elsewhere():
    assert consent_state([(NUMBER, 7, "revoked")], NUMBER, 7) == "revoked"
    assert (
        consent_state([(NUMBER, 7, "revoked"), (NUMBER, None, "granted")], NUMBER, 7) == "granted"
    )


def test_another_number_or_none_is_not_asked():
    assert consent_state([("+5521998765432", None, "granted")], NUMBER, 7) == "none"
    assert consent_state([(NUMBER, None, "granted")], None, 7) == "none"
