"""A chroma server URL that is not http(s)://host:port gets one clear line, whatever way it is wrong."""

import pytest

from index.settings import IndexSettings
from qa.errors import SettingsError
from qa.settings import with_servers


@pytest.mark.parametrize("url", ["http://[10.0.0.5:8001", "http://10.0.0.5:port", "ftp://10.0.0.5", "http://:8001"])
def test_a_malformed_chroma_url_is_a_settings_error(url):
    # The first two raised urllib's ValueError ("Invalid IPv6 URL", "Port could not be cast to integer value").
    with pytest.raises(SettingsError, match=r"is not http://host:port; e\.g\. http://127\.0\.0\.1:8000"):
        with_servers(IndexSettings(), url, None)


def test_a_chroma_url_names_the_server():
    index = with_servers(IndexSettings(), "https://chroma.example.org", "postgresql://u@db/news")
    assert (index.chroma_host, index.chroma_port, index.chroma_ssl) == ("chroma.example.org", 443, True)
    assert index.database_url == "postgresql://u@db/news"
