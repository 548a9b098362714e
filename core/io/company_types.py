"""Plausible kinds of employer for the demo data: one row per company type.

Every demo company is drawn from exactly one row, so its name, its WZ 2008 section and
division, the KldB 2010 Berufshauptgruppen it employs, the Ausbildung occupations it trains
and its size all fit together (a bakery is food manufacturing with bakers and sales staff,
a Pflegedienst is social work with care professions). The table is declarative data, kept in
one place so that a reader can check it line by line against the classifications.
"""

from __future__ import annotations

from attrs import frozen

from core.model import Company

__all__ = ["COMPANY_TYPES", "CompanyType", "company_type_of"]

# Shares of micro (<10), small (<50), medium (<250) and large (>=250) firms, EU SME bands.
CRAFT = (0.8, 0.18, 0.02, 0.0)
SHOP = (0.85, 0.13, 0.02, 0.0)
OFFICE = (0.85, 0.14, 0.01, 0.0)
SERVICE = (0.6, 0.3, 0.08, 0.02)
INDUSTRY = (0.45, 0.35, 0.16, 0.04)
CARE = (0.3, 0.5, 0.18, 0.02)
LARGE = (0.05, 0.3, 0.45, 0.2)
# Legal forms of the liberal professions and of non-profit bodies.
PRACTICE = ("", "", "Partnerschaft")
CHAMBER = ("", "Partnerschaft", "PartG mbB", "GmbH")
NON_PROFIT = ("e.V.", "gGmbH")


@frozen
class CompanyType:
    """One kind of employer: what it is called, what it does, whom it employs and trains."""

    key: str
    #: words that name the trade in a company name ("Bäckerei Schulte e.K.")
    trades: tuple[str, ...]
    #: WZ 2008 section and two-digit division
    section: str
    division: str
    #: KldB 2010 Berufshauptgruppen; the first is the core profession every firm of the type has
    professions: tuple[str, ...]
    #: Ausbildung occupations the type trains, each with its Berufshauptgruppe
    apprenticeships: tuple[tuple[str, str], ...]
    #: relative frequency among the region's firms
    weight: float
    sizes: tuple[float, float, float, float]
    #: whether firms of the type are partners in dual study programmes
    dual_study: bool = False
    #: legal forms that fit the type (a medical practice is no GmbH); empty: the usual ones
    forms: tuple[str, ...] = ()


def _t(
    key: str,
    trades: tuple[str, ...],
    wz: str,
    professions: tuple[str, ...],
    apprenticeships: tuple[tuple[str, str], ...],
    weight: float,
    sizes: tuple[float, float, float, float],
    dual_study: bool = False,
    forms: tuple[str, ...] = (),
) -> CompanyType:
    section, division = wz.split(".")
    return CompanyType(
        key,
        trades,
        section,
        division,
        professions,
        apprenticeships,
        weight,
        sizes,
        dual_study,
        forms,
    )


COMPANY_TYPES: tuple[CompanyType, ...] = (
    _t("gaertnerei", ("Gärtnerei", "Baumschule"), "A.01", ("12", "11"),
       (("Gärtner/in", "12"),), 0.4, CRAFT),
    _t("landwirtschaft", ("Landwirtschaftsbetrieb",), "A.01", ("11",),
       (("Landwirt/in", "11"), ("Tierwirt/in", "11")), 0.2, CRAFT),
    _t("kieswerk", ("Kieswerk", "Sandgrube"), "B.08", ("21", "52"),
       (("Aufbereitungsmechaniker/in", "21"),), 0.2, SERVICE),
    _t("baeckerei", ("Bäckerei", "Backstube"), "C.10", ("29", "62"),
       (("Bäcker/in", "29"), ("Fachverkäufer/in im Lebensmittelhandwerk", "62")), 1.5, SERVICE),
    _t("fleischerei", ("Fleischerei", "Metzgerei"), "C.10", ("29", "62"),
       (("Fleischer/in", "29"), ("Fachverkäufer/in im Lebensmittelhandwerk", "62")), 0.7, CRAFT),
    _t("tischlerei", ("Tischlerei", "Schreinerei"), "C.16", ("22",),
       (("Tischler/in", "22"),), 1.0, CRAFT),
    _t("druckerei", ("Druckerei",), "C.18", ("23",),
       (("Medientechnolog/in Druck", "23"), ("Mediengestalter/in Digital und Print", "23")),
       0.4, SERVICE),
    _t("chemie", ("Chemiewerk", "Chemische Fabrik"), "C.20", ("41", "26", "25"),
       (("Chemikant/in", "41"), ("Chemielaborant/in", "41"),
        ("Elektroniker/in für Betriebstechnik", "26")), 0.5, LARGE, True),
    _t("kunststoff", ("Kunststofftechnik", "Kunststoffwerk"), "C.22", ("22", "26"),
       (("Verfahrensmechaniker/in Kunststoff- und Kautschuktechnik", "22"),), 0.8, INDUSTRY),
    _t("metallbau", ("Metallbau", "Schlosserei"), "C.25", ("24", "25"),
       (("Metallbauer/in", "24"), ("Konstruktionsmechaniker/in", "24")), 2.0, CRAFT),
    _t("maschinenbau", ("Maschinenbau", "Anlagenbau"), "C.28", ("25", "24", "27", "26"),
       (("Industriemechaniker/in", "25"), ("Zerspanungsmechaniker/in", "24"),
        ("Mechatroniker/in", "26"), ("Technische/r Produktdesigner/in", "27")),
       1.6, INDUSTRY, True),
    _t("energie", ("Energieversorgung", "Energiedienste"), "D.35", ("26", "34", "71"),
       (("Elektroniker/in für Betriebstechnik", "26"), ("Industriekaufmann/-frau", "71")),
       0.5, LARGE, True),
    _t("entsorgung", ("Recycling", "Entsorgung"), "E.38", ("34", "52", "21"),
       (("Fachkraft für Kreislauf- und Abfallwirtschaft", "34"), ("Berufskraftfahrer/in", "52")),
       1.0, SERVICE),
    _t("hochbau", ("Bauunternehmung", "Hochbau"), "F.41", ("32", "31"),
       (("Maurer/in", "32"), ("Beton- und Stahlbetonbauer/in", "32")), 3.0, CRAFT),
    _t("tiefbau", ("Tiefbau", "Straßenbau"), "F.42", ("32", "52"),
       (("Straßenbauer/in", "32"), ("Tiefbaufacharbeiter/in", "32")), 1.5, SERVICE),
    _t("dachdecker", ("Dachdeckerei",), "F.43", ("32",),
       (("Dachdecker/in", "32"),), 1.5, CRAFT),
    _t("maler", ("Malerbetrieb", "Malerwerkstatt"), "F.43", ("33",),
       (("Maler/in und Lackierer/in", "33"),), 2.0, CRAFT),
    _t("elektro", ("Elektrotechnik", "Elektroinstallation"), "F.43", ("26", "34"),
       (("Elektroniker/in Energie- und Gebäudetechnik", "26"),), 2.0, CRAFT),
    _t("shk", ("Sanitär- und Heizungstechnik", "Haustechnik"), "F.43", ("34",),
       (("Anlagenmechaniker/in SHK", "34"),), 2.0, CRAFT),
    _t("autohaus", ("Autohaus", "Kfz-Werkstatt"), "G.45", ("25", "62"),
       (("Kfz-Mechatroniker/in", "25"), ("Automobilkaufmann/-frau", "62")), 3.0, SERVICE),
    _t("grosshandel", ("Großhandel", "Handelskontor"), "G.46", ("61", "51"),
       (("Kaufmann/-frau im Groß- und Außenhandelsmanagement", "61"),
        ("Fachkraft für Lagerlogistik", "51")), 3.0, SERVICE, True),
    _t("einzelhandel", ("Fachhandel", "Bioladen", "Fahrradladen", "Modehaus"), "G.47", ("62",),
       (("Kaufmann/-frau im Einzelhandel", "62"), ("Verkäufer/in", "62")), 7.0, SHOP),
    _t("apotheke", ("Apotheke",), "G.47", ("81", "62"),
       (("Pharmazeutisch-kaufmännische/r Angestellte/r", "62"),), 1.5, SHOP),
    _t("spedition", ("Spedition", "Transporte"), "H.49", ("52", "51"),
       (("Berufskraftfahrer/in", "52"),
        ("Kaufmann/-frau für Spedition und Logistikdienstleistung", "51")), 2.5, SERVICE),
    _t("lagerlogistik", ("Logistikzentrum", "Lagerlogistik"), "H.52", ("51", "52"),
       (("Fachkraft für Lagerlogistik", "51"), ("Fachlagerist/in", "51")), 1.5, INDUSTRY),
    _t("kurier", ("Kurierdienst",), "H.53", ("51", "52"),
       (("Fachkraft für Lagerlogistik", "51"), ("Berufskraftfahrer/in", "52")), 0.7, SERVICE),
    _t("gastronomie", ("Gasthof", "Restaurant", "Café", "Catering"), "I.56", ("63", "29"),
       (("Koch/Köchin", "29"),
        ("Fachmann/-frau für Restaurants und Veranstaltungsgastronomie", "63")), 4.0, SHOP),
    _t("hotel", ("Hotel", "Pension"), "I.55", ("63", "54"),
       (("Hotelfachmann/-frau", "63"),), 2.0, SERVICE),
    _t("it", ("IT-Service", "Softwarehaus", "Systemhaus"), "J.62", ("43", "71"),
       (("Fachinformatiker/in", "43"), ("Kaufmann/-frau für IT-System-Management", "43")),
       2.2, SERVICE, True),
    _t("verlag", ("Verlag",), "J.58", ("92", "91"),
       (("Medienkaufmann/-frau Digital und Print", "92"),), 0.5, SERVICE),
    _t("versicherung", ("Versicherungsbüro", "Finanzberatung"), "K.66", ("72", "71"),
       (("Kaufmann/-frau für Versicherungen und Finanzanlagen", "72"),), 2.0, OFFICE),
    _t("immobilien", ("Hausverwaltung", "Immobilienbüro"), "L.68", ("61", "71"),
       (("Immobilienkaufmann/-frau", "61"),), 3.0, OFFICE),
    _t("steuerberatung", ("Steuerbüro", "Steuerberatung"), "M.69", ("72", "71"),
       (("Steuerfachangestellte/r", "72"),), 4.0, OFFICE, forms=CHAMBER),
    _t("kanzlei", ("Kanzlei",), "M.69", ("73", "71"),
       (("Rechtsanwaltsfachangestellte/r", "73"),), 2.0, OFFICE, forms=CHAMBER),
    _t("ingenieurbuero", ("Ingenieurbüro", "Architekturbüro", "Vermessungsbüro"), "M.71",
       ("31", "27"),
       (("Bauzeichner/in", "31"), ("Vermessungstechniker/in", "31"),
        ("Technische/r Systemplaner/in", "27")), 2.5, OFFICE, True),
    _t("prueflabor", ("Prüflabor",), "M.71", ("41", "27"),
       (("Chemielaborant/in", "41"),), 0.5, SERVICE),
    _t("werbeagentur", ("Werbeagentur", "Medienagentur"), "M.73", ("92", "23"),
       (("Kaufmann/-frau für Marketingkommunikation", "92"),
        ("Mediengestalter/in Digital und Print", "23")), 1.5, OFFICE),
    _t("reinigung", ("Gebäudereinigung",), "N.81", ("54",),
       (("Gebäudereiniger/in", "54"),), 3.0, SERVICE),
    _t("galabau", ("Garten- und Landschaftsbau",), "N.81", ("12", "32"),
       (("Gärtner/in Garten- und Landschaftsbau", "12"),), 1.5, CRAFT),
    _t("sicherheit", ("Sicherheitsdienst",), "N.80", ("53",),
       (("Fachkraft für Schutz und Sicherheit", "53"),), 1.0, SERVICE),
    _t("personal", ("Personalservice", "Zeitarbeit"), "N.78", ("71", "51", "25"),
       (("Personaldienstleistungskaufmann/-frau", "71"),), 1.5, INDUSTRY),
    _t("reisebuero", ("Reisebüro",), "N.79", ("63",),
       (("Tourismuskaufmann/-frau", "63"),), 0.5, OFFICE),
    _t("zweckverband", ("Zweckverband",), "O.84", ("73", "71"),
       (("Verwaltungsfachangestellte/r", "73"),), 0.4, LARGE, True, ("",)),
    _t("fahrschule", ("Fahrschule",), "P.85", ("84",), (), 0.6, OFFICE),
    _t("bildung", ("Sprachschule", "Bildungswerk", "Nachhilfeschule"), "P.85",
       ("84", "91", "71"), (("Kaufmann/-frau für Büromanagement", "71"),), 1.4, SERVICE),
    _t("pflegedienst", ("Pflegedienst", "Ambulante Pflege"), "Q.88", ("82", "81"),
       (("Pflegefachmann/-frau", "81"), ("Altenpflegehelfer/in", "82")), 3.0, CARE),
    _t("seniorenheim", ("Seniorenheim", "Tagespflege"), "Q.87", ("82", "81", "83"),
       (("Pflegefachmann/-frau", "81"), ("Hauswirtschafter/in", "83")), 1.5, CARE),
    _t("hausarzt", ("Hausarztpraxis", "Praxis für Allgemeinmedizin"), "Q.86", ("81",),
       (("Medizinische/r Fachangestellte/r", "81"),), 1.5, OFFICE, forms=PRACTICE),
    _t("zahnarzt", ("Zahnarztpraxis",), "Q.86", ("81",),
       (("Zahnmedizinische/r Fachangestellte/r", "81"),), 1.2, OFFICE, forms=PRACTICE),
    _t("physiotherapie", ("Physiotherapie",), "Q.86", ("81",), (), 1.0, OFFICE, forms=PRACTICE),
    _t("jugendhilfe", ("Jugendhilfe", "Sozialwerk"), "Q.88", ("83", "84"),
       (("Erzieher/in", "83"),), 1.5, CARE, forms=NON_PROFIT),
    _t("fitness", ("Fitnessstudio",), "R.93", ("84", "62"),
       (("Sport- und Fitnesskaufmann/-frau", "62"),), 1.0, SERVICE),
    _t("veranstaltungstechnik", ("Veranstaltungstechnik", "Eventagentur"), "R.90", ("94",),
       (("Fachkraft für Veranstaltungstechnik", "94"),), 0.5, SERVICE),
    _t("friseur", ("Friseursalon", "Kosmetikstudio"), "S.96", ("82",),
       (("Friseur/in", "82"), ("Kosmetiker/in", "82")), 3.0, SHOP),
    _t("reparatur", ("Reparaturservice", "Handyreparatur"), "S.95", ("26", "62"),
       (("Elektroniker/in für Geräte und Systeme", "26"),), 1.0, SHOP),
    _t("schneiderei", ("Änderungsschneiderei",), "S.95", ("28",),
       (("Maßschneider/in", "28"),), 0.4, SHOP),
    _t("textilreinigung", ("Textilreinigung",), "S.96", ("28", "54"),
       (("Textilreiniger/in", "28"),), 0.4, SHOP),
)  # fmt: skip


def company_type_of(company: Company) -> CompanyType | None:
    """The type a demo company was drawn from, found by the trade named in its name."""
    words = f" {company.name} "
    found = [t for t in COMPANY_TYPES for trade in t.trades if f" {trade} " in words]
    return found[0] if len(found) == 1 else None
