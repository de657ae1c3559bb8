"""What the CLI and the app both do: open the store, load areas, import files, build the demo.

Each function is one user-level operation in one transaction, with an audit record.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from oovgeo import areas as area_io
from oovgeo import demo, dutch, police
from oovgeo.areas import BoundaryError, parse_gemeente_code, pdok
from oovgeo.areas.codelist import read_code_list
from oovgeo.areas.kerncijfers import read_population_file
from oovgeo.areas.load import require_wijken_or_buurten
from oovgeo.areas.population import aggregate_population
from oovgeo.config import Settings
from oovgeo.ingest import signalen
from oovgeo.ingest.locate import Geocoder
from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.profiles import Profile, ProfileError, load_profiles
from oovgeo.ingest.readers import ReadError
from oovgeo.ingest.report import ImportReport
from oovgeo.ingest.rules import ImportError_
from oovgeo.police import PoliceImportError
from oovgeo.services import labels
from oovgeo.services.imports import Progress, import_file
from oovgeo.services.labels import LabelError, Release
from oovgeo.store import audit
from oovgeo.store.areas_repo import (
    active_edition,
    count_areas,
    editions,
    hierarchy,
    load_areas,
    rename_areas,
    save_areas,
    set_active_edition,
)
from oovgeo.store.db import Engine, make_engine, set_meta, writing
from oovgeo.store.geocache import cached
from oovgeo.store.police_repo import store_police
from oovgeo.store.population_repo import save_population, set_inhabitants
from oovgeo.store.records import count_records, replace_all, seed_record_keys

# Errors caused by the input, shown to the user as their (Dutch) message; anything else is a
# bug and is shown without details (P5).
USER_ERRORS = (
    BoundaryError,
    ImportError_,
    ProfileError,
    ReadError,
    pdok.PdokError,
    PoliceImportError,
    LabelError,
)

_ENGINES: dict[str, Engine] = {}

# The record kinds as keys of a Dutch report.
KIND_KEYS = {"signals": "signalen", "interventions": "interventies"}


def open_store(settings: Settings) -> Engine:
    """Return the engine for the configured database (one per URL and process)."""
    return engine_for_url(settings.database_url)


def engine_for_url(url: str) -> Engine:
    """Return the engine for ``url``, made once per process."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def profiles(settings: Settings) -> dict[str, Profile]:
    """Return the shipped profiles plus those in the profiles file."""
    extra = settings.get("import.profiles_file")
    return load_profiles(Path(extra) if extra else settings.home / "profiles.toml")


def profile(settings: Settings, name: str) -> Profile:
    """Return the profile ``name``; raise ProfileError when unknown."""
    available = profiles(settings)
    if name not in available:
        raise ProfileError(
            f"onbekend profiel '{name}'; beschikbaar: {', '.join(sorted(available))}"
        )
    return available[name]


def store_areas(
    engine: Engine, settings: Settings, gdf: gpd.GeoDataFrame, *, actor: str, origin: str = "cli"
) -> dict:
    """Save an edition of areas; when it becomes the edition in use, re-place every record."""
    require_wijken_or_buurten(gdf)  # nothing to place records in otherwise
    edition = int(gdf["edition"].max())
    with writing(engine) as conn:
        saved = save_areas(conn, gdf)
        configured = settings.get("boundaries.edition")
        current = active_edition(conn, configured)
        becomes_active = configured == edition or (
            not configured and (current is None or edition >= current)
        )
        replaced = {}
        if becomes_active:
            set_active_edition(conn, edition)
            index = AreaIndex(load_areas(conn, edition))
            replaced = replace_all(conn, index, edition, settings.get("boundaries.tolerance_m"))
        audit.record(
            conn,
            actor=actor,
            action="boundaries_load",
            obj=f"editie {edition}",
            origin=origin,
            detail={"gebieden": saved, "actief": becomes_active},
        )
        levels = count_areas(conn, edition)
    return {
        "editie": edition,
        "gebieden": levels,
        "actief": becomes_active,
        "herplaatst": {KIND_KEYS[kind]: counts for kind, counts in replaced.items()},
        "notities": list(gdf.attrs.get("notes", [])),
        "waarschuwingen": list(gdf.attrs.get("warnings", [])),
    }


def load_boundary_files(
    engine: Engine,
    settings: Settings,
    paths: Sequence[Path],
    *,
    edition: int | None = None,
    actor: str = "cli",
) -> dict:
    """Load boundary files into the database.

    A load replaces the whole edition, so files without buurten are refused for an edition
    that has buurten: its buurten would silently vanish (and every record lose its buurt).
    """
    gdf = area_io.load_boundaries(list(paths), edition=edition, gemeenten=settings.gemeenten)
    year = int(gdf["edition"].max())
    with engine.connect() as conn:
        stored = count_areas(conn, year)
    if stored.get("buurt") and not (gdf["level"] == "buurt").any():
        raise BoundaryError(
            f"gebiedsindeling {year} heeft al {stored['buurt']} buurten en deze bestanden "
            "bevatten er geen; laden vervangt de hele indeling, dus de buurten zouden "
            "verdwijnen. Laad wijken en buurten samen, bijvoorbeeld: oovgeo boundaries load "
            "wijken_2025.geojson buurten_2025.geojson"
        )
    return store_areas(engine, settings, gdf, actor=actor)


def rename_from_code_list(
    engine: Engine, settings: Settings, path: Path, *, actor: str = "cli"
) -> dict:
    """Give the areas of the edition in use the names of a code list (no geometry).

    Only codes of the configured gemeenten and of the edition's year (when the list has a
    year column) are used; the report counts every code of the list once: renamed,
    unchanged, not found in the edition, other gemeente or other year.
    """
    names = read_code_list(path)
    wanted = {parse_gemeente_code(code) for code in settings.gemeenten}
    with writing(engine) as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
        if edition is None:
            raise BoundaryError(
                "er is nog geen gebiedsindeling geladen; laad eerst de grenzen met "
                "oovgeo boundaries load BESTAND en neem daarna de namen over"
            )
        other_year = names["year"].notna() & (names["year"] != edition)
        if other_year.all():
            years = ", ".join(str(y) for y in sorted(set(names["year"])))
            raise BoundaryError(
                f"{path.name} is een codelijst van {years}; de gebiedsindeling in gebruik is "
                f"{edition}. Codes verschillen per jaar: gebruik de codelijst van {edition}."
            )
        gemeente = names["code"].map(lambda code: "GM" + code[2:6])
        other_gemeente = ~other_year & ~gemeente.isin(wanted)
        used = names[~other_year & ~other_gemeente]
        outcome = rename_areas(conn, edition, dict(zip(used["code"], used["name"], strict=True)))
        result = {
            "bestand": path.name,
            "editie": edition,
            "codes": len(names),
            "hernoemd": len(outcome["renamed"]),
            "ongewijzigd": len(outcome["unchanged"]),
            "niet_gevonden": len(outcome["not_found"]),
            "andere_gemeente": int(other_gemeente.sum()),
            "ander_jaar": int(other_year.sum()),
            "niet_gevonden_codes": outcome["not_found"],
        }
        audit.record(
            conn,
            actor=actor,
            action="boundaries_names",
            obj=f"editie {edition}",
            detail={k: v for k, v in result.items() if k != "niet_gevonden_codes"},
        )
    return result


def fetch_boundaries(engine: Engine, settings: Settings, year: int, *, actor: str = "cli") -> dict:
    """Download the configured municipalities' boundaries from PDOK and store them."""
    frames = [
        pdok.fetch_boundaries(code, year, base_url=settings.get("boundaries.pdok_url"))
        for code in settings.gemeenten
    ]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    return store_areas(engine, settings, gdf, actor=actor)


def load_population(
    engine: Engine, path: Path, *, year: int | None = None, actor: str = "cli"
) -> dict:
    """Store inhabitants per code and year from a population file; sum buurten to wijken.

    The file is a CBS "Kerncijfers wijken en buurten" table as published (``year`` when the
    table carries none) or ``code,year,inhabitants``. Wijken and gemeenten without their own
    figure get the sum of their buurten (unknown when any buurt is unknown). Stored areas of
    the file's year also get the figure itself (the boundary edition's own inhabitants).
    ``rijen`` counts the areas read, ``overgeslagen`` the rows that are no area (NL00, a
    source line), ``onbekend`` the areas whose figure is secret or missing.
    """
    population = read_population_file(path, year)
    with writing(engine) as conn:
        full = aggregate_population(population, hierarchy(conn))
        save_population(conn, full, "bestand")
        updated = 0
        for row in full.dropna(subset=["inhabitants"]).itertuples(index=False):
            updated += set_inhabitants(conn, row.code, int(row.year), int(row.inhabitants))
        summed = full[full["summed"]]
        detail = {
            "rijen": len(population),
            "opgeteld": len(summed),
            "som_onbekend": int(summed["inhabitants"].isna().sum()),
            "bijgewerkt": updated,
        }
        audit.record(
            conn, actor=actor, action="population_load", obj=str(Path(path).name), detail=detail
        )
    return {
        "bestand": Path(path).name,
        "rijen": len(population),
        "overgeslagen": int(population.attrs.get("skipped", 0)),
        "onbekend": int(population["inhabitants"].isna().sum()),
        "jaren": sorted({int(y) for y in population["year"]}),
        "opgeteld": detail["opgeteld"],
        "som_onbekend": detail["som_onbekend"],
        "gebieden_bijgewerkt": updated,
        "niet_gevonden": max(len(full) - updated, 0),
    }


def store_synthetic_population(engine: Engine, edition: int, *, seed: int) -> int:
    """Store the demo's synthetic inhabitants (labelled ``synthetisch``) for ``edition``."""
    areas = load_areas(engine, edition)
    buurten = demo.synthetic_population(areas, year=edition, seed=seed)
    with writing(engine) as conn:
        full = aggregate_population(buurten, hierarchy(conn))
        return save_population(conn, full, "synthetisch")


def run_import(
    engine: Engine,
    settings: Settings,
    *,
    kind: str,
    data: bytes,
    filename: str,
    profile_name: str = "generiek",
    actor: str = "cli",
    origin: str = "cli",
    today: date | None = None,
    progress: Progress | None = None,
    export_day: date | None = None,
) -> ImportReport:
    """Import one file of the given kind and return its report.

    ``export_day`` dates the export's versions (default: a date in the file name, else today).
    A JSON file is a Signalen export: it is imported with the chosen profile when that is a
    Signalen profile (system "signalen"), else with the profile "signalen".
    """
    chosen = profile(settings, profile_name)
    if signalen.looks_like_json(data, filename) and chosen.system != signalen.SYSTEM:
        chosen = profile(settings, signalen.PROFILE)
    return import_file(
        engine,
        settings,
        chosen,
        kind=kind,
        data=data,
        filename=filename,
        actor=actor,
        origin=origin,
        today=today,
        geocoder=make_geocoder(engine, settings),
        progress=progress,
        export_day=export_day,
    )


def map_label(
    engine: Engine,
    settings: Settings,
    *,
    fname: str,
    label: str,
    code: str,
    actor: str,
    origin: str = "cli",
) -> Release:
    """Map an export label to a code and release the quarantined rows it held back."""
    return labels.map_label(
        engine,
        settings,
        profiles(settings),
        fname=fname,
        label=label,
        code=code,
        actor=actor,
        origin=origin,
        geocoder=make_geocoder(engine, settings),
    )


def import_police(
    engine: Engine,
    settings: Settings,
    *,
    data: bytes,
    filename: str,
    table: str,
    actor: str = "cli",
) -> dict:
    """Import a CBS/Politie open-data CSV (47022NED or 47024NED) as context figures.

    The report (Dutch keys) accounts for every row of the file: ``rijen`` = ``gebruikt`` +
    the sum of ``overgeslagen`` per reason; of the used rows ``nieuw`` + ``bijgewerkt`` +
    ``ongewijzigd`` + ``definitief_behouden`` = ``gebruikt``. ``melding`` says it in Dutch.
    """
    frame = police.read_police_csv(data, filename, table=table, gemeenten=settings.gemeenten)
    stored = store_police(engine, frame, filename=filename, actor=actor)
    reading = frame.attrs["report"]
    return {
        "bestand": filename,
        "tabel": str(frame["table"].iloc[0]),
        "rijen": reading["rijen"],
        "gebruikt": reading["gebruikt"],
        "overgeslagen": dict(reading["overgeslagen"]),
        "onbekend_aantal": reading["onbekend_aantal"],
        "onvolledige_maanden": reading["onvolledige_maanden"],
        "nieuw": stored["inserted"],
        "bijgewerkt": stored["updated"],
        "ongewijzigd": stored["unchanged"],
        "definitief_behouden": stored["kept_complete"],
        "melding": f"{police.describe_reading(reading)} {stored['message']}",
        "waarschuwingen": list(reading["waarschuwingen"]),
    }


def make_geocoder(engine: Engine, settings: Settings) -> Geocoder | None:
    """Return a cached PDOK geocoder when enabled in the settings, else None."""
    if not settings.get("geocoder.enabled"):
        return None

    def lookup(address: str) -> dict | None:
        try:
            return pdok.geocode(address, base_url=settings.get("geocoder.url"))
        except pdok.PdokError as exc:  # offline, HTTP error or garbage: not usable now
            raise ConnectionError(str(exc)) from exc

    return cached(engine, lookup)


def has_data(engine: Engine) -> bool:
    """Return True when there are signals or boundary editions."""
    with engine.connect() as conn:
        return bool(count_records(conn, "signals")) or bool(editions(conn))


def ensure_demo(engine: Engine, settings: Settings, *, actor: str = "demo") -> bool:
    """Build the demo on first start with an empty store, unless ``demo.auto`` is off."""
    if not settings.get("demo.auto") or has_data(engine):
        return False
    build_demo(engine, settings, actor=actor)
    return True


def build_demo(
    engine: Engine,
    settings: Settings,
    *,
    boundary_files: Sequence[Path] = (),
    end: date | None = None,
    actor: str = "demo",
    progress: Progress | None = None,
) -> dict:
    """Fill the store with the synthetic demo data set.

    Areas: the given boundary files, else the areas already stored, else the fictitious town.
    The frames go through the same import engine as a real export.
    """
    seed = settings.get("demo.seed")
    if boundary_files:
        load_boundary_files(engine, settings, boundary_files, actor=actor)
    with engine.connect() as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
    if edition is None:
        store_areas(engine, settings, demo.fictitious_town(), actor=actor)
        with engine.connect() as conn:
            edition = active_edition(conn)
        if edition is None:  # store_areas just wrote one
            raise RuntimeError("the demo town was stored but no boundary edition is active")
    store_synthetic_population(engine, edition, seed=seed)
    areas = load_areas(engine, edition)
    data = demo.generate(areas, seed=seed, end=end or date.today())
    reports = {}
    for kind, frame in (("signals", data.signals), ("interventions", data.interventions)):
        reports[kind] = run_import(
            engine,
            settings,
            kind=kind,
            data=_csv_bytes(frame),
            filename=f"demo_{kind}_seed{seed}.csv",
            actor=actor,
            origin="demo",
            today=end or date.today(),
            progress=progress,
        )
    with writing(engine) as conn:
        # reproducible protected figures, in one transaction with the demo marker
        seed_record_keys(conn, seed)
        set_meta(conn, "demo", str(seed))
    return {"editie": edition, "notities": data.notes, **reports}


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    out = frame.copy()
    if "datum" in out:
        out["datum"] = pd.to_datetime(out["datum"]).map(
            lambda d: dutch.day(d) if pd.notna(d) else ""
        )
    out.to_csv(buf, sep=";", index=False, decimal=",")
    return buf.getvalue().encode("utf-8")
