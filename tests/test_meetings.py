"""Meeting types from the configuration, and the period a meeting pack covers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oovgeo.config import SLIDE_KINDS, ConfigError, load_settings
from oovgeo.meetings import (
    MeetingError,
    MeetingType,
    default_period,
    meeting_type,
    meeting_types,
    pack_period,
    period_grid,
    previous_meeting,
)


def settings_from(tmp_path, toml: str):
    path = tmp_path / "oovgeo.toml"
    path.write_text(toml, encoding="utf-8")
    return load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=path)


def test_defaults_are_the_three_meetings_of_the_cycle(tmp_path):
    types = meeting_types(load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=None))
    assert list(types) == ["integraal", "opvolging", "politie"]
    assert [t.interval_days for t in types.values()] == [42, 14, 56]
    assert {t.audience for t in types.values()} == {"beschermd"}  # partners: protected
    assert types["integraal"].slides == SLIDE_KINDS
    for meeting in types.values():
        assert meeting.slides[0] == "titel" and set(meeting.slides) <= set(SLIDE_KINDS)


def test_slide_list_keeps_the_configured_order_and_dates_parse(tmp_path):
    s = settings_from(
        tmp_path,
        """
[[meetings]]
code = "politie"
label = "Overleg met de politie"
audience = "intern"
interval_days = 56
slides = ["verantwoording", "trends", "titel"]
dates = [2026-09-01, "13-10-2026", 2026-07-07]
focus_wijk = "WK062201"
themes = ["woninginbraak", "jeugdoverlast"]
""",
    )
    meeting = meeting_type(s, "politie")
    assert meeting.slides == ("verantwoording", "trends", "titel")
    assert meeting.dates == (date(2026, 7, 7), date(2026, 9, 1), date(2026, 10, 13))
    assert meeting.audience == "intern" and meeting.focus_wijk == "WK062201"
    assert meeting.themes == ("woninginbraak", "jeugdoverlast")
    assert list(meeting_types(s)) == ["politie"]  # the list replaces the defaults


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('slides = ["titel", "kaartje"]', "onbekende dia('s) kaartje"),
        ('slides = ["titel", "titel"]', "meer dan eens"),
        ("slides = []", "de lijst slides is leeg"),
        ('audience = "iedereen"', "publiek 'iedereen' bestaat niet"),
        ("interval_days = 0", "interval_days moet een geheel getal"),
        ('dates = ["gisteren"]', "'gisteren' is geen datum"),
        ('focus_wijk = "Centrum"', "geen CBS-wijkcode"),
        ('themes = ["voetbal"]', "onbekend(e) thema('s) voetbal"),
        (
            'themes = ["ondermijning", "woonoverlast", "jeugdoverlast", "mensenhandel", "radicalisering"]',
            "hoogstens 4",
        ),
        ('kleur = "rood"', "onbekende sleutel(s) kleur"),
    ],
)
def test_bad_meeting_settings_give_a_dutch_error(tmp_path, entry, message):
    toml = f'[[meetings]]\ncode = "integraal"\nlabel = "Integraal overleg"\n{entry}\n'
    with pytest.raises(ConfigError, match="instelling meetings") as info:
        settings_from(tmp_path, toml)
    assert message in str(info.value)


def test_meeting_codes_are_checked_like_other_code_lists(tmp_path):
    two = '[[meetings]]\ncode = "a"\nlabel = "A"\n[[meetings]]\ncode = "a"\nlabel = "B"\n'
    with pytest.raises(ConfigError, match="komt dubbel voor"):
        settings_from(tmp_path, two)
    with pytest.raises(ConfigError, match="mag alleen a-z"):
        settings_from(tmp_path, '[[meetings]]\ncode = "Groot Overleg"\nlabel = "G"\n')


def test_unknown_meeting_names_the_configured_ones(tmp_path):
    s = load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=None)
    with pytest.raises(MeetingError, match="onbekend overleg 'gio'; ingesteld: integraal"):
        meeting_type(s, "gio")


MEETING = MeetingType(
    "integraal",
    "Integraal overleg",
    "beschermd",
    42,
    ("titel",),
    (date(2026, 6, 2), date(2026, 7, 14), date(2026, 9, 1)),
)


def test_period_runs_from_the_previous_meeting_to_the_day_before():
    # a meeting six weeks after the last configured one
    assert default_period(MEETING, date(2026, 10, 13)) == (date(2026, 9, 1), date(2026, 10, 12))
    # irregular: the meeting after the summer covers the seven weeks since 14 July
    assert default_period(MEETING, date(2026, 9, 1)) == (date(2026, 7, 14), date(2026, 8, 31))
    # before any configured date: one interval back
    assert previous_meeting(MEETING, date(2026, 6, 2)) == date(2026, 6, 2) - timedelta(days=42)


def test_packs_of_one_meeting_type_tile_without_overlap():
    dates = [*MEETING.dates, date(2026, 10, 13)]
    periods = [default_period(MEETING, d) for d in dates[1:]]
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        assert start == end + timedelta(days=1)


def test_van_overrides_the_start_and_must_lie_before_the_meeting():
    assert pack_period(MEETING, date(2026, 10, 13), date(2026, 9, 15)) == (
        date(2026, 9, 15),
        date(2026, 10, 12),
    )
    with pytest.raises(MeetingError, match="moet voor de vergaderdatum beginnen"):
        pack_period(MEETING, date(2026, 10, 13), date(2026, 10, 13))


def test_period_grid_uses_past_meetings_then_steps_of_the_interval():
    period = default_period(MEETING, date(2026, 10, 13))
    grid = period_grid(MEETING, period)
    assert grid[-1] == period
    assert grid[-2] == (date(2026, 7, 14), date(2026, 8, 31))
    assert grid[-3] == (date(2026, 6, 2), date(2026, 7, 13))
    assert grid[-4] == (date(2026, 4, 21), date(2026, 6, 1))  # 42 days before 2 June
    for (_, end), (start, _) in zip(grid, grid[1:], strict=False):
        assert start == end + timedelta(days=1)  # no gap, no overlap
    assert (grid[-1][0] - grid[0][0]).days >= 365  # about a year of history
    short = MeetingType("o", "O", "beschermd", 14, ("titel",))
    assert len(period_grid(short, default_period(short, date(2026, 10, 13)))) <= 30
