"""The intervention register as shown: filtered, labels instead of codes."""

import numpy as np
import pandas as pd

from oovgeo.report import register_table as rt


def _held() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "datum": ["2025-01-02", "2025-02-03"],
            "source_id": ["I1", "I2"],
            "thema": ["overlast", "drugs"],
            "adres": ["Markt 1", None],
            "partners": ["politie;boa", np.nan],
            "uitkomst": ["opgelost", ""],
            "maatregel": ["gesprek", ""],
            "wijk_code": ["WK01", "WK02"],
            "shortlist_id": [7.0, np.nan],
            "source_system": ["formulier", "export"],
        }
    )


def test_the_register_shows_labels_and_the_shortlist_item():
    items = pd.DataFrame({"id": [7], "title": ["Markt"]})
    table = rt.register_table(
        _held(),
        themes={"overlast": "Overlast"},
        outcomes={"opgelost": "Opgelost"},
        partners={"politie": "Politie"},
        names=rt.item_names(items),
    )
    assert table["thema"].tolist() == ["Overlast", "drugs"]
    assert table["partners"].tolist() == ["Politie, boa", ""]
    assert table["uitkomst"].tolist() == ["Opgelost", "onbekend"]
    assert table["shortlist"].tolist() == ["#7 Markt", ""]
    assert rt.outcomes_per_theme(table).loc["Overlast", "Opgelost"] == 1


def test_filters_choices_and_messages():
    held = _held()
    assert rt.filter_held(held, ["drugs"])["source_id"].tolist() == ["I2"]
    assert rt.filter_held(held, (), ["opgelost"])["source_id"].tolist() == ["I1"]
    assert rt.editable(held, "formulier")["source_id"].tolist() == ["I1"]
    assert rt.linked_item(held.iloc[0]) == 7 and rt.linked_item(held.iloc[1]) is None
    items = pd.DataFrame({"id": [1, 2, 3], "status": ["nieuw", "afgesloten", "afgesloten"]})
    assert rt.item_choices(items, ["afgesloten"], 3) == [None, 1, 3]
    assert rt.save_message("I9", 1, 0) == "Interventie I9 toegevoegd."
    assert rt.save_message("I9", 0, 0) == "Interventie I9 ongewijzigd."
