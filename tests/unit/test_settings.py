"""Settings: every Lookerbot variable keeps its name and meaning; bad ones are all reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lookerbot.errors import SettingsError
from lookerbot.settings import VARIABLES, Secret, known_variable, load_settings

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "LOOKER_URL": "https://me.looker.com",
    "LOOKER_API_CLIENT_ID": "client-id",
    "LOOKER_API_CLIENT_SECRET": "client-secret-value",
}


def load(**env: str) -> object:
    return load_settings({**BASE, **env}, env_file=None)


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(env, env_file=None)
    return list(caught.value.problems)


def test_minimal_configuration_has_lookerbot_defaults():
    s = load_settings(BASE, env_file=None)
    assert s.port == 3333
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.loading_messages and s.expand_urls and s.data_actions_in_messages
    assert not s.allow_guest_users and not s.allow_shared_workspaces
    assert s.verify_looker_tls
    assert not s.socket_mode
    (looker,) = s.lookers
    assert looker.url == "https://me.looker.com"
    assert looker.api_base_url == "https://me.looker.com"
    assert looker.client_id == "client-id"
    assert looker.client_secret.reveal() == "client-secret-value"
    assert looker.custom_command_folder_id is None
    assert looker.webhook_token is None


def test_every_single_instance_variable_is_read():
    s = load_settings(
        {
            **BASE,
            "LOOKER_URL": "https://me.looker.com/",
            "LOOKER_API_BASE_URL": "https://me.looker.com:19999/api/4.0/",
            "LOOKER_CUSTOM_COMMAND_FOLDER_ID": "13",
            "LOOKER_WEBHOOK_TOKEN": "hook-token",
            "LOOKERBOT_AUTH_TOKEN": "auth-token",
            "SLACK_SLASH_COMMAND_TOKEN": "verification",
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "LOOKERBOT_PUBLIC_URL": "https://bot.example.com/",
            "LOOKER_SLACKBOT_LOADING_MESSAGES": "false",
            "LOOKER_SLACKBOT_EXPAND_URLS": "false",
            "LOOKERBOT_DATA_ACTIONS_IN_MESSAGES": "false",
            "ALLOW_SLACK_GUEST_USERS": "true",
            "ALLOW_SLACK_SHARED_WORKSPACES": "TRUE",
            "PORT": "8080",
            "NODE_TLS_REJECT_UNAUTHORIZED": "0",
            "SLACKBOT_S3_BUCKET": "bucket",
            "SLACKBOT_S3_BUCKET_REGION": "eu-west-1",
            "AZURE_STORAGE_ACCOUNT": "acct",
            "SLACKBOT_AZURE_CONTAINER": "container",
            "AZURE_STORAGE_ACCESS_KEY": "azure-key",
            "GOOGLE_CLOUD_BUCKET": "gbucket",
            "GOOGLE_CLOUD_PROJECT": "gproject",
            "GOOGLE_CLOUD_CREDENTIALS_JSON": "{}",
            "LOOKERBOT_LOG_FORMAT": "json",
            "DEBUG_MODE": "true",
        },
        env_file=None,
    )
    (looker,) = s.lookers
    assert looker.url == "https://me.looker.com"
    assert looker.api_base_url == "https://me.looker.com:19999"
    assert looker.custom_command_folder_id == "13"
    assert looker.webhook_token is not None and looker.webhook_token.reveal() == "hook-token"
    assert s.lookerbot_auth_token is not None and s.lookerbot_auth_token.reveal() == "auth-token"
    assert s.slack_verification_token is not None
    assert s.slack_api_url == "http://127.0.0.1:9999/api/"
    assert s.public_url == "https://bot.example.com"
    assert not s.loading_messages and not s.expand_urls and not s.data_actions_in_messages
    assert s.allow_guest_users and s.allow_shared_workspaces
    assert s.port == 8080
    assert not s.verify_looker_tls
    assert s.storage.s3_bucket == "bucket" and s.storage.s3_region == "eu-west-1"
    assert s.storage.azure_account == "acct" and s.storage.azure_container == "container"
    assert s.storage.gcs_bucket == "gbucket" and s.storage.gcs_project == "gproject"
    assert s.log_format == "json" and s.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("old", "new", "value", "attribute"),
    [
        ("SLACK_API_KEY", "SLACK_BOT_TOKEN", "xoxb-old", "slack_bot_token"),
        ("LOOKER_API_3_CLIENT_ID", "LOOKER_API_CLIENT_ID", "old-id", "client_id"),
        ("LOOKER_API_3_CLIENT_SECRET", "LOOKER_API_CLIENT_SECRET", "old-secret", "client_secret"),
        (
            "LOOKER_CUSTOM_COMMAND_SPACE_ID",
            "LOOKER_CUSTOM_COMMAND_FOLDER_ID",
            "42",
            "custom_command_folder_id",
        ),
    ],
)
def test_older_names_still_work(old, new, value, attribute):
    env = {k: v for k, v in BASE.items() if k != new}
    env[old] = value
    s = load_settings(env, env_file=None)
    holder = s if attribute == "slack_bot_token" else s.lookers[0]
    got = getattr(holder, attribute)
    assert (got.reveal() if isinstance(got, Secret) else got) == value


def test_old_and_new_name_with_different_values_is_an_error():
    found = problems({**BASE, "SLACK_API_KEY": "xoxb-other"})
    assert any("SLACK_BOT_TOKEN and SLACK_API_KEY" in p for p in found)


@pytest.mark.parametrize("suffix", ["", "/", "/api/4.0", "/api/3.1/", "/api/3.0"])
def test_api_base_url_with_or_without_version(suffix):
    s = load_settings(
        {**BASE, "LOOKER_API_BASE_URL": f"https://me.looker.com:19999{suffix}"}, env_file=None
    )
    assert s.lookers[0].api_base_url == "https://me.looker.com:19999"


def test_lookers_json_wins_over_single_instance_variables():
    lookers = [
        {
            "url": "https://me.looker.com",
            "apiBaseUrl": "https://me.looker.com:19999/api/3.0",
            "clientId": "a",
            "clientSecret": "sa",
            "customCommandSpaceId": 7,
            "webhookToken": "wa",
        },
        {
            "url": "https://me-staging.looker.com",
            "apiBaseUrl": "https://me-staging.looker.com:19999/api/4.0",
            "clientID": "b",
            "clientSecret": "sb",
            "customCommandFolderId": "8",
        },
    ]
    s = load_settings({**BASE, "LOOKERS": json.dumps(lookers)}, env_file=None)
    first, second = s.lookers
    assert (first.url, first.api_base_url, first.client_id) == (
        "https://me.looker.com",
        "https://me.looker.com:19999",
        "a",
    )
    assert first.custom_command_folder_id == "7"
    assert first.webhook_token is not None and first.webhook_token.reveal() == "wa"
    assert (second.client_id, second.custom_command_folder_id) == ("b", "8")
    assert any("LOOKER_URL" in note and "ignored" in note for note in s.notes)


def test_lookers_without_single_instance_variables():
    env = {k: v for k, v in BASE.items() if not k.startswith("LOOKER_")}
    env["LOOKERS"] = json.dumps(
        [{"url": "https://a.looker.com", "clientId": "x", "clientSecret": "y"}]
    )
    s = load_settings(env, env_file=None)
    assert s.lookers[0].api_base_url == "https://a.looker.com"
    assert s.notes == ()


@pytest.mark.parametrize(
    ("lookers", "expected"),
    [
        ("not json", "LOOKERS: not valid JSON"),
        ("{}", "non-empty JSON array"),
        ("[]", "non-empty JSON array"),
        ('["x"]', "LOOKERS[0]: must be a JSON object"),
        ('[{"url": "https://a.looker.com", "clientId": "x"}]', "LOOKERS[0].clientSecret: required"),
        ('[{"url": "ftp://a", "clientId": "x", "clientSecret": "y"}]', "LOOKERS[0].url"),
        (
            '[{"url": "https://a.looker.com", "clientId": "x", "clientSecret": "y", "clientSecrt": 1}]',
            "unknown key 'clientSecrt'",
        ),
        (
            '[{"url": "https://a.looker.com", "clientId": "x", "clientSecret": "y"},'
            ' {"url": "https://a.looker.com/", "clientId": "x", "clientSecret": "y"}]',
            "listed twice",
        ),
    ],
)
def test_bad_lookers_json(lookers, expected):
    found = problems({**BASE, "LOOKERS": lookers})
    assert any(expected in p for p in found), found


def test_every_problem_is_listed_at_once_and_no_secret_is_printed():
    env = {
        "SLACK_BOT_TOKEN": "not-a-bot-token-SECRET1",
        "SLACK_APP_TOKEN": "wrong-app-token-SECRET2",
        "LOOKER_URL": "mycompany.looker.com",
        "LOOKER_API_CLIENT_SECRET": "SECRET3",
        "PORT": "eighty",
        "LOOKER_SLACKBOT_LOADING_MESSAGES": "maybe",
        "NODE_TLS_REJECT_UNAUTHORIZED": "no",
        "LOOKERBOT_PUBLIC_URL": "http://bot.example.com",
        "LOOKERBOT_LOG_LEVEL": "LOUD",
        "LOOKERBOT_LOOKER_TIMEOUT": "-1",
    }
    found = problems(env)
    text = "\n".join(found)
    for variable in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "LOOKER_URL",
        "LOOKER_API_CLIENT_ID",
        "PORT",
        "LOOKER_SLACKBOT_LOADING_MESSAGES",
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "LOOKERBOT_PUBLIC_URL",
        "LOOKERBOT_LOG_LEVEL",
        "LOOKERBOT_LOOKER_TIMEOUT",
    ):
        assert any(p.startswith(variable) for p in found), (variable, found)
    assert "SECRET" not in text


def test_lookers_json_with_secrets_is_never_echoed():
    found = problems({**BASE, "LOOKERS": '[{"clientSecret": "TOPSECRET", "url": }]'})
    assert found and "TOPSECRET" not in "\n".join(found)


# -- ask -------------------------------------------------------------------------------------


def test_ask_is_off_unless_explores_are_listed():
    s = load_settings(BASE, env_file=None)
    assert not s.ask_configured and s.lookers[0].ask_explores == () and s.ask_llm is None


def test_ask_explores_for_the_single_instance_without_duplicates():
    s = load(LOOKERBOT_ASK_EXPLORES=" thelook/orders, thelook/users,thelook/orders ")
    assert s.lookers[0].ask_explores == ("thelook/orders", "thelook/users")
    assert s.ask_configured


def test_ask_explores_per_instance_with_the_variable_as_default():
    lookers = [
        {"url": "https://a.looker.com", "clientId": "a", "clientSecret": "sa"},
        {
            "url": "https://b.looker.com",
            "clientId": "b",
            "clientSecret": "sb",
            "askExplores": ["sales/orders", "sales/returns"],
        },
        {
            "url": "https://c.looker.com",
            "clientId": "c",
            "clientSecret": "sc",
            "askExplores": "x/y",
        },
    ]
    s = load(LOOKERS=json.dumps(lookers), LOOKERBOT_ASK_EXPLORES="thelook/orders")
    assert [lk.ask_explores for lk in s.lookers] == [
        ("thelook/orders",),
        ("sales/orders", "sales/returns"),
        ("x/y",),
    ]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LOOKERBOT_ASK_EXPLORES": "orders"}, "LOOKERBOT_ASK_EXPLORES: each entry must be"),
        ({"LOOKERBOT_ASK_EXPLORES": "a/b/c"}, "(got 'a/b/c')"),
        ({"LOOKERBOT_ASK_EXPLORES": " , "}, "LOOKERBOT_ASK_EXPLORES: list at least one"),
        (
            {"LOOKERBOT_ASK_LLM_URL": "https://llm.example.com/v1"},
            "LOOKERBOT_ASK_LLM_MODEL: required when LOOKERBOT_ASK_LLM_URL is set",
        ),
        (
            {"LOOKERBOT_ASK_LLM_URL": "llm.example.com", "LOOKERBOT_ASK_LLM_MODEL": "m"},
            "LOOKERBOT_ASK_LLM_URL: must be an http:// or https:// URL",
        ),
        (
            {
                "LOOKERBOT_ASK_LLM_URL": "https://llm.example.com",
                "LOOKERBOT_ASK_LLM_MODEL": "m",
                "LOOKERBOT_ASK_LLM_TIMEOUT": "0",
            },
            "LOOKERBOT_ASK_LLM_TIMEOUT: must be between 1 and 300",
        ),
    ],
)
def test_bad_ask_settings_name_their_variable(env, expected):
    found = problems({**BASE, **env})
    assert any(expected in p for p in found), found


def test_bad_ask_explores_in_lookers_name_the_entry_and_echo_nothing():
    lookers = [
        {"url": "https://a.looker.com", "clientId": "a", "clientSecret": "TOPSECRET"},
        {"url": "https://b.looker.com", "clientId": "b", "clientSecret": "sb", "askExplores": [1]},
        {"url": "https://c.looker.com", "clientId": "c", "clientSecret": "sc", "askExplores": "z"},
    ]
    found = problems({**BASE, "LOOKERS": json.dumps(lookers)})
    assert any(p.startswith("LOOKERS[1].askExplores: must be a list") for p in found), found
    assert any(p.startswith("LOOKERS[2].askExplores: each entry must be") for p in found), found
    assert "TOPSECRET" not in "\n".join(found) and "'z'" not in "\n".join(found)


def test_language_model_settings_and_their_key_stays_secret():
    s = load(
        LOOKERBOT_ASK_EXPLORES="thelook/orders",
        LOOKERBOT_ASK_LLM_URL="https://llm.example.com/v1/",
        LOOKERBOT_ASK_LLM_KEY="sk-LLMSECRET",
        LOOKERBOT_ASK_LLM_MODEL="small-model",
        LOOKERBOT_ASK_LLM_TIMEOUT="5",
    )
    assert s.ask_llm is not None
    assert s.ask_llm.url == "https://llm.example.com/v1/chat/completions"
    assert (s.ask_llm.model, s.ask_llm.timeout) == ("small-model", 5.0)
    assert "sk-LLMSECRET" in s.secrets()
    assert "LLMSECRET" not in repr(s)
    full = load(
        LOOKERBOT_ASK_EXPLORES="thelook/orders",
        LOOKERBOT_ASK_LLM_URL="http://127.0.0.1:8000/v1/chat/completions",
        LOOKERBOT_ASK_LLM_MODEL="m",
    )
    assert full.ask_llm is not None
    assert full.ask_llm.url == "http://127.0.0.1:8000/v1/chat/completions"


def test_language_model_notes():
    s = load(LOOKERBOT_ASK_LLM_MODEL="m")
    assert s.ask_llm is None and any("no language model is used" in n for n in s.notes)
    s = load(
        LOOKERBOT_ASK_LLM_URL="http://llm.internal/v1",
        LOOKERBOT_ASK_LLM_MODEL="m",
        LOOKERBOT_ASK_LLM_KEY="k",
    )
    assert any("unencrypted" in n for n in s.notes)
    assert any("ask is off" in n for n in s.notes)


def test_http_mode_needs_a_signing_secret():
    env = {k: v for k, v in BASE.items() if k != "SLACK_SIGNING_SECRET"}
    assert any(p.startswith("SLACK_SIGNING_SECRET") for p in problems(env))


def test_socket_mode_needs_no_signing_secret():
    env = {k: v for k, v in BASE.items() if k != "SLACK_SIGNING_SECRET"}
    s = load_settings({**env, "SLACK_APP_TOKEN": "xapp-1-abc"}, env_file=None)
    assert s.socket_mode


def test_legacy_verification_token_alone_works_with_a_note():
    env = {k: v for k, v in BASE.items() if k != "SLACK_SIGNING_SECRET"}
    s = load_settings({**env, "SLACK_SLASH_COMMAND_TOKEN": "legacy"}, env_file=None)
    assert s.slack_signing_secret is None
    (note,) = (n for n in s.notes if "SLACK_SLASH_COMMAND_TOKEN" in n)
    assert "as any user, and replay them. Set SLACK_SIGNING_SECRET." in note


@pytest.mark.parametrize(
    "run_as", [{"LOOKERBOT_RUN_AS_USER": "email"}, {"LOOKERBOT_RUN_AS_USER": "EMAIL"}]
)
def test_run_as_needs_signed_requests(run_as):
    env = {k: v for k, v in BASE.items() if k != "SLACK_SIGNING_SECRET"}
    with pytest.raises(SettingsError) as refused:
        load_settings({**env, "SLACK_SLASH_COMMAND_TOKEN": "legacy", **run_as}, env_file=None)
    assert any(
        p.startswith("LOOKERBOT_RUN_AS_USER: needs SLACK_SIGNING_SECRET")
        for p in refused.value.problems
    )
    # A signing secret, or Socket Mode, is enough.
    assert load_settings({**BASE, **run_as}, env_file=None).lookers[0].run_as_user == "email"
    socket = {**env, "SLACK_APP_TOKEN": "xapp-1", **run_as}
    assert load_settings(socket, env_file=None).lookers[0].run_as_user == "email"


def test_webhooks_are_off_by_default_under_run_as_and_can_be_turned_on_with_a_note():
    assert load_settings(BASE, env_file=None).webhooks is True
    assert load_settings({**BASE, "LOOKERBOT_WEBHOOKS": "false"}, env_file=None).webhooks is False
    run_as = {**BASE, "LOOKERBOT_RUN_AS_USER": "email"}
    assert load_settings(run_as, env_file=None).webhooks is False
    on = load_settings({**run_as, "LOOKERBOT_WEBHOOKS": "true"}, env_file=None)
    assert on.webhooks is True
    assert any("whoever captures a Looker webhook token" in n for n in on.notes)


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nLOOKER_URL=https://from-file.looker.com\n")
    s = load_settings({**BASE, "LOOKER_URL": "https://from-env.looker.com"}, env_file=env_file)
    assert s.port == 4000
    assert s.lookers[0].url == "https://from-env.looker.com"


def test_dotenv_in_working_directory_is_read_by_default(tmp_path: Path, monkeypatch):
    (tmp_path / ".env").write_text("\n".join(f"{k}={v}" for k, v in BASE.items()) + "\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).lookers[0].url == "https://me.looker.com"


def test_secret_never_shows_itself():
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret)
    assert secret.matches("hunter2") and not secret.matches("hunter3")
    assert not secret.matches(None)


def test_secrets_lists_every_secret_for_redaction():
    s = load_settings(
        {
            **BASE,
            "LOOKER_WEBHOOK_TOKEN": "hook-token",
            "LOOKERBOT_AUTH_TOKEN": "auth-token",
            "AZURE_STORAGE_ACCESS_KEY": "azure-key",
        },
        env_file=None,
    )
    assert set(s.secrets()) >= {
        "xoxb-1-2-abc",
        "signing-secret-value",
        "client-secret-value",
        "hook-token",
        "auth-token",
        "azure-key",
    }


def test_userinfo_in_looker_url_is_refused_without_echo():
    found = problems({**BASE, "LOOKER_URL": "https://admin:pw123@me.looker.com"})
    assert any(p.startswith("LOOKER_URL") for p in found)
    assert "pw123" not in "\n".join(found)


def test_variable_registry_has_unique_names():
    names = [n for v in VARIABLES for n in (v.name, *v.aliases)]
    assert len(names) == len(set(names))
    assert known_variable("SLACK_API_KEY") and not known_variable("NOPE")


def test_run_as_user_globally_and_per_instance():
    s = load_settings({**BASE, "LOOKERBOT_RUN_AS_USER": "email"}, env_file=None)
    assert s.lookers[0].run_as_user == "email"
    lookers = [
        {"url": "https://a.looker.com", "clientId": "x", "clientSecret": "y"},
        {"url": "https://b.looker.com", "clientId": "x", "clientSecret": "y", "runAsUser": False},
        {"url": "https://c.looker.com", "clientId": "x", "clientSecret": "y", "runAsUser": "email"},
    ]
    s = load_settings(
        {**BASE, "LOOKERS": json.dumps(lookers), "LOOKERBOT_RUN_AS_USER": "email"}, env_file=None
    )
    assert [lk.run_as_user for lk in s.lookers] == ["email", None, "email"]
    assert load_settings(BASE, env_file=None).lookers[0].run_as_user is None


def test_run_as_user_only_knows_email():
    found = problems({**BASE, "LOOKERBOT_RUN_AS_USER": "username"})
    assert any(p.startswith("LOOKERBOT_RUN_AS_USER: expected email") for p in found)
