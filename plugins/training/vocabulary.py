"""The training plugin's vocabularies: course kinds, providers, formats, funding, and what
ties courses and apprenticeships to KldB 2010 professions (Berufshauptgruppen).

Codes are stable (they are stored and used in URLs); labels are German first, English second.
"""

from __future__ import annotations

import functools
import re

from core import Choice
from core import Term
from core import Vocabulary
from core import fold
from core import vocabulary

__all__ = [
    "APPRENTICESHIP_EXAMPLES",
    "DUAL_STUDY_PROGRAMMES",
    "FORMATS",
    "FUNDING",
    "KINDS",
    "PROFESSION_KEYWORDS",
    "PROVIDER_TYPES",
    "apprenticeship_choices",
    "profession_choices",
    "professions_in_text",
]


def _vocabulary(name: str, *terms: tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name, tuple(Term(code, de, en) for code, de, en in terms))


KINDS = _vocabulary(
    "course kind",
    ("weiterbildung", "Weiterbildung / Anpassungsqualifizierung", "Further training / upskilling"),
    ("umschulung", "Umschulung", "Retraining (a new vocational qualification)"),
    (
        "aufstieg",
        "Aufstiegsfortbildung (Meister/in, Fachwirt/in, Techniker/in)",
        "Advancement training (master craftsperson, Fachwirt, technician)",
    ),
    ("sprache", "Sprachkurs", "Language course"),
    (
        "ausbildung",
        "Rund um die Ausbildung (Prüfungsvorbereitung, Ausbildereignung)",
        "Apprenticeship-related (exam preparation, trainer aptitude)",
    ),
)

PROVIDER_TYPES = _vocabulary(
    "provider type",
    ("vhs", "Volkshochschule", "Adult education centre (VHS)"),
    ("kammer", "Kammer (IHK, Handwerkskammer)", "Chamber (IHK, HWK)"),
    ("hochschule", "Hochschule / Kolleg", "University / college"),
    ("privat", "Private Bildungsakademie", "Private academy"),
    ("unternehmen", "Unternehmen", "Company"),
)

FORMATS = _vocabulary(
    "course format",
    ("praesenz", "Vor Ort", "In person"),
    ("online", "Online", "Online"),
    ("blended", "Kombiniert (vor Ort und online)", "Blended (in person and online)"),
)

FUNDING = _vocabulary(
    "funding",
    (
        "bildungsgutschein",
        "Bildungsgutschein (Agentur für Arbeit, Jobcenter)",
        "Education voucher (Bildungsgutschein)",
    ),
    ("aufstiegs_bafoeg", "Aufstiegs-BAföG", "Aufstiegs-BAföG (advancement grant)"),
    (
        "beschaeftigte",
        "Förderung für Beschäftigte (§ 82 SGB III)",
        "Funding for employees (§ 82 SGB III)",
    ),
    ("bildungsurlaub", "Bildungsurlaub (AWbG NRW)", "Educational leave (AWbG NRW)"),
)

#: Typical apprenticeships (Ausbildungsberufe) per Berufshauptgruppe: shown in the filter's
#: labels (so "Mechatroniker" finds group 26) and used as titles by the demo generator.
APPRENTICESHIP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "11": ("Landwirt/in", "Tierwirt/in"),
    "12": ("Gärtner/in", "Florist/in"),
    "21": ("Aufbereitungsmechaniker/in",),
    "22": ("Tischler/in", "Verfahrensmechaniker/in Kunststoff- und Kautschuktechnik"),
    "23": ("Mediengestalter/in Digital und Print", "Medientechnolog/in Druck"),
    "24": ("Metallbauer/in", "Konstruktionsmechaniker/in", "Zerspanungsmechaniker/in"),
    "25": ("Industriemechaniker/in", "Kfz-Mechatroniker/in"),
    "26": (
        "Mechatroniker/in",
        "Elektroniker/in für Betriebstechnik",
        "Elektroniker/in Energie- und Gebäudetechnik",
    ),
    "27": ("Technische/r Produktdesigner/in", "Technische/r Systemplaner/in"),
    "28": ("Maßschneider/in",),
    "29": ("Bäcker/in", "Koch/Köchin", "Fleischer/in"),
    "31": ("Bauzeichner/in", "Vermessungstechniker/in"),
    "32": ("Maurer/in", "Straßenbauer/in"),
    "33": ("Maler/in und Lackierer/in", "Fliesen-, Platten- und Mosaikleger/in"),
    "34": ("Anlagenmechaniker/in für Sanitär-, Heizungs- und Klimatechnik",),
    "41": ("Chemielaborant/in", "Chemikant/in"),
    "43": ("Fachinformatiker/in",),
    "51": ("Fachkraft für Lagerlogistik", "Kaufmann/-frau für Spedition und Logistik"),
    "52": ("Berufskraftfahrer/in",),
    "53": ("Fachkraft für Schutz und Sicherheit",),
    "54": ("Gebäudereiniger/in",),
    "61": ("Kaufmann/-frau im Groß- und Außenhandelsmanagement",),
    "62": ("Kaufmann/-frau im Einzelhandel", "Verkäufer/in"),
    "63": ("Hotelfachmann/-frau", "Fachmann/-frau für Restaurants und Veranstaltungsgastronomie"),
    "71": ("Industriekaufmann/-frau", "Kaufmann/-frau für Büromanagement"),
    "72": ("Steuerfachangestellte/r", "Bankkaufmann/-frau"),
    "73": ("Verwaltungsfachangestellte/r", "Rechtsanwaltsfachangestellte/r"),
    "81": ("Medizinische/r Fachangestellte/r", "Pflegefachmann/-frau"),
    "82": ("Friseur/in", "Kosmetiker/in"),
    "83": ("Erzieher/in", "Hauswirtschafter/in"),
    "92": ("Kaufmann/-frau für Marketingkommunikation",),
    "93": ("Goldschmied/in",),
    "94": ("Fachkraft für Veranstaltungstechnik",),
}

#: Study programmes a dual-study partner typically offers, per Berufshauptgruppe (demo data).
DUAL_STUDY_PROGRAMMES: dict[str, str] = {
    "24": "Maschinenbau (B.Eng.)",
    "25": "Maschinenbau (B.Eng.)",
    "26": "Elektrotechnik (B.Eng.)",
    "27": "Wirtschaftsingenieurwesen (B.Eng.)",
    "31": "Bauingenieurwesen (B.Eng.)",
    "32": "Bauingenieurwesen (B.Eng.)",
    "34": "Versorgungstechnik (B.Eng.)",
    "41": "Chemie (B.Sc.)",
    "43": "Informatik (B.Sc.)",
    "51": "Logistik (B.A.)",
    "61": "Betriebswirtschaftslehre (B.A.)",
    "62": "Handelsmanagement (B.A.)",
    "71": "Betriebswirtschaftslehre (B.A.)",
    "72": "Steuern und Finanzen (B.A.)",
    "73": "Verwaltung (B.A.)",
    "81": "Pflege (B.Sc.)",
}

#: Words in a course's title or keywords that tie it to a Berufshauptgruppe (the course
#: search of the Bundesagentur für Arbeit classifies by its own systematics, not by KldB).
#: Matched as folded word prefixes, so "elektro" finds "Elektrofachkraft".
PROFESSION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "11": ("landwirt", "tierwirt", "forstwirt"),
    "12": ("gartner", "garten", "florist"),
    "22": ("tischler", "kunststoff", "holzbearbeitung"),
    "23": ("mediengestalt", "druck"),
    "24": ("schweiss", "metallbau", "zerspan", "cnc", "konstruktionsmechanik"),
    "25": ("industriemechanik", "kfz", "maschinenbau", "fahrzeugtechnik", "hydraulik"),
    "26": (
        "mechatronik",
        "elektro",
        "elektronik",
        "elektrofachkraft",
        "sps",
        "automatisierung",
        "photovoltaik",
        "energietechnik",
    ),
    "27": ("cad", "konstruktion", "produktdesign", "qualitatsmanagement"),
    "29": ("koch", "kuche", "backer", "lebensmittel", "hygiene"),
    "31": ("bauzeichn", "vermessung", "architektur"),
    "32": ("maurer", "hochbau", "tiefbau", "strassenbau"),
    "33": ("maler", "lackier", "fliesen", "trockenbau"),
    "34": ("shk", "sanitar", "heizung", "klimatechnik", "warmepumpe", "anlagenmechanik"),
    "41": ("chemie", "labor"),
    "42": ("umweltschutz", "abfall", "kreislaufwirtschaft"),
    "43": (
        "informatik",
        "programmier",
        "software",
        "netzwerk",
        "it-",
        "cyber",
        "datenbank",
        "linux",
        "cloud",
    ),
    "51": ("lager", "logistik", "stapler", "gabelstapler", "spedition"),
    "52": ("berufskraftfahrer", "fuhrerschein", "lkw", "busfahrer"),
    "53": ("sicherheit", "bewachung", "34a"),
    "54": ("reinigung", "gebaudereinig"),
    "61": ("einkauf", "vertrieb", "aussenhandel"),
    "62": ("einzelhandel", "verkauf", "kasse"),
    "63": ("hotel", "gastronomie", "tourismus"),
    "71": ("buromanagement", "projektmanagement", "personal", "fuhrung", "betriebswirt", "office"),
    "72": (
        "buchhaltung",
        "buchfuhrung",
        "lohnbuchhaltung",
        "steuerfach",
        "steuerrecht",
        "bilanz",
        "finanz",
        "datev",
    ),
    "73": ("verwaltung", "rechtsanwalt", "notar"),
    "81": ("pflege", "medizin", "arzthelfer"),
    "82": ("friseur", "kosmetik", "altenpflege", "wellness"),
    "83": ("erzieh", "kita", "sozial", "hauswirtschaft", "betreuungskraft"),
    "84": ("ausbildereignung", "aevo", "ada-schein", "dozent"),
    "92": ("marketing", "social media", "redaktion"),
}

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")


def professions_in_text(*texts: str) -> tuple[str, ...]:
    """The Berufshauptgruppen whose keywords start a word of ``texts`` (in code order)."""
    folded = " ".join(fold(t) for t in texts if t)
    tokens = _WORD.findall(folded)
    found = []
    for code, keywords in PROFESSION_KEYWORDS.items():
        for keyword in keywords:
            if " " in keyword:
                hit = keyword in folded
            else:
                hit = any(token.startswith(keyword) for token in tokens)
            if hit:
                found.append(code)
                break
    return tuple(sorted(found))


@functools.cache
def profession_choices() -> tuple[Choice, ...]:
    """Every KldB Berufshauptgruppe as a filter choice (grouped by Berufsbereich)."""
    return tuple(
        Choice(t.code, t.label_de, t.label_en, t.parent) for t in vocabulary("professions")
    )


@functools.cache
def apprenticeship_choices() -> tuple[Choice, ...]:
    """Berufshauptgruppen with typical apprenticeships in the label, ungrouped.

    The portal's filter picker searches the labels, so "Mechatroniker" finds group 26; the
    group codes are left out because the portal only knows how to name the groups of its own
    profession filter.
    """
    out = []
    for term in vocabulary("professions"):
        examples = APPRENTICESHIP_EXAMPLES.get(term.code, ())
        de, en = term.label_de, term.label_en
        if examples:
            shown = ", ".join(examples[:2])
            de, en = f"{de} (z. B. {shown})", f"{en} (e.g. {shown})"
        out.append(Choice(term.code, de, en))
    return tuple(out)
