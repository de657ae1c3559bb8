"""AppTest of the pages: login, the role x page x action matrix, role-shaped output."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from oovgeo import access
from oovgeo.config import load_settings
from oovgeo.services import auth
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.records import quarantine_frame
from oovgeo.ui import IDENTITY_KEY

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE_FILES = {
    "start": None,
    "kaart": str(ROOT / "pages" / "3_Kaart.py"),
    "trends": str(ROOT / "pages" / "4_Trends.py"),
    "vergelijken": str(ROOT / "pages" / "5_Vergelijken.py"),
    "doelen": str(ROOT / "pages" / "6_Doelen.py"),
    "interventies": str(ROOT / "pages" / "7_Interventies.py"),
    "data": str(ROOT / "pages" / "1_Gegevens.py"),
    "audit": str(ROOT / "pages" / "2_Audit.py"),
    "presentatie": str(ROOT / "pages" / "8_Presentatie.py"),
}
# The specification, written out on purpose (not read from access.PAGE_ROLES).
EXPECTED_PAGES = {
    "start": {"beheerder", "coordinator", "analist", "manager", "presentatie"},
    "kaart": {"beheerder", "coordinator", "analist", "manager", "presentatie"},
    "trends": {"beheerder", "coordinator", "analist", "manager"},
    "vergelijken": {"beheerder", "coordinator", "analist", "manager"},
    "doelen": {"beheerder", "coordinator"},
    "interventies": {"beheerder", "coordinator"},
    "data": {"beheerder"},
    "audit": {"beheerder"},
    "presentatie": {"beheerder", "coordinator", "analist", "manager", "presentatie"},
}
EXPECTED_ACTIONS = {
    "view_exact_figures": {"beheerder", "coordinator", "analist"},
    "view_points": {"beheerder", "coordinator"},
    "import": {"beheerder"},
    "export_quarantine": {"beheerder"},
    "view_audit": {"beheerder"},
    "manage_users": {"beheerder"},
}
SECRET_ADDRESS = "Geheimstraat 99"
SECRET_X = "83065"
PASSWORD = "Lange-zin met 4 woorden!"


@pytest.fixture
def env(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    for name in ("OOVGEO_DATABASE_URL", "OOVGEO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def loaded(env, shared_data):
    """Vlaardingen with one signal at a fixture address and one rejected row in quarantine."""
    settings = load_settings()
    engine = ops.open_store(settings)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    data = (
        "melding_id;datum;thema;bron;x;y;adres\n"
        f"S1;01-03-2025;woonoverlast;boa;{SECRET_X},4;436518,2;{SECRET_ADDRESS}\n"
        f"S2;01-03-2025;onbekend;boa;{SECRET_X},4;436518,2;{SECRET_ADDRESS}\n"
    ).encode()
    ops.run_import(engine, settings, kind="signals", data=data, filename="s.csv")
    auth.add_user(engine, "beheer", PASSWORD, "beheerder", actor="test")
    return engine


def identity(role: str, hours_ago: float = 0.0) -> access.Identity:
    return access.Identity(
        name=f"test-{role or 'onbekend'}",
        role=role,
        method="local",
        logged_in_at=datetime.now(UTC) - timedelta(hours=hours_ago),
    )


def run(page: str = "start", who: access.Identity | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if who is not None:
        at.session_state[IDENTITY_KEY] = who
    at.run()
    if PAGE_FILES[page]:
        at.switch_page(PAGE_FILES[page])
        at.run()
    return at


def rendered_text(at: AppTest) -> str:
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "success",
        "error",
        "warning",
        "metric",
    ):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "label", "")))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_nobody_logged_in_sees_the_login_and_no_data(env, page):
    at = run(page)
    assert not at.exception
    assert at.title[0].value == "oovgeo · inloggen"
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert not at.metric and not at.dataframe
    assert not (env / "oovgeo.db").exists()  # the data layer was never opened


@pytest.mark.parametrize("role", [*access.ROLES, "", "hacker"])
@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_role_page_matrix(loaded, role, page):
    at = run(page, identity(role))
    assert not at.exception
    denied = any("niet beschikbaar voor uw rol" in e.value for e in at.error)
    assert denied == (role not in EXPECTED_PAGES[page])
    links = {link.label for link in at.get("page_link")}
    expected_links = {
        label
        for p, label in (
            ("start", "Start"),
            ("kaart", "Kaart"),
            ("trends", "Trends"),
            ("vergelijken", "Vergelijken"),
            ("doelen", "Doelen"),
            ("interventies", "Interventies"),
            ("data", "Gegevens"),
            ("audit", "Audit en toegang"),
            ("presentatie", "Presentatie"),
        )
        if role in EXPECTED_PAGES[p]
    }
    assert links == expected_links  # the navigation shows only the role's pages


@pytest.mark.parametrize("role", [*access.ROLES, "", "hacker"])
def test_role_action_matrix(role):
    for action, roles in EXPECTED_ACTIONS.items():
        assert access.may(role, action) == (role in roles), (role, action)


@pytest.mark.parametrize("role", ["coordinator", "analist", "manager", "presentatie", ""])
def test_quarantine_rows_are_refused_in_the_data_layer(loaded, role):
    with loaded.connect() as conn, pytest.raises(access.AccessDenied):
        quarantine_frame(conn, identity(role))
    with loaded.connect() as conn:
        assert len(quarantine_frame(conn, identity("beheerder"))) == 1


@pytest.mark.parametrize("role", sorted(access.PROTECTED_ROLES))
@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_protected_roles_output_holds_no_address_coordinate_or_exact_figure(loaded, role, page):
    text = rendered_text(run(page, identity(role)))
    assert SECRET_ADDRESS not in text and "Geheimstraat" not in text
    assert SECRET_X not in text and "436518" not in text
    assert "In quarantaine" not in text and "Laatste import" not in text


def test_core_team_sees_exact_figures(loaded):
    at = run("start", identity("analist"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Signalen"] == "1" and metrics["Gebiedsindeling"] == "2025"
    assert "Vlaardingen" in at.title[0].value
    assert any("Wijken (8)" in h.value for h in at.subheader)
    assert at.selectbox[0].value == "grijs"


def test_login_with_local_account_and_logout(loaded):
    at = run()
    at.text_input[0].input("beheer")
    at.text_input[1].input("fout wachtwoord")
    at.button[0].click().run()
    assert "Onjuiste gebruikersnaam" in at.error[0].value
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert "Vlaardingen" in at.title[0].value
    at.sidebar.button[0].click().run()  # Uitloggen
    assert at.title[0].value == "oovgeo · inloggen"
    with loaded.connect() as conn:
        events = conn.execute(
            select(schema.audit_log.c.action, schema.audit_log.c.result).where(
                schema.audit_log.c.actor == "beheer"
            )
        ).all()
    assert [tuple(e) for e in events] == [("login", "mislukt"), ("login", "ok"), ("logout", "ok")]


def test_expired_session_goes_back_to_login(loaded):
    at = run("start", identity("beheerder", hours_ago=8.5))
    assert at.title[0].value == "oovgeo · inloggen"
    assert "sessie is verlopen" in at.info[0].value
    with loaded.connect() as conn:
        actions = conn.execute(select(schema.audit_log.c.action)).scalars().all()
    assert "session_expired" in actions
    assert run("data", identity("beheerder", hours_ago=7.5)).title[0].value != "oovgeo · inloggen"


def test_first_start_without_accounts_says_how_to_make_one(env):
    at = run()
    at.text_input[0].input("iemand")
    at.text_input[1].input("wat dan ook")
    at.button[0].click().run()
    assert "oovgeo users add NAAM --rol beheerder" in at.error[0].value


def test_first_start_with_empty_store_builds_the_demo(env):
    at = run("start", identity("beheerder"))
    assert not at.exception
    assert "Demostad (fictief)" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Signalen"].replace(".", "")) > 10_000


def test_audit_page_shows_intact_chain_and_access_review(loaded):
    at = run("audit", identity("beheerder"))
    assert not at.exception
    assert "hashketen klopt" in at.success[0].value
    review = at.dataframe[1].value
    assert list(review["gebruiker"]) == ["beheer"] and list(review["rol"]) == ["beheerder"]


@pytest.mark.parametrize("role", ["analist", "manager", "presentatie", "", "hacker"])
def test_point_rows_are_refused_in_the_data_layer(loaded, role):
    from datetime import date

    from oovgeo.store.records import intervention_points, signal_points

    start, end = date(2020, 1, 1), date(2030, 1, 1)
    with loaded.connect() as conn:
        with pytest.raises(access.AccessDenied):
            signal_points(conn, identity(role), start, end)
        with pytest.raises(access.AccessDenied):
            intervention_points(conn, identity(role), start, end)
        rows = signal_points(conn, identity("coordinator"), start, end)
    assert list(rows["adres"]) == [SECRET_ADDRESS]
