"""The one proxy rule every outbound call follows (lookerbot.proxies)."""

from __future__ import annotations

import pytest

from lookerbot.proxies import Proxies, redact
from lookerbot.settings import SettingsError, load_settings

PROXY = "http://proxy.corp:3128"


@pytest.mark.parametrize(
    ("url", "environ", "expected"),
    [
        ("https://slack.com/api/chat.postMessage", {"HTTPS_PROXY": PROXY}, PROXY),
        ("wss://wss-primary.slack.com/link", {"HTTPS_PROXY": PROXY}, PROXY),
        ("http://looker.internal:19999/api", {"HTTPS_PROXY": PROXY}, None),
        ("http://looker.internal:19999/api", {"HTTP_PROXY": PROXY}, PROXY),
        ("ws://127.0.0.1:9/socket", {"HTTP_PROXY": PROXY}, PROXY),
        ("https://slack.com/api", {"HTTP_PROXY": PROXY}, None),  # as curl and requests
        ("https://slack.com/api", {"ALL_PROXY": PROXY}, PROXY),
        ("https://slack.com/api", {"https_proxy": PROXY, "HTTPS_PROXY": "http://other:1"}, PROXY),
        ("https://slack.com/api", {"https_proxy": "  ", "HTTPS_PROXY": PROXY}, PROXY),
        ("https://slack.com/api", {"HTTPS_PROXY": ""}, None),
        ("https://slack.com/api", {"HTTPS_PROXY": "proxy.corp:3128"}, PROXY),  # no scheme
        ("https://slack.com/api", {}, None),
    ],
)
def test_which_variable_applies(url, environ, expected):
    assert Proxies.from_environ(environ).for_url(url) == expected


@pytest.mark.parametrize(
    ("url", "no_proxy", "direct"),
    [
        ("https://slack.com/api", "*", True),
        ("https://slack.com/api", "slack.com", True),
        ("https://files.slack.com/upload", "slack.com", True),
        ("https://files.slack.com/upload", ".slack.com", True),
        ("https://slack.com/api", ".slack.com", True),
        ("https://files.slack.com/upload", "*.slack.com", True),
        ("https://notslack.com/api", "slack.com", False),  # a suffix, not a domain
        ("https://slack.com.evil.example/api", "slack.com", False),
        ("https://SLACK.com/api", "Slack.COM", True),
        ("https://slack.com./api", "slack.com", True),
        ("https://looker.corp:19999/api", "looker.corp:19999", True),
        ("https://looker.corp:443/api", "looker.corp:19999", False),
        ("https://looker.corp/api", "looker.corp:443", True),  # the scheme's default port
        ("http://10.1.2.3:19999/api", "10.0.0.0/8", True),
        ("http://11.1.2.3:19999/api", "10.0.0.0/8", False),
        ("http://10.1.2.3/api", "10.1.2.3", True),
        ("http://[::1]:8080/x", "::1", True),
        ("http://[::1]:8080/x", "[::1]:8080", True),
        ("http://[fd00::5]/x", "fd00::/8", True),
        ("https://slack.com/api", " other.example ,  slack.com ", True),
        ("https://slack.com/api", "other.example slack.com", True),
        ("https://slack.com/api", ",,", False),
        ("http://10.1.2.3/api", "example.com", False),
    ],
)
def test_no_proxy(url, no_proxy, direct):
    environ = {"HTTPS_PROXY": PROXY, "HTTP_PROXY": PROXY, "no_proxy": no_proxy}
    assert (Proxies.from_environ(environ).for_url(url) is None) is direct


def test_requests_gets_the_same_proxy_for_both_schemes_or_none():
    proxies = Proxies.from_environ({"HTTPS_PROXY": PROXY, "NO_PROXY": "looker.corp"})
    assert proxies.for_requests("https://slack.com") == {"http": PROXY, "https": PROXY}
    assert proxies.for_requests("https://looker.corp/api/4.0") == {}


def test_passwords_never_reach_the_log():
    assert redact("http://bot:s3cret@proxy.corp:3128") == "http://bot:***@proxy.corp:3128"
    assert redact(PROXY) == PROXY
    proxies = Proxies.from_environ(
        {"HTTPS_PROXY": "http://bot:s3cret@proxy.corp:3128", "NO_PROXY": "x"}
    )
    lines = proxies.describe()
    assert lines == ["HTTPS_PROXY=http://bot:***@proxy.corp:3128", "NO_PROXY=x"]
    assert "s3cret" not in " ".join(lines)


def test_start_up_warns_when_only_http_proxy_is_set():
    (variable, no_proxy, warning) = Proxies(http=PROXY).describe()
    assert (variable, no_proxy) == (f"HTTP_PROXY={PROXY}", "NO_PROXY is not set")
    assert "set HTTPS_PROXY" in warning
    assert Proxies().describe() == []


BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "LOOKER_URL": "https://looker.example.com",
    "LOOKER_API_CLIENT_ID": "id",
    "LOOKER_API_CLIENT_SECRET": "secret",
}


def test_settings_read_the_proxy_variables_from_the_environment_and_dotenv(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("https_proxy=http://from-file:3128\nNO_PROXY=looker.internal\n")
    settings = load_settings({**BASE, "CURL_CA_BUNDLE": "/etc/ca.pem"}, env_file=env_file)
    assert settings.proxies == Proxies(
        https="http://from-file:3128", no_proxy="looker.internal", ca_bundle="/etc/ca.pem"
    )
    settings = load_settings({**BASE, "HTTPS_PROXY": "http://real:1"}, env_file=env_file)
    assert settings.proxies.https == "http://from-file:3128"  # lower case wins, as in curl
    assert load_settings(BASE, env_file=None).proxies == Proxies()


def test_a_proxy_password_is_a_secret_and_a_bad_proxy_is_refused_without_echo():
    settings = load_settings(
        {**BASE, "HTTPS_PROXY": "http://bot:pa55word@proxy:3128"}, env_file=None
    )
    assert "pa55word" in settings.secrets()
    with pytest.raises(SettingsError) as refused:
        load_settings({**BASE, "HTTPS_PROXY": "socks5://bot:pa55word@proxy:1080"}, env_file=None)
    (problem,) = refused.value.problems
    assert problem.startswith("HTTPS_PROXY: expected an http:// or https:// proxy URL")
    assert "pa55word" not in problem
    with pytest.raises(SettingsError):
        load_settings({**BASE, "HTTP_PROXY": "http://proxy:port"}, env_file=None)
