"""The words on screen that more than one room uses: verdicts, method sentences, kinds.

A label or sentence written here is written once. Pages, slides and workbooks import it,
so the Vergelijken page, the meeting pack and the year report say the same thing.
"""

from __future__ import annotations

import errno

from oovgeo import dutch

# Verdicts of the period comparison (analysis.compare), in display order.
RISE = "significant gestegen"
FALL = "significant gedaald"
NORMAL = "binnen normale variatie"
TOO_FEW = "te weinig meldingen om iets te zeggen"
VERDICTS = (RISE, FALL, NORMAL, TOO_FEW)

MIN_TESTED = 10  # fewer signals in both periods together: not tested (analysis.compare)

# The method of the period comparison, one sentence, shown under every comparison.
METHOD_SENTENCE = (
    "Exacte toets voor twee Poisson-aantallen, gecorrigeerd voor meervoudig toetsen "
    "(Benjamini-Hochberg) met een foutmarge van 5%; de lengte van de periodes telt als "
    "blootstelling. Minder dan 10 meldingen in beide periodes samen: te weinig om iets te "
    "zeggen (niet getoetst)."
)
METHOD_NOTE = f"Methode: {METHOD_SENTENCE[0].lower()}{METHOD_SENTENCE[1:]}"
TEST_NOTE = "Oordelen: exacte toets, gecorrigeerd voor meervoudig toetsen (zie Verantwoording)."

LOCATION_NOTE = (
    "Dit pakket bevat geen adressen, coördinaten of losse meldingen: alleen aantallen per wijk."
)

# The two kinds of records and their plural labels.
KINDS = {"signals": "Signalen", "interventions": "Interventies"}
LEVELS = {"wijk": "Wijken", "buurt": "Buurten"}

# Context layers beside signals and interventions (issue 14): soort -> Dutch label, in the
# order the CLI, the stored list and the maps use. One layer per soort.
CONTEXT_KINDS = {
    "camera": "Cameratoezicht",
    "bedrijventerrein": "Bedrijventerreinen",
    "brp_controle": "BRP-adrescontroles",
    "overig": "Overige contextlaag",
}
# Soorten that are addresses of people: points only, with geometry, date and reference and
# nothing else, and never shown to a role without the right to see points (A4, P1).
CONTEXT_PERSONAL = frozenset({"brp_controle"})
# The Doelen reason of a candidate place inside a polygon of the soort.
CONTEXT_REASONS = {"camera": "binnen cameragebied", "bedrijventerrein": "op bedrijventerrein"}


def protection_note(threshold: int, share: float) -> str:
    """Return "Hoe lees ik dit?": the disclosure method in plain Dutch (screen and slides, P3).

    >>> protection_note(5, 0.2).startswith("Hoe lees ik dit? ")
    True
    >>> "telt 5 % van de meldingen niet één maar nul keer (2,5 %)" in protection_note(5, 0.05)
    True
    """
    percent, half = dutch.number(share * 100), dutch.number(share * 50)
    return (
        "Hoe lees ik dit? Deze cijfers zijn afgeschermd, zodat niemand uit een combinatie van "
        "tabellen, filters of perioden een melding of een persoon kan terugvinden. Elke melding "
        f"heeft een vaste, willekeurige sleutel; daardoor telt {percent} % van de meldingen niet "
        f"één maar nul keer ({half} %) of twee keer ({half} %). Gemiddeld klopt elk cijfer, en "
        "hetzelfde gebied, thema en dezelfde periode geven altijd hetzelfde cijfer; kleine "
        "cijfers kunnen een paar hoger of lager uitvallen. Cijfers van 1 tot en met "
        f"{threshold - 1} staan als <{threshold}. 0 betekent: geen meldingen, of een enkele "
        "melding die nul keer telt; 'geen gegevens' betekent dat er voor die periode of dat "
        "gebied niets is aangeleverd of bekend. Totalen, gemiddelden, verschillen en "
        "oordelen zijn berekend uit de afgeschermde cijfers. Het OOV-team werkt met de "
        "exacte aantallen."
    )


def file_problem(error: OSError) -> str:
    """Return a Dutch sentence for an operating-system error on a file (no English OS text).

    >>> file_problem(FileNotFoundError(2, "No such file or directory", "weg.csv"))
    'bestand niet gevonden: weg.csv'
    >>> file_problem(PermissionError(13, "Permission denied", "/geheim"))
    'geen toegang tot /geheim (rechten?)'
    """
    if isinstance(error, ConnectionError):
        return "geen verbinding (netwerk of server niet bereikbaar)"
    code = errno.errorcode.get(error.errno or 0, "")
    if error.filename is None:
        return "systeemfout" + (f" {code}" if code else "") + " bij het lezen of schrijven"
    path = error.filename
    if isinstance(error, FileNotFoundError):
        return f"bestand niet gevonden: {path}"
    if isinstance(error, IsADirectoryError):
        return f"{path} is een map, geen bestand"
    if isinstance(error, NotADirectoryError):
        return f"{path}: een deel van dit pad is geen map"
    if isinstance(error, PermissionError):
        return f"geen toegang tot {path} (rechten?)"
    if isinstance(error, FileExistsError):
        return f"{path} bestaat al"
    return f"kan {path} niet lezen of schrijven" + (f" (systeemfout {code})" if code else "")
