"""Code lists (code and name, no geometry) such as ../shared/data/gebiedscodes_2025.csv."""

import pytest
from areas_support import BUURTEN, SHARED

from oovgeo.areas import BoundaryError
from oovgeo.areas.codelist import read_code_list

CODES = SHARED / "gebiedscodes_2025.csv"


def test_the_shared_code_list_gives_every_area_its_own_name():
    names = read_code_list(CODES)
    assert len(names) == 90  # 3 gemeenten, 28 wijken, 59 buurten
    by_code = names.set_index("code")["name"]
    assert by_code["GM0622"] == "Vlaardingen"
    assert by_code["WK062203"] == "Vettenoordse Polder"
    assert by_code["BU06220303"] == "'t Scheur"
    assert set(names["year"]) == {2025}


def test_semicolons_cbs_headers_and_no_year(tmp_path):
    path = tmp_path / "namen.csv"
    path.write_bytes(
        "buurtcode;buurtnaam;wijkcode;wijknaam\nBU06220101;Café-buurt;WK062201;Centrum\n".encode(
            "cp1252"
        )
    )
    names = read_code_list(path).set_index("code")
    assert names.loc["BU06220101", "name"] == "Café-buurt"
    assert names.loc["WK062201", "name"] == "Centrum"
    assert names["year"].isna().all()


def test_one_code_with_two_names_is_refused(tmp_path):
    path = tmp_path / "namen.csv"
    path.write_text("statcode,statnaam\nWK062201,Centrum\nWK062201,Binnenstad\n")
    with pytest.raises(BoundaryError, match="WK062201 heet 'Centrum' op rij 2 en 'Binnenstad'"):
        read_code_list(path)


def test_a_boundary_file_is_pointed_to_boundaries_load():
    with pytest.raises(BoundaryError, match="oovgeo boundaries load buurten_2025.geojson"):
        read_code_list(BUURTEN)
