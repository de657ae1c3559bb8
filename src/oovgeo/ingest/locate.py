"""Where a row lies: coordinates (RD or WGS84, swapped axes), area codes or a geocoded address.

Fills x, y, placement and the area codes of each row and rejects, each with its own rule,
what cannot be placed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from oovgeo.ingest import parse
from oovgeo.ingest.rules import cell_text

Geocoder = Callable[[str], "dict | None"]


def locate(raw, out, settings, index, col, warnings, geocoder) -> None:
    """Fill x, y and area codes; reject what cannot be placed, each with its own rule."""
    n = len(raw)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    how = np.full(n, "", dtype=object)
    codes = {k: np.full(n, None, dtype=object) for k in ("buurt", "wijk", "gemeente")}

    def has(fname):
        return (cell_text(raw, fname).str.strip() != "").to_numpy()

    has_xy, has_ll = has("x") | has("y"), has("lat") | has("lon")
    half_xy = has("x") ^ has("y")
    half_ll = (has("lat") ^ has("lon")) & ~has_xy
    col.add(
        half_xy, "x/y", "onvolledige_coordinaat", cell_text(raw, "x") + " " + cell_text(raw, "y")
    )
    col.add(
        half_ll,
        "lat/lon",
        "onvolledige_coordinaat",
        cell_text(raw, "lat") + " " + cell_text(raw, "lon"),
    )

    def from_numbers(mask, a_name, b_name, classify):
        a, a_rule = parse.parse_number_array(cell_text(raw, a_name))
        b, b_rule = parse.parse_number_array(cell_text(raw, b_name))
        num_bad = mask & ((a_rule != "") | (b_rule != ""))
        col.add(num_bad & (a_rule != ""), a_name, a_rule, cell_text(raw, a_name))
        col.add(num_bad & (b_rule != ""), b_name, b_rule, cell_text(raw, b_name))
        ok = mask & ~num_bad
        if ok.any():
            rx, ry, note, rule = classify(a[ok], b[ok])
            pos = np.flatnonzero(ok)
            failed = rule != ""
            pair = cell_text(raw, a_name) + " " + cell_text(raw, b_name)
            fail_mask = np.zeros(n, dtype=bool)
            fail_mask[pos[failed]] = True
            rules = np.full(n, "", dtype=object)
            rules[pos[failed]] = rule[failed]
            col.add(fail_mask, f"{a_name}/{b_name}", rules, pair)
            good = pos[~failed]
            x[good], y[good] = rx[~failed], ry[~failed]
            for code in set(note[~failed]) - {""}:
                mask = warnings.setdefault(code, np.zeros(n, dtype=bool))
                mask[good[note[~failed] == code]] = True

    from_numbers(has_xy & ~half_xy, "x", "y", parse.classify_xy_arrays)
    from_numbers(has_ll & ~has_xy & ~half_ll, "lat", "lon", parse.classify_latlon_arrays)

    # addresses, only where nothing else locates the row and a geocoder is on
    area_code = cell_text(raw, "buurtcode").str.strip().str.upper()
    address = _address(raw)
    need_geo = ~has_xy & ~has_ll & (area_code == "").to_numpy() & (address != "").to_numpy()
    if need_geo.any():
        if geocoder is None:
            col.add(need_geo, "adres", "geen_locatie", address)
        else:
            for i in np.flatnonzero(need_geo):
                try:
                    hit = geocoder(address.iat[i])
                except ConnectionError:
                    col.add(_one(n, i), "adres", "geocoder_onbereikbaar", address)
                    continue
                if hit is None:
                    col.add(_one(n, i), "adres", "adres_niet_gevonden", address)
                else:
                    x[i], y[i] = hit["x"], hit["y"]
                    how[i] = "geocode"

    points = ~np.isnan(x)
    if points.any():
        placed = index.place(x[points], y[points], settings.get("boundaries.tolerance_m"))
        pos = np.flatnonzero(points)
        outside = placed.how == ""
        mask = np.zeros(n, dtype=bool)
        mask[pos[outside]] = True
        xy_text = pd.Series([f"{a:.0f} {b:.0f}" for a, b in zip(x, y, strict=True)])
        col.add(mask, "locatie", "buiten_gemeente", xy_text)
        for key, arr in (
            ("buurt", placed.buurt_code),
            ("wijk", placed.wijk_code),
            ("gemeente", placed.gemeente_code),
        ):
            codes[key][pos] = arr
        how[pos] = np.where(how[pos] == "geocode", "geocode", placed.how)
        warnings["nabij"] = how == "nabij"

    by_code = ~points & ~has_xy & ~has_ll & (area_code != "").to_numpy()
    for i in np.flatnonzero(by_code):
        found = index.by_code(area_code.iat[i])
        if found is None:
            col.add(_one(n, i), "buurtcode", "onbekende_gebiedscode", area_code)
        else:
            codes["buurt"][i], codes["wijk"][i], codes["gemeente"][i] = found
            how[i] = "gebied"

    nothing = ~has_xy & ~has_ll & (area_code == "").to_numpy() & (address == "").to_numpy()
    col.add(nothing, "locatie", "geen_locatie", pd.Series([""] * n))

    out["x"] = np.round(x, 2)
    out["y"] = np.round(y, 2)
    out["placement"] = how
    out["source_area_code"] = area_code.where(area_code != "", None)
    out["buurt_code"], out["wijk_code"] = codes["buurt"], codes["wijk"]
    out["gemeente_code"] = codes["gemeente"]


def _address(raw: pd.DataFrame) -> pd.Series:
    adres = cell_text(raw, "adres").str.strip()
    pc = cell_text(raw, "postcode").str.replace(r"\s+", "", regex=True)
    nr = cell_text(raw, "huisnummer").str.strip()
    pc_nr = (pc + " " + nr).where((pc != "") & (nr != ""), "")
    return adres.where(adres != "", pc_nr)


def _one(n: int, i: int | np.integer) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask
