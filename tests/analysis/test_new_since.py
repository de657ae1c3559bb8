"""Which partner gets which new signal, and the tables a protected audience reads."""

from __future__ import annotations

import pandas as pd

from oovgeo.analysis.new_since import count_table, partner_list, recipients, shown_counts
from oovgeo.privacy import Disclosure

FORWARDING = [
    {"code": "politie", "label": "Politie", "themes": ["ondermijning", "jeugdoverlast"]},
    {"code": "jongerenwerk", "label": "Jongerenwerk", "themes": ["jeugdoverlast"]},
]
THEMES = {"ondermijning": "Ondermijning", "jeugdoverlast": "Jeugdoverlast", "woonoverlast": "Wo"}


def test_a_signal_goes_to_every_partner_of_its_theme_and_the_rest_to_niet_doorgezet():
    groups = recipients(FORWARDING, list(THEMES))
    assert [g.label for g in groups] == ["Politie", "Jongerenwerk", "Niet doorgezet"]
    signals = pd.DataFrame(
        {
            "Datum": ["d1", "d2", "d3", "d4"],
            "Thema": ["", "", "", ""],
            "Bron": "",
            "Wijk": "",
            "Buurt": "",
            "Adres": ["Kade 1", "Kade 2", "Kade 3", "Kade 4"],
            "Dossiernummer": "",
            # woonoverlast goes nowhere; an old code no longer configured neither
            "thema": ["jeugdoverlast", "ondermijning", "woonoverlast", "oud_thema"],
        }
    )
    lists = {g.code: list(partner_list(signals, g, groups)["Adres"]) for g in groups}
    assert lists == {
        "politie": ["Kade 1", "Kade 2"],
        "jongerenwerk": ["Kade 1"],
        "niet_doorgezet": ["Kade 3", "Kade 4"],
    }


def test_every_theme_a_partner_receives_has_a_row_and_an_unknown_one_is_niet_doorgezet():
    groups = recipients(FORWARDING, list(THEMES))
    table = count_table({"jeugdoverlast": 3, "oud_thema": 2}, groups, THEMES)
    rows = list(zip(table["partner"], table["thema"], table["aantal"], strict=True))
    assert rows == [
        ("politie", "ondermijning", 0),
        ("politie", "jeugdoverlast", 3),
        ("jongerenwerk", "jeugdoverlast", 3),
        ("niet_doorgezet", "woonoverlast", 0),
        ("niet_doorgezet", "oud_thema", 2),
    ]
    shown = shown_counts(table, Disclosure(protected=True))
    assert list(shown["Aantal"]) == ["0", "<5", "<5", "0", "<5"]
    assert list(shown_counts(table, Disclosure.exact())["Aantal"]) == [0, 3, 3, 0, 2]


def test_without_a_theme_left_over_there_is_no_niet_doorgezet_group():
    everything = [*FORWARDING, {"code": "zorg", "label": "Zorg", "themes": ["woonoverlast"]}]
    assert "niet_doorgezet" not in [g.code for g in recipients(everything, list(THEMES))]
