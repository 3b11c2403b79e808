# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ..urls import url_is_usable


def test_an_api_address_is_http_or_https_with_a_host():
    assert url_is_usable("https://api.zenvia.com")
    assert url_is_usable("http://127.0.0.1:8070/api/v2")
    assert not url_is_usable("xyz12.api.infobip.com")
    assert not url_is_usable("pix.banco.com.br/api/v2")
    assert not url_is_usable("ftp://pix.banco.com.br")
    assert not url_is_usable("https://")
    assert not url_is_usable("")
