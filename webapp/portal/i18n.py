"""The portal's user interface texts, German first, English second.

One dict per language, same keys; a test checks that both have the same keys. Templates call
``t("key")``, the browser scripts get the dict of the page's language in the page config.
Texts with ``{name}`` placeholders are filled with ``str.format`` (server) or ``fmt`` (browser).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LANGUAGES", "STRINGS", "translate"]

LANGUAGES = ("de", "en")

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "skip_to_main": "Zum Inhalt springen",
        "skip_to_results": "Zur Ergebnisliste springen",
        "skip_to_filters": "Zu den Filtern springen",
        "tagline": "Arbeitgeber in {region} finden",
        "nav_main": "Hauptnavigation",
        "nav_search": "Suche",
        "nav_watchlist": "Merkliste",
        "language": "Sprache",
        "switch_to": "English",
        "switch_to_lang": "en",
        "switch_hint": "Switch to English",
        "footer_nav": "Rechtliches und Hilfe",
        "accessibility": "Barrierefreiheit",
        "imprint": "Impressum",
        "privacy": "Datenschutz",
        "demo_notice": (
            "Alle hier gezeigten Unternehmen sind fiktive Demo-Daten: Namen, Angaben und Kontakte"
            " sind frei erfunden."
        ),
        "demo_badge": "Demo (fiktiv)",
        "demo_profile": (
            "Fiktives Demo-Unternehmen: Name, Angaben und Kontakt sind frei erfunden. Bitte nicht"
            " kontaktieren."
        ),
        "search_heading": "Arbeitgeber suchen",
        "search_label": "Suchbegriff",
        "search_placeholder": "Name, Branche, Beruf …",
        "search_button": "Suchen",
        "filters": "Filter",
        "show_filters": "Filter anzeigen",
        "hide_filters": "Filter ausblenden",
        "reset_all": "Alle Filter zurücksetzen",
        "active_filters": "Aktive Filter",
        "remove_filter": "Filter entfernen: {label}",
        "no_active_filters": "Keine Filter aktiv.",
        "filter_search": "{label} durchsuchen",
        "filter_search_placeholder": "Suchen …",
        "no_options_match": "Keine passende Auswahl.",
        "selected_count": "{n} gewählt",
        "range_from": "von",
        "range_to": "bis",
        "apply": "Anwenden",
        "near_heading": "Umkreis",
        "near_place": "Postleitzahl oder Ort",
        "near_place_hint": "z. B. 45657 oder Marl",
        "near_radius": "Umkreis",
        "near_me": "Meinen Standort verwenden",
        "near_me_busy": "Standort wird ermittelt …",
        "near_me_failed": "Der Standort konnte nicht ermittelt werden.",
        "near_clear": "Ort entfernen",
        "near_unknown": (
            "Dieser Ort wurde nicht gefunden. Bitte eine fünfstellige Postleitzahl oder einen Ort"
            " der Region eingeben."
        ),
        "near_my_location": "Mein Standort",
        "near_chip": "{radius} um {place}",
        "range_between": "{low} bis {high}",
        "range_at_least": "ab {value}",
        "range_at_most": "bis {value}",
        "in_view": "Nur im Kartenausschnitt suchen",
        "in_view_chip": "Kartenausschnitt",
        "results": "Ergebnisse",
        "results_count": "{n} Unternehmen",
        "results_count_one": "1 Unternehmen",
        "results_count_none": "Keine Unternehmen",
        "results_announce": "{n} Unternehmen gefunden.",
        "results_loading": "Suche läuft …",
        "results_error": "Die Suche ist gerade nicht möglich. Bitte später erneut versuchen.",
        "no_results": (
            "Keine Unternehmen passen zu dieser Suche. Entfernen Sie einen Filter oder vergrößern"
            " Sie den Kartenausschnitt."
        ),
        "sort": "Sortierung",
        "sort_name": "Name",
        "sort_distance": "Entfernung",
        "distance": "{km} entfernt",
        "page_of": "Seite {page} von {pages}",
        "prev_page": "Vorherige Seite",
        "next_page": "Nächste Seite",
        "pagination": "Seiten",
        "show_on_map": "Auf der Karte zeigen",
        "show_on_map_label": "{name} auf der Karte zeigen",
        "watch": "Merken",
        "watch_label": "{name} merken",
        "watched": "Gemerkt",
        "watch_added": "{name} wurde zur Merkliste hinzugefügt.",
        "watch_removed": "{name} wurde von der Merkliste entfernt.",
        "map": "Karte",
        "skip_map": "Karte überspringen, weiter zur Ergebnisliste",
        "map_label": "Karte der Unternehmen. Die Ergebnisliste enthält dieselben Unternehmen.",
        "map_hint": (
            "Pfeiltasten verschieben die Karte, Plus und Minus zoomen. Gruppen und Unternehmen"
            " sind mit der Tabulatortaste erreichbar."
        ),
        "cluster_label": "{n} Unternehmen, vergrößern",
        "marker_label": "{name}, {town}",
        "zoomed_in": "Karte vergrößert: {n} Unternehmen im Ausschnitt.",
        "zoom_in": "Vergrößern",
        "zoom_out": "Verkleinern",
        "region_outline": "Gebiet {region} (vereinfacht)",
        "selected": "Ausgewähltes Unternehmen",
        "close": "Schließen",
        "close_selection": "Auswahl schließen",
        "profile_link": "Zum Profil",
        "profile_of": "von {name}",
        "back_to_search": "Zurück zur Suche",
        "about": "Über uns",
        "what_we_offer": "Was wir bieten",
        "offers": "Angebote für Einsteiger",
        "benefits": "Zusatzleistungen",
        "family": "Vereinbarkeit von Beruf und Familie",
        "certificates": "Zertifikate",
        "professions": "Berufe",
        "industry": "Branche",
        "size": "Unternehmensgröße",
        "employees": "{n} Beschäftigte",
        "address": "Adresse",
        "location_map": "Lage auf der Karte",
        "show_on_big_map": "Auf der großen Karte zeigen",
        "contact": "Kontakt",
        "contact_person": "Ansprechperson",
        "email": "E-Mail",
        "phone": "Telefon",
        "website": "Website",
        "none_given": "Keine Angaben.",
        "not_found_title": "Seite nicht gefunden",
        "not_found_text": "Dieses Unternehmen oder diese Seite gibt es nicht (mehr).",
        "watchlist_title": "Merkliste",
        "watchlist_intro": (
            "Ihre Merkliste wird nur in diesem Browser gespeichert; es ist kein Konto nötig."
        ),
        "watchlist_empty": (
            "Ihre Merkliste ist leer. Mit „Merken“ in der Ergebnisliste oder im Profil fügen Sie"
            " Unternehmen hinzu."
        ),
        "watchlist_shared": "Geteilte Merkliste mit {n} Unternehmen.",
        "watchlist_take_over": "In meine Merkliste übernehmen",
        "watchlist_taken_over": "Die Unternehmen wurden in Ihre Merkliste übernommen.",
        "watchlist_share": "Merkliste teilen",
        "watchlist_share_link": "Link zu dieser Merkliste",
        "watchlist_copy": "Link kopieren",
        "watchlist_copied": "Der Link wurde kopiert.",
        "watchlist_remove": "Entfernen",
        "watchlist_remove_label": "{name} von der Merkliste entfernen",
        "watchlist_clear": "Merkliste leeren",
        "watchlist_missing": "{n} Unternehmen der Liste sind nicht mehr veröffentlicht.",
        "offline_title": "Keine Verbindung",
        "offline_text": (
            "Sie sind offline. Die Suche braucht eine Verbindung; Ihre Merkliste bleibt erhalten."
        ),
        "page_title_home": "{title}: Arbeitgeber in {region} finden",
        "meta_description": (
            "Arbeitgeber in {region} auf einer Karte finden: Branche, Beruf, Ort,"
            " Unternehmensgröße, Vereinbarkeit von Beruf und Familie."
        ),
        "operated_by": "Ein Angebot von {operator}.",
        "embed_open_full": "Vollständige Karte öffnen",
        "embed_snippet_title": "Karte einbinden",
        "embed_snippet_intro": (
            "Binden Sie die Karte in Ihre Website ein: Ort und Branche wählen, Code kopieren und"
            " in Ihre Seite einfügen."
        ),
        "embed_town": "Ort",
        "embed_industry": "Branche",
        "embed_all": "alle",
        "embed_width": "Breite (Pixel)",
        "embed_height": "Höhe (Pixel)",
        "embed_make": "Code erzeugen",
        "embed_code": "Code zum Einfügen",
        "embed_origins": "Freigegebene Websites",
        "embed_no_origins": "Noch keine Website ist freigegeben.",
        "embed_origins_hint": (
            "Die Karte erscheint nur auf Websites, die der Betreiber in der Einstellung"
            " embed.allowed_origins freigegeben hat."
        ),
        "data_sources": "Daten",
        "loading": "Wird geladen …",
        "group_other": "Weitere",
        "logo_of": "Logo von {name}",
        "nav_companies": "Für Unternehmen",
        "layers_heading": "Karteninhalte",
        "layers_legend": "Weitere Inhalte auf der Karte zeigen",
        "layer_count": "{n} im Ausschnitt",
        "layer_truncated": "Nur {shown} von {total} gezeigt: bitte hineinzoomen.",
        "layer_error": "Konnte nicht geladen werden.",
        "layer_marker_label": "{name} ({layer})",
        "layer_open": "Mehr erfahren",
        "dynamic_needs_argument": "Bitte „{argument}“ angeben, damit dieser Filter wirkt.",
        "dynamic_bad_argument": (
            "„{value}“ wurde nicht erkannt. Bitte eine andere Angabe versuchen."
        ),
        "dynamic_unknown": "keine Angabe",
    },
    "en": {
        "skip_to_main": "Skip to content",
        "skip_to_results": "Skip to the result list",
        "skip_to_filters": "Skip to the filters",
        "tagline": "Find employers in {region}",
        "nav_main": "Main navigation",
        "nav_search": "Search",
        "nav_watchlist": "Watch list",
        "language": "Language",
        "switch_to": "Deutsch",
        "switch_to_lang": "de",
        "switch_hint": "Auf Deutsch anzeigen",
        "footer_nav": "Legal and help",
        "accessibility": "Accessibility",
        "imprint": "Legal notice",
        "privacy": "Privacy",
        "demo_notice": (
            "Every company shown here is fictitious demo data: names, details and contacts are"
            " made up."
        ),
        "demo_badge": "Demo (fictitious)",
        "demo_profile": (
            "Fictitious demo company: name, details and contact are made up. Please do not contact."
        ),
        "search_heading": "Search employers",
        "search_label": "Search term",
        "search_placeholder": "Name, industry, profession …",
        "search_button": "Search",
        "filters": "Filters",
        "show_filters": "Show filters",
        "hide_filters": "Hide filters",
        "reset_all": "Reset all filters",
        "active_filters": "Active filters",
        "remove_filter": "Remove filter: {label}",
        "no_active_filters": "No filters active.",
        "filter_search": "Search {label}",
        "filter_search_placeholder": "Search …",
        "no_options_match": "Nothing matches.",
        "selected_count": "{n} chosen",
        "range_from": "from",
        "range_to": "to",
        "apply": "Apply",
        "near_heading": "Distance",
        "near_place": "Postcode or town",
        "near_place_hint": "e.g. 45657 or Marl",
        "near_radius": "Radius",
        "near_me": "Use my location",
        "near_me_busy": "Finding your location …",
        "near_me_failed": "Your location could not be found.",
        "near_clear": "Remove place",
        "near_unknown": (
            "This place was not found. Please enter a five-digit postcode or a town of the region."
        ),
        "near_my_location": "My location",
        "near_chip": "{radius} around {place}",
        "range_between": "{low} to {high}",
        "range_at_least": "from {value}",
        "range_at_most": "up to {value}",
        "in_view": "Search the map area only",
        "in_view_chip": "Map area",
        "results": "Results",
        "results_count": "{n} companies",
        "results_count_one": "1 company",
        "results_count_none": "No companies",
        "results_announce": "{n} companies found.",
        "results_loading": "Searching …",
        "results_error": "Search is not available right now. Please try again later.",
        "no_results": ("No company matches this search. Remove a filter or zoom out of the map."),
        "sort": "Order",
        "sort_name": "Name",
        "sort_distance": "Distance",
        "distance": "{km} away",
        "page_of": "Page {page} of {pages}",
        "prev_page": "Previous page",
        "next_page": "Next page",
        "pagination": "Pages",
        "show_on_map": "Show on map",
        "show_on_map_label": "Show {name} on the map",
        "watch": "Watch",
        "watch_label": "Add {name} to the watch list",
        "watched": "Watched",
        "watch_added": "{name} was added to the watch list.",
        "watch_removed": "{name} was removed from the watch list.",
        "map": "Map",
        "skip_map": "Skip the map, go to the result list",
        "map_label": "Map of the companies. The result list holds the same companies.",
        "map_hint": (
            "Arrow keys move the map, plus and minus zoom. Groups and companies can be reached"
            " with the Tab key."
        ),
        "cluster_label": "{n} companies, zoom in",
        "marker_label": "{name}, {town}",
        "zoomed_in": "Map zoomed in: {n} companies in view.",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "region_outline": "Area of {region} (simplified)",
        "selected": "Selected company",
        "close": "Close",
        "close_selection": "Close the selection",
        "profile_link": "View profile",
        "profile_of": "of {name}",
        "back_to_search": "Back to the search",
        "about": "About us",
        "what_we_offer": "What we offer",
        "offers": "Offers for starters",
        "benefits": "Benefits",
        "family": "Work-family compatibility",
        "certificates": "Certificates",
        "professions": "Professions",
        "industry": "Industry",
        "size": "Company size",
        "employees": "{n} employees",
        "address": "Address",
        "location_map": "Location on the map",
        "show_on_big_map": "Show on the big map",
        "contact": "Contact",
        "contact_person": "Contact person",
        "email": "E-mail",
        "phone": "Phone",
        "website": "Website",
        "none_given": "Not stated.",
        "not_found_title": "Page not found",
        "not_found_text": "This company or page does not exist (any more).",
        "watchlist_title": "Watch list",
        "watchlist_intro": "Your watch list is kept in this browser only; no account is needed.",
        "watchlist_empty": (
            "Your watch list is empty. Use “Watch” in the result list or on a profile to add"
            " companies."
        ),
        "watchlist_shared": "Shared watch list with {n} companies.",
        "watchlist_take_over": "Add them to my watch list",
        "watchlist_taken_over": "The companies were added to your watch list.",
        "watchlist_share": "Share the watch list",
        "watchlist_share_link": "Link to this watch list",
        "watchlist_copy": "Copy link",
        "watchlist_copied": "The link was copied.",
        "watchlist_remove": "Remove",
        "watchlist_remove_label": "Remove {name} from the watch list",
        "watchlist_clear": "Empty the watch list",
        "watchlist_missing": "{n} companies of the list are no longer published.",
        "offline_title": "No connection",
        "offline_text": ("You are offline. Searching needs a connection; your watch list is kept."),
        "page_title_home": "{title}: find employers in {region}",
        "meta_description": (
            "Find employers in {region} on a map: industry, profession, town, company size,"
            " work-family compatibility."
        ),
        "operated_by": "A service of {operator}.",
        "embed_open_full": "Open the full map",
        "embed_snippet_title": "Embed the map",
        "embed_snippet_intro": (
            "Show the map on your web site: choose town and industry, copy the code and paste it"
            " into your page."
        ),
        "embed_town": "Town",
        "embed_industry": "Industry",
        "embed_all": "all",
        "embed_width": "Width (pixels)",
        "embed_height": "Height (pixels)",
        "embed_make": "Make the code",
        "embed_code": "Code to paste",
        "embed_origins": "Allowed web sites",
        "embed_no_origins": "No web site is allowed yet.",
        "embed_origins_hint": (
            "The map shows only on web sites the operator allowed in the setting"
            " embed.allowed_origins."
        ),
        "data_sources": "Data",
        "loading": "Loading …",
        "group_other": "More",
        "logo_of": "Logo of {name}",
        "nav_companies": "For companies",
        "layers_heading": "Map layers",
        "layers_legend": "Show more on the map",
        "layer_count": "{n} in view",
        "layer_truncated": "Only {shown} of {total} shown: please zoom in.",
        "layer_error": "Could not be loaded.",
        "layer_marker_label": "{name} ({layer})",
        "layer_open": "Read more",
        "dynamic_needs_argument": "Please enter “{argument}” for this filter to work.",
        "dynamic_bad_argument": "“{value}” was not recognised. Please try something else.",
        "dynamic_unknown": "not known",
    },
}


def translate(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (German if ``lang`` has none), placeholders filled."""
    strings = STRINGS.get(lang, STRINGS["de"])
    text = strings.get(key) or STRINGS["de"][key]
    return text.format(**values) if values else text
