"""Reading offer files: CSV, JSON and an OpenImmo subset, into records of canonical fields.

Readers do no checking of values (``model.offer_from_fields`` does); they find the records,
give each a position a person can look up (CSV and JSON: line or index; XML: element path and
line), and fail with ``ImportError_`` when the file itself cannot be read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from attrs import define
from attrs import field
from core import ImportError_
from core import check_json
from core import parse_json
from core import parse_yes_no
from core import read_csv_table
from lxml import etree

from plugins.housing.model import FIELDS

__all__ = ["FORMATS", "Group", "ParsedFile", "Record", "detect_format", "read_file"]

FORMATS = ("csv", "json", "openimmo")

#: Column names accepted besides the canonical ones (folded: lower case, '_' for blanks).
ALIASES = {
    "id": "external_id",
    "objektnr": "external_id",
    "objektnummer": "external_id",
    "titel": "title",
    "ueberschrift": "title",
    "überschrift": "title",
    "art": "kind",
    "wohnform": "kind",
    "vermarktungsart": "offer_type",
    "angebotsart": "offer_type",
    "zimmer": "rooms",
    "anzahl_zimmer": "rooms",
    "wohnflaeche": "area_m2",
    "wohnfläche": "area_m2",
    "flaeche": "area_m2",
    "fläche": "area_m2",
    "area": "area_m2",
    "kaltmiete": "cold_rent_eur",
    "cold_rent": "cold_rent_eur",
    "warmmiete": "warm_rent_eur",
    "warm_rent": "warm_rent_eur",
    "nebenkosten": "additional_costs_eur",
    "kaufpreis": "price_eur",
    "price": "price_eur",
    "verfuegbar_ab": "available_from",
    "verfügbar_ab": "available_from",
    "frei_ab": "available_from",
    "strasse": "street",
    "straße": "street",
    "plz": "postcode",
    "ort": "town",
    "adresse_oeffentlich": "address_public",
    "adresse_öffentlich": "address_public",
    "breitengrad": "lat",
    "laengengrad": "lon",
    "längengrad": "lon",
    "anbietertyp": "provider_type",
    "anbieter": "provider_name",
    "vermieter": "provider_name",
    "ansprechpartner": "contact_name",
    "kontakt": "contact_name",
    "email": "contact_email",
    "e_mail": "contact_email",
    "telefon": "contact_phone",
    "url": "link",
    "beschreibung": "description",
    "ablaufdatum": "expires_on",
    "gueltig_bis": "expires_on",
    "gültig_bis": "expires_on",
    "unternehmen_id": "company_id",
}


@define
class Record:
    """One offer as read: canonical fields, its position, and where each field came from."""

    position: str
    fields: dict[str, Any]
    action: str = "change"
    field_positions: dict[str, str] = field(factory=dict)

    def where(self, name: str) -> str:
        return self.field_positions.get(name, self.position)


@define
class Group:
    """The records of one source (an OpenImmo file holds one group per anbieter)."""

    source: str
    records: list[Record] = field(factory=list)
    replace: bool = False


@define
class ParsedFile:
    format: str
    groups: list[Group]
    warnings: list[str] = field(factory=list)
    #: problems of the file's structure by position (values are checked later, together)
    problems: dict[str, list[str]] = field(factory=dict)


def detect_format(file_name: str, data: bytes) -> str:
    """The format from the file name's suffix, else from the first characters."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix == "json":
        return "json"
    if suffix == "xml":
        return "openimmo"
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "openimmo"
    if head[:1] in (b"{", b"["):
        return "json"
    return "csv"


def read_file(data: bytes, fmt: str, source: str, *, replace: bool = False) -> ParsedFile:
    if fmt == "csv":
        return _read_csv(data, source, replace)
    if fmt == "json":
        return _read_json(data, source, replace)
    if fmt == "openimmo":
        return _read_openimmo(data, source, replace)
    raise ImportError_(
        f"{fmt!r} is not an import format; use one of {', '.join(FORMATS)}.",
        {"format": [f"one of {', '.join(FORMATS)}"]},
    )


def _column(name: str) -> str:
    folded = re.sub(r"[\s\-/]+", "_", name.strip().casefold())
    return folded if folded in FIELDS else ALIASES.get(folded, folded)


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warnings.append(
            f"line {line}: the file is not UTF-8; it was read as Windows-1252 (Excel's default)."
        )
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, source: str, replace: bool) -> ParsedFile:
    warnings: list[str] = []
    text = _decode(data, warnings)
    if not text.strip():
        raise ImportError_(
            "The CSV file is empty or has no header line; nothing was imported.",
            {"line 1": ["header line expected"]},
        )
    table = read_csv_table(text, name="The CSV file", delimiters=(";", ",", "\t"))
    columns = [_column(h) for h in table.header]
    problems: dict[str, list[str]] = {}
    for number, name in enumerate(columns, start=1):
        if name not in FIELDS:
            problems.setdefault("line 1", []).append(
                f"column {number} {table.header[number - 1]!r} is not a known column; known "
                f"columns are: {', '.join(FIELDS)}"
            )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    for name in duplicated:
        problems.setdefault("line 1", []).append(f"the column {name!r} appears twice")
    if "title" not in columns or "postcode" not in columns:
        problems.setdefault("line 1", []).append("the columns title and postcode are required")
    group = Group(source, replace=replace)
    for row in table.rows:
        if row.problem:
            separator = f" (separator {table.delimiter!r})"
            problems.setdefault(row.where, []).append(row.problem + separator)
            continue
        values = {
            name: cell.strip()
            for name, cell in zip(columns, row.values.values(), strict=True)
            if name in FIELDS and cell.strip() != ""
        }
        group.records.append(Record(row.where, values))
    return ParsedFile("csv", [group], warnings, problems)


# --- JSON ------------------------------------------------------------------------------------


def _read_json(data: bytes, source: str, replace: bool) -> ParsedFile:
    warnings: list[str] = []
    text = _decode(data, warnings)
    try:
        document = json.loads(text)
        check_json(document, source="The JSON file")
    except RecursionError:
        document = parse_json(text, source="The JSON file")  # raises: nested too deeply
    except json.JSONDecodeError as exc:
        position = f"line {exc.lineno}, column {exc.colno}"
        raise ImportError_(
            f"The JSON file is not valid JSON at {position}: {exc.msg}; nothing was imported.",
            {position: [exc.msg]},
        ) from None
    prefix = "offers"
    if isinstance(document, dict):
        source = str(document.get("source") or source)
        if "replace" in document:
            try:
                replace = parse_yes_no(document["replace"]) is True
            except ValueError as exc:
                raise ImportError_(f"replace: {exc}", {"replace": [str(exc)]}) from None
        items = document.get("offers")
        if not isinstance(items, list):
            raise ImportError_(
                'The JSON file needs a list of offers: [...] or {"offers": [...]}.',
                {"offers": ["a list of objects expected"]},
            )
    elif isinstance(document, list):
        items, prefix = document, ""
    else:
        raise ImportError_(
            'The JSON file needs a list of offers: [...] or {"offers": [...]}.',
            {"$": ["a list of objects expected"]},
        )
    group = Group(source, replace=replace)
    problems: dict[str, list[str]] = {}
    for number, item in enumerate(items):
        position = f"{prefix}[{number}]"
        if not isinstance(item, dict):
            problems.setdefault(position, []).append("an object {...} expected")
            continue
        values: dict[str, Any] = {}
        action = "change"
        for key, value in item.items():
            if key == "action":
                action = str(value).lower()
                if action not in ("change", "delete"):
                    problems.setdefault(f"{position}.action", []).append("change or delete")
                continue
            name = _column(str(key))
            if isinstance(value, dict | list):
                problems.setdefault(f"{position}.{key}", []).append("a single value expected")
                continue
            if value is not None and value != "":
                values[name] = value
        positions = {name: f"{position}.{name}" for name in values}
        group.records.append(Record(position, values, action, positions))
    return ParsedFile("json", [group], warnings, problems)


# --- OpenImmo --------------------------------------------------------------------------------

#: objektart child -> kind
OBJEKTART = {"wohnung": "flat", "haus": "house", "zimmer": "room"}
#: user_defined_simplefield names read (regiokarte's additions to OpenImmo)
KIND_FIELDS = ("regiokarte_art", "wohnform")
PROVIDER_FIELDS = ("regiokarte_anbietertyp", "anbietertyp")


def _parser() -> etree.XMLParser:
    # no DTDs, no entity expansion, no network: a feed from outside cannot read local files
    # (XXE) or blow up memory (entity expansion); huge_tree=False keeps libxml2's size limits
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class _Element:
    """Helpers over an lxml element whose namespaces were stripped."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree

    def path(self, el: Any) -> str:
        return f"{self.tree.getpath(el)} (line {el.sourceline})"


def _child(el: Any, *names: str) -> Any:
    for name in names:
        found = el.find(name)
        if found is not None:
            return found
    return None


def _text(el: Any, *names: str) -> str:
    node = _child(el, *names) if names else el
    if node is None or node.text is None:
        return ""
    return " ".join(node.text.split())


def _yes(text: str) -> bool:
    try:
        return parse_yes_no(text) is True
    except ValueError:
        return False


def _flag(el: Any, attribute: str) -> bool:
    return el is not None and _yes(str(el.get(attribute, "")))


def _user_fields(el: Any) -> dict[str, Any]:
    out = {}
    for node in el.findall("user_defined_simplefield"):
        name = (node.get("feldname") or "").strip().lower()
        if name:
            out[name] = node
    return out


def _read_openimmo(data: bytes, source: str, replace: bool) -> ParsedFile:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        position = f"line {line}, column {column}"
        raise ImportError_(
            f"The XML file is not well-formed at {position}: {exc.msg}; nothing was imported.",
            {position: [str(exc.msg)]},
        ) from None
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = etree.QName(el).localname
    tree = root.getroottree()
    paths = _Element(tree)
    if root.tag != "openimmo":
        raise ImportError_(
            f"The root element is <{root.tag}>; an OpenImmo file starts with <openimmo>.",
            {paths.path(root): ["<openimmo> expected"]},
        )
    transfer = root.find("uebertragung")
    full = transfer is not None and (transfer.get("umfang") or "").upper() == "VOLL"
    warnings: list[str] = []
    groups = []
    providers = root.findall("anbieter")
    if not providers:
        raise ImportError_(
            "The OpenImmo file has no <anbieter> element; nothing was imported.",
            {paths.path(root): ["<anbieter> expected"]},
        )
    for anbieter in providers:
        anid = _text(anbieter, "openimmo_anid") or _text(anbieter, "anbieternr") or source
        group = Group(anid[:100], replace=replace or full)
        provider_fields = _user_fields(anbieter)
        provider_type = next(
            (_text(provider_fields[n]) for n in PROVIDER_FIELDS if n in provider_fields), ""
        )
        firma = _text(anbieter, "firma")
        for immobilie in anbieter.findall("immobilie"):
            record = _immobilie(immobilie, paths, warnings, provider_type, firma)
            if record is not None:
                group.records.append(record)
        groups.append(group)
    return ParsedFile("openimmo", groups, warnings)


class _Values:
    """The canonical values read from one <immobilie>, with the path each came from."""

    def __init__(self, paths: _Element) -> None:
        self.paths = paths
        self.values: dict[str, Any] = {}
        self.where: dict[str, str] = {}

    def put(self, name: str, node: Any, value: Any = None) -> None:
        if node is None:
            return
        value = _text(node) if value is None else value
        if value not in ("", None):
            self.values[name] = value
            self.where[name] = self.paths.path(node)


def _action(el: Any, out: _Values, warnings: list[str], position: str) -> str | None:
    """ "change" or "delete" (verwaltung_techn/aktion); None for a reference object."""
    techn = el.find("verwaltung_techn")
    if techn is None:
        return "change"
    out.put("external_id", _child(techn, "objektnr_extern", "openimmo_obid"))
    out.put("expires_on", techn.find("aktiv_bis"))
    aktion = techn.find("aktion")
    kind_of_action = (aktion.get("aktionart") or "").upper() if aktion is not None else ""
    if kind_of_action == "REFERENZ":
        warnings.append(f"{position}: a reference object (REFERENZ), not imported.")
        return None
    return "delete" if kind_of_action == "DELETE" else "change"


def _category(el: Any, out: _Values, warnings: list[str], position: str, action: str) -> bool:
    """Offer type and kind (objektkategorie); False for an object that is not housing."""
    category = el.find("objektkategorie")
    if category is None:
        return True
    usage = category.find("nutzungsart")
    if usage is not None and not _flag(usage, "WOHNEN") and action != "delete":
        warnings.append(f"{position}: not residential (nutzungsart), not imported.")
        return False
    marketing = category.find("vermarktungsart")
    if marketing is not None:
        if _flag(marketing, "KAUF"):
            out.put("offer_type", marketing, "buy")
        elif _flag(marketing, "MIETE_PACHT"):
            out.put("offer_type", marketing, "rent")
    art = category.find("objektart")
    if art is not None and len(art):
        first = art[0]
        kind = OBJEKTART.get(str(first.tag))
        if kind is None and action != "delete":
            warnings.append(f"{position}: objektart <{first.tag}> is not housing, not imported.")
            return False
        out.put("kind", first, kind)
    return True


def _place_and_size(el: Any, out: _Values) -> None:
    geo = el.find("geo")
    if geo is not None:
        out.put("postcode", geo.find("plz"))
        out.put("town", geo.find("ort"))
        street = _text(geo, "strasse")
        number = _text(geo, "hausnummer")
        if street:
            out.put("street", geo.find("strasse"), f"{street} {number}".strip())
        point = geo.find("geokoordinaten")
        if point is not None and point.get("breitengrad") and point.get("laengengrad"):
            out.put("lat", point, point.get("breitengrad"))
            out.put("lon", point, point.get("laengengrad"))
    areas = el.find("flaechen")
    if areas is not None:
        out.put("area_m2", areas.find("wohnflaeche"))
        out.put("rooms", areas.find("anzahl_zimmer"))


def _prices(el: Any, out: _Values) -> None:
    prices = el.find("preise")
    if prices is None:
        return
    out.put("cold_rent_eur", _child(prices, "kaltmiete", "nettokaltmiete"))
    out.put("warm_rent_eur", prices.find("warmmiete"))
    out.put("price_eur", prices.find("kaufpreis"))
    costs = prices.find("nebenkosten")
    heating = prices.find("heizkosten")
    if (
        costs is not None
        and heating is not None
        and not _yes(_text(prices, "heizkosten_enthalten"))
    ):
        # heating listed apart from the running costs belongs to them
        try:
            total = float(_text(costs).replace(",", ".")) + float(_text(heating).replace(",", "."))
            out.put("additional_costs_eur", costs, f"{total:.2f}")
            return
        except ValueError:
            pass
    out.put("additional_costs_eur", costs)


def _availability(el: Any, out: _Values, warnings: list[str]) -> None:
    admin = el.find("verwaltung_objekt")
    if admin is None:
        return
    out.put("address_public", admin.find("objektadresse_freigeben"))
    start = _child(admin, "abdatum", "verfuegbar_ab")
    if start is not None:
        text = _text(start)
        found = re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}", text)
        if found:
            out.put("available_from", start, found.group(0))
        elif text and text.lower() not in ("sofort", "ab sofort"):
            path = out.paths.path(start)
            warnings.append(f"{path}: {text!r} is no date; read as available now.")


def _contact(el: Any, out: _Values) -> None:
    contact = el.find("kontaktperson")
    if contact is not None:
        name = " ".join(p for p in (_text(contact, "vorname"), _text(contact, "name")) if p)
        if name:
            out.put("contact_name", contact.find("name"), name)
        out.put("contact_email", _child(contact, "email_direkt", "email_zentrale"))
        out.put("contact_phone", _child(contact, "tel_durchw", "tel_zentrale", "tel_handy"))
        out.put("provider_name", contact.find("firma"))
        out.put("link", contact.find("url"))
    texts = el.find("freitexte")
    if texts is not None:
        out.put("title", texts.find("objekttitel"))
        out.put("description", texts.find("objektbeschreibung"))
    for attachment in el.iterfind("anhaenge/anhang"):
        if (attachment.get("gruppe") or "").upper() == "LINKS":
            out.put("link", attachment.find("daten/pfad"))
            break


def _immobilie(
    el: Any, paths: _Element, warnings: list[str], provider_type: str, firma: str
) -> Record | None:
    position = paths.path(el)
    out = _Values(paths)
    action = _action(el, out, warnings, position)
    if action is None or not _category(el, out, warnings, position, action):
        return None
    user = _user_fields(el)
    for name in KIND_FIELDS:
        if name in user:
            out.put("kind", user[name])
    for name in PROVIDER_FIELDS:
        if name in user:
            out.put("provider_type", user[name])
    _place_and_size(el, out)
    _prices(el, out)
    _availability(el, out, warnings)
    _contact(el, out)
    values = out.values
    if "provider_type" not in values and provider_type:
        values["provider_type"] = provider_type
    if "provider_name" not in values and firma:
        values["provider_name"] = firma
    if "link" in values and not str(values["link"]).startswith(("http://", "https://")):
        values["link"] = "https://" + str(values["link"])
    if "address_public" in values:
        values["address_public"] = _yes(str(values["address_public"]))
    return Record(position, values, action, out.where)
