"""Meeting packs: the slides for a partner meeting, built from the store, already protected.

    settings + meeting type + date  ->  build_pack()  ->  Pack(slides)  ->  to_pptx / to_pdf
                                                                         ->  Streamlit (page)

A ``Pack`` is renderer-independent: every slide holds a title, an optional PNG (maps and
charts drawn on the server with matplotlib, no browser, no tiles), an optional table of
display text, bullets and a note. Everything disclosure-related happens here, so the PPTX,
the PDF and the presentation page only lay out what the model holds (P3):

- no points, no addresses, no coordinates: counts per wijk (SQL GROUP BY) only, and the
  agreed actions either counted per wijk and status ('beschermd') or listed with their
  wijk or buurt name ('intern'; a title that holds the item's address loses it);
- counts below the threshold read ``"<k"``; a count hidden only to protect another reads
  ``"x"``; every count column is protected against its total (complementary suppression);
- no row totals next to protected counts, no differences, no rates of hidden counts;
- one mask per theme for the current period: the map of a theme, the table of significant
  changes and the wijk in focus show the same cells hidden (``measure_view`` and
  ``protect_comparison`` give the same mask for the same column), so two slides can never
  be combined to work a hidden cell back;
- one period grid (``meetings.period_grid``): the trend, the comparison and the pack's own
  period never overlap partially, so no difference of two periods reveals a small count.

Small counts are hidden for both audiences: slides leave the building.

Rooms: ``model`` (Slide, Pack, audience), ``data`` (PackData read via the store),
``choices`` (shared protected tables, the wijk in focus), ``figures`` (matplotlib),
``slides`` (one builder per kind, ``REGISTRY``), ``build`` (``build_pack``), ``layout``
(boxes shared by the renderers), ``pptx``, ``pdf``, ``write`` (atomic writes).
"""

from oovgeo.meetings import MeetingError
from oovgeo.report.pack.build import build_pack
from oovgeo.report.pack.choices import focus_wijk, main_themes, wijk_theme_comparison, wijk_verdicts
from oovgeo.report.pack.data import PackData, load_data
from oovgeo.report.pack.figures import theme_view
from oovgeo.report.pack.model import Pack, PackError, Slide, audience_for, pack_disclosure
from oovgeo.report.pack.slides import REGISTRY, TITLES, count_texts
from oovgeo.report.pack.write import write_atomic

__all__ = [
    "REGISTRY",
    "TITLES",
    "MeetingError",
    "Pack",
    "PackData",
    "PackError",
    "Slide",
    "audience_for",
    "build_pack",
    "count_texts",
    "focus_wijk",
    "load_data",
    "main_themes",
    "pack_disclosure",
    "theme_view",
    "wijk_theme_comparison",
    "wijk_verdicts",
    "write_atomic",
]
