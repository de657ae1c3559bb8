"""Settings: defaults, TOML file, environment, and every setting documented in the README."""

from pathlib import Path

import pytest

from oovgeo.config import SETTINGS, TOML_ONLY, ConfigError, env_name, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [s.key for s in SETTINGS if f"`{s.key}`" not in text]
    assert not missing, f"settings missing from README.md: {missing}"
    env_missing = [env_name(s.key) for s in SETTINGS if s.key not in TOML_ONLY]
    env_missing = [name for name in env_missing if name not in text]
    assert not env_missing, f"environment variables missing from README.md: {env_missing}"


def test_precedence_defaults_file_environment(tmp_path):
    cfg = tmp_path / "oovgeo.toml"
    cfg.write_text(
        'gemeenten = ["GM0606"]\n[privacy]\nsuppression_threshold = 10\n'
        "[boundaries]\ntolerance_m = 50\n",
        encoding="utf-8",
    )
    s = load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=True)
    assert s.get("privacy.suppression_threshold") == 10
    assert s.gemeenten == ["GM0606"]
    s = load_settings(
        env={"OOVGEO_HOME": str(tmp_path), "OOVGEO_PRIVACY_SUPPRESSION_THRESHOLD": "7"},
        config_file=True,
    )
    assert s.get("privacy.suppression_threshold") == 7
    assert s.get("boundaries.tolerance_m") == 50.0
    assert s.database_url == f"sqlite:///{tmp_path.resolve() / 'oovgeo.db'}"


def test_database_url_from_environment(tmp_path):
    s = load_settings(env={"OOVGEO_DATABASE_URL": "postgresql+psycopg://u@h/db"}, config_file=None)
    assert s.database_url == "postgresql+psycopg://u@h/db"


def test_theme_taxonomy_is_configuration(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[themes]]\ncode = "drugs"\nlabel = "Drugsoverlast"\ncolour = "#ff0000"\n',
        encoding="utf-8",
    )
    s = load_settings(env={}, config_file=cfg)
    assert [c.code for c in s.codes("themes")] == ["drugs"]
    assert s.labels("themes") == {"drugs": "Drugsoverlast"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("onzin = 1\n", "onbekende instelling 'onzin'"),
        ('gemeenten = ["Vlaardingen"]\n', "geen CBS-gemeentecode"),
        ("[privacy]\nsuppression_threshold = 'vijf'\n", "geen geheel getal"),
        ('[[themes]]\ncode = "A B"\nlabel = "x"\n', "mag alleen a-z"),
        ("[maps]\nassets = 'internet'\n", "maps.assets"),
        ("dit is geen toml", "geen geldige TOML"),
    ],
)
def test_bad_configuration_gets_a_clear_message(tmp_path, content, message):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(env={}, config_file=cfg)


def test_streamlit_config_is_hardened():
    import tomllib

    cfg = tomllib.loads((README.parent / ".streamlit" / "config.toml").read_text("utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["maxUploadSize"] == 25
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["showSidebarNavigation"] is False


def test_every_page_is_documented_in_the_readme():
    from oovgeo.ui import PAGES

    text = README.read_text(encoding="utf-8")
    missing = [info.label for info in PAGES.values() if f"| {info.label} |" not in text]
    assert not missing, f"pages missing from README.md: {missing}"
    pages_dir = README.parent / "pages"
    registered = {info.path for info in PAGES.values()}
    for file in pages_dir.glob("*.py"):
        assert f"pages/{file.name}" in registered, f"{file.name} has no entry in ui.PAGES"


def test_target_weights_come_from_configuration(tmp_path):
    from oovgeo.analysis.targets import Weights

    cfg = tmp_path / "oovgeo.toml"
    cfg.write_text(
        "[targets]\nweight_source = 3\nhalf_life_days = 30\n"
        "[targets.theme_weights]\nondermijning = 1.5\n",
        encoding="utf-8",
    )
    s = load_settings(env={"OOVGEO_TARGETS_INTERVENTION_FACTOR": "0,25"}, config_file=cfg)
    weights = Weights.from_settings(s)
    assert weights.source == 3
    assert weights.half_life_days == 30
    assert weights.theme_weight("ondermijning") == 1.5
    assert weights.intervention_factor == 0.25
    assert weights.signal == 1.0  # untouched default


def test_impossible_target_weight_is_refused_in_dutch():
    with pytest.raises(ConfigError, match="interventiefactor"):
        load_settings(env={"OOVGEO_TARGETS_INTERVENTION_FACTOR": "2"}, config_file=None)


def test_a_value_set_on_screen_is_checked_by_the_rule_of_the_file():
    from oovgeo.config import ConfigError, check_value

    check_value("targets.intervention_factor", 0.5)
    with pytest.raises(ConfigError, match="tussen 0 en 1"):
        check_value("targets.intervention_factor", 1.5)


# --- forwarding (issue 14, "Nieuw sinds") --------------------------------------------------


def _forwarding(tmp_path, body: str):
    cfg = tmp_path / "oovgeo.toml"
    cfg.write_text(body, encoding="utf-8")
    return load_settings(env={}, config_file=cfg).get("forwarding")


def test_forwarding_from_the_file_replaces_the_default_partners(tmp_path):
    rows = _forwarding(
        tmp_path,
        '[[forwarding]]\ncode = "riec"\nlabel = "RIEC"\nthemes = ["ondermijning", "ondermijning"]\n',
    )
    assert rows == [{"code": "riec", "label": "RIEC", "themes": ["ondermijning"]}]


@pytest.mark.parametrize(
    "body, message",
    [
        ('code = "politie"\nlabel = "Politie"\nthemes = ["drugs"]', "onbekend(e) thema('s) drugs"),
        ('code = "niet_doorgezet"\nlabel = "X"\nthemes = []', "is gereserveerd"),
        ('code = "Politie!"\nlabel = "Politie"\nthemes = []', "mag alleen a-z"),
        ('code = "politie"\nlabel = "Politie"\nthemes = "ondermijning"', "lijst met teksten"),
        ('code = "politie"\nlabel = "Politie"\nthemas = []', "onbekende sleutel(s) themas"),
    ],
)
def test_a_wrong_forwarding_entry_is_refused_in_dutch(tmp_path, body, message):
    with pytest.raises(ConfigError) as refused:
        _forwarding(tmp_path, "[[forwarding]]\n" + body + "\n")
    assert message in str(refused.value)


def test_forwarding_checks_its_themes_against_the_configured_themes(tmp_path):
    body = (
        '[[themes]]\ncode = "drugs"\nlabel = "Drugs"\n'
        '[[forwarding]]\ncode = "politie"\nlabel = "Politie"\nthemes = ["drugs"]\n'
    )
    assert _forwarding(tmp_path, body)[0]["themes"] == ["drugs"]
    with pytest.raises(ConfigError, match="ondermijning"):
        _forwarding(tmp_path, body.replace('themes = ["drugs"]', 'themes = ["ondermijning"]'))


def test_own_themes_without_forwarding_send_nothing_anywhere_rather_than_refuse(tmp_path):
    rows = _forwarding(tmp_path, '[[themes]]\ncode = "drugs"\nlabel = "Drugs"\n')
    assert [r["code"] for r in rows] == ["politie", "jongerenwerk", "zorgteam"]
    assert all(r["themes"] == [] for r in rows)  # "drugs" lands in "niet doorgezet"
