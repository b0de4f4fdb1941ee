"""Files that describe the settings and the Slack app stay in step with the code."""

from __future__ import annotations

import json
import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from lookerbot.manifest import BOT_EVENTS, BOT_SCOPES, build_manifest, render_manifest
from lookerbot.settings import VARIABLES, env_example, known_variable
from tests.conftest import ROOT


def test_env_example_lists_every_setting():
    assert (ROOT / ".env.example").read_text() == env_example(), (
        "regenerate: python -c 'from lookerbot.settings import env_example; "
        'print(env_example(), end="")\' > .env.example'
    )
    text = (ROOT / ".env.example").read_text()
    for variable in VARIABLES:
        assert re.search(rf"^#? ?{variable.name}=", text, re.MULTILINE), variable.name


def test_app_json_names_only_known_settings_and_requires_the_essentials():
    app = json.loads((ROOT / "app.json").read_text())
    for name in app["env"]:
        assert known_variable(name), name
    required = {n for n, spec in app["env"].items() if spec.get("required")}
    assert required == {v.name for v in VARIABLES if v.required}


def test_slack_manifest_file_is_the_generated_one():
    assert (ROOT / "slack-manifest.yml").read_text() == render_manifest(None)


def test_manifest_with_url_points_every_request_url_at_the_bot():
    manifest = build_manifest("https://bot.example.com/", looker_domains=["me.looker.com"])
    events = "https://bot.example.com/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events
    assert manifest["settings"]["interactivity"]["request_url"] == events
    assert manifest["settings"]["interactivity"]["message_menu_options_url"] == events
    assert manifest["features"]["slash_commands"][0]["url"] == events
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["unfurl_domains"] == ["me.looker.com"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    text = render_manifest("https://bot.example.com")
    assert text.count(events) == 4


def test_socket_mode_manifest_has_no_request_urls():
    manifest = build_manifest(None, socket_mode=True)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "url" not in manifest["features"]["slash_commands"][0]


def _pins(lock: str) -> dict[str, str]:
    """``name==version`` lines of an exported lock file, by normalized name."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_the_lock_files_pin_every_dependency_within_its_specifier():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        runtime += [r for r in extra if not r.startswith("lookerbot")]
    dev = project["dependency-groups"]["dev"]
    for lock, requirements in (
        ("requirements.lock", runtime),
        ("requirements-dev.lock", runtime + dev),
    ):
        pins = _pins(lock)
        for text in requirements:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{lock} has no {name}: regenerate it (README, Development)"
            assert requirement.specifier.contains(pins[name], prereleases=True), (lock, text)
        assert "://" not in (ROOT / lock).read_text(), f"{lock} names an index"


def test_docker_compose_runs_two_replicas_on_redis_with_their_own_data():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    data_dir = re.search(r"^ENV LOOKERBOT_DATA_DIR=(\S+)$", dockerfile, re.MULTILINE)
    assert data_dir is not None
    volumes = []
    for name in ("bot1", "bot2"):
        bot = services[name]
        assert bot["environment"]["LOOKERBOT_REDIS_URL"] == "redis://redis:6379/0"
        (volume,) = bot["volumes"]
        source, target = volume.split(":")
        assert target == data_dir.group(1)
        volumes.append(source)
    assert len(set(volumes)) == 2  # one SQLite store per replica
    # The replicas' shared work lives in Redis: it must persist to a volume.
    redis = services["redis"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in redis["volumes"])
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server bot1:3333" in nginx and "server bot2:3333" in nginx
    assert all(known_variable(k) or k == "PORT" for k in services["bot1"]["environment"])
