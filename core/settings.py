"""Settings, declared once as attrs classes with defaults and help text.

Layers, later ones win: the declared defaults, a TOML file (``REGIOKARTE_CONFIG``), environment
variables (``REGIOKARTE_<SECTION>__<KEY>``, values in TOML syntax or plain strings; the short
``REGIOKARTE_DATABASE_URL`` works too), and overrides passed by the caller (tests).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, get_origin

import attrs
import cattrs
from attrs import define, field
from cattrs.cols import list_structure_factory

from core.errors import ConfigError

__all__ = [
    "AccountSettings",
    "AlertSettings",
    "EmbedSettings",
    "GeocodingSettings",
    "LimitSettings",
    "MailSettings",
    "MapSettings",
    "OpenDataSettings",
    "OverloadSettings",
    "PluginsSettings",
    "PortalSettings",
    "QuestionnaireSettings",
    "RegionSettings",
    "SearchSettings",
    "Settings",
    "StatisticsSettings",
    "describe_settings",
    "settings_markdown",
    "load_settings",
    "structure_settings",
]

ENV_PREFIX = "REGIOKARTE_"
CONFIG_ENV = "REGIOKARTE_CONFIG"


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@define
class PortalSettings:
    title: str = field(
        default="Arbeitgeberkarte", metadata=_help("Portal title shown in the header.")
    )
    database_url: str = field(
        default="sqlite:///instance/regiokarte.db",
        metadata=_help(
            "SQLAlchemy URL; sqlite:///path (relative to the working folder) or "
            "postgresql+psycopg://user:pw@host/db."
        ),
    )
    languages: list[str] = field(
        factory=lambda: ["de", "en", "tr", "ar"],
        metadata=_help(
            "Languages the language switcher offers (codes such as de, en, tr, ar), the first "
            "is the default; a page shows ?lang=, else the browser's preferred one of them."
        ),
    )
    translations: str = field(
        default="",
        metadata=_help(
            "Folder of the operator's own translations (<lang>.po files, see "
            "docs/translations.md): corrections of shipped texts and additional languages, "
            "read at start without a code change. Empty: the shipped catalogs only."
        ),
    )
    timezone: str = field(
        default="Europe/Berlin",
        metadata=_help(
            "Time zone of the region (an IANA name such as Europe/Berlin): the portal's day "
            "begins at its midnight, which decides what is current (open positions, courses) "
            "and when the search index rebuilds for a new day."
        ),
    )
    secret_key: str = field(
        default="",
        metadata=_help(
            "Key that signs session cookies: at least 32 random characters, the same on every "
            "server; production servers refuse to start without it. Empty (development only): "
            "a random key kept in the instance folder."
        ),
    )
    operator: str = field(
        default="",
        metadata=_help("Who runs the portal (name of the organisation), for Impressum and footer."),
    )
    operator_address: str = field(
        default="", metadata=_help("Postal address of the operator, for the Impressum.")
    )
    contact_email: str = field(
        default="",
        metadata=_help("Contact e-mail for feedback (accessibility statement, Impressum)."),
    )
    operator_token: str = field(
        default="", metadata=_help("Bearer token for operator API calls (empty: writes disabled).")
    )
    base_url: str = field(
        default="",
        metadata=_help(
            "Public address of the portal (https://...), for links in e-mails; required in "
            "production when mail.smtp_host is set. Empty (development): links only for "
            "requests to this computer (localhost), never from a request's Host header."
        ),
    )
    secure_cookies: bool = field(
        default=False,
        metadata=_help("Send the session cookie over HTTPS only; set true in production."),
    )
    primary_color: str = field(
        default="",
        metadata=_help(
            "Main colour of header, links and buttons as #rrggbb; empty: the built-in blue. "
            "Pick one with at least 4.5:1 contrast to white text."
        ),
    )
    logo: str = field(
        default="",
        metadata=_help(
            "Logo in the header: an SVG, PNG or WebP file (relative to the configuration file); "
            "empty: the built-in icon."
        ),
    )
    demo_notice: str = field(
        default="",
        metadata=_help(
            "Text of the banner shown while demo companies are listed; empty: the built-in "
            "text in the page language."
        ),
    )
    easy_language: str = field(
        default="",
        metadata=_help(
            "Text of the page Leichte Sprache (/leichte-sprache): a Markdown file (relative to "
            "the configuration file) with '# Title', '## Heading', one sentence per line, "
            "'- ' lists, **bold**, [links](https://...) and placeholders such as {portal}, "
            "{region}, {search_url}, {questionnaire_url} and {contact} (docs/leichte-sprache.md); "
            "empty: the built-in text."
        ),
    )


@define
class MapSettings:
    tile_url: str = field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        metadata=_help("Raster tile URL template."),
    )
    tile_attribution: str = field(
        default="© OpenStreetMap contributors", metadata=_help("Attribution shown on the map.")
    )
    center: list[float] = field(
        factory=list, metadata=_help("Map centre [lat, lon]; empty: the region's centre.")
    )
    zoom: int = field(default=0, metadata=_help("Start zoom; 0: the region's zoom."))
    layers: list[str] = field(
        factory=list,
        metadata=_help(
            "Map layers ticked when the start page opens (ids as in /api/v1/layers, e.g. "
            '"childcare_kitas"); empty: each layer\'s own default.'
        ),
    )


@define
class SearchSettings:
    per_page: int = field(default=20, metadata=_help("Default page size of result lists."))
    max_per_page: int = field(
        default=200, metadata=_help("Largest page size a client may ask for.")
    )
    max_points: int = field(
        default=2000,
        metadata=_help(
            "Most map symbols (markers and groups) sent for one map view; groups never overlap."
        ),
    )
    refresh_interval: float = field(
        default=0.5, metadata=_help("Seconds between checks for changes made by other processes.")
    )


@define
class RegionSettings:
    file: str = field(
        default="",
        metadata=_help(
            "Region definition (TOML: name, towns with AGS, centre, bounds); empty: Emscher-Lippe."
        ),
    )


@define
class GeocodingSettings:
    provider: str = field(
        default="postcode",
        metadata=_help(
            "Geocoder: 'postcode' (offline postcode centroids), 'nominatim' or 'photon' (a web "
            "service at geocoding.url, asked for street addresses the offline place search "
            "does not know), or one a plugin registers."
        ),
    )
    url: str = field(
        default="",
        metadata=_help(
            "Base URL of the Nominatim or Photon service, e.g. https://nominatim.example.org "
            "(needed by those providers; never set by default: no address leaves the server)."
        ),
    )
    timeout: float = field(
        default=5.0, metadata=_help("Seconds to wait for the geocoding service.")
    )


@define
class MailSettings:
    smtp_host: str = field(
        default="",
        metadata=_help(
            "SMTP server for outgoing mail; empty: mails are written to outbox_folder instead "
            "(development) and listed on the operator page /admin/postausgang."
        ),
    )
    smtp_port: int = field(default=587, metadata=_help("SMTP port."))
    smtp_user: str = field(default="", metadata=_help("SMTP user name; empty: no login."))
    smtp_password: str = field(default="", metadata=_help("SMTP password."))
    smtp_starttls: bool = field(default=True, metadata=_help("Use STARTTLS on the SMTP link."))
    sender: str = field(
        default="Arbeitgeberkarte <noreply@localhost>",
        metadata=_help("From address of every mail the portal sends."),
    )
    outbox_folder: str = field(
        default="instance/outbox",
        metadata=_help("Folder the mails go to while smtp_host is empty."),
    )
    operator_address: str = field(
        default="",
        metadata=_help("Address told about every new submission; empty: nobody is told."),
    )


@define
class AccountSettings:
    editor_link_days: int = field(
        default=30,
        metadata=_help("Days a company's personal link (resume, edit) stays valid."),
    )
    min_password_length: int = field(
        default=12,
        metadata=_help("Shortest password an operator may set (at least 8)."),
    )
    max_password_length: int = field(
        default=128,
        metadata=_help("Longest password an operator may set (at least 64)."),
    )
    session_hours: int = field(
        default=12, metadata=_help("Hours a login (operator or company editor) lasts.")
    )
    max_failed_logins: int = field(
        default=5,
        metadata=_help(
            "Failed logins in a row from one address after which that address is locked for "
            "the user name (names that do not exist too, so the answer does not tell whether "
            "an account exists)."
        ),
    )
    lockout_minutes: int = field(
        default=1,
        metadata=_help("How long the first lock lasts; it doubles with each further failed login."),
    )
    max_lockout_minutes: int = field(
        default=60,
        metadata=_help("The longest lock, however many logins failed."),
    )
    failed_logins_forgotten_hours: int = field(
        default=24,
        metadata=_help(
            "Hours after the last failed login of a user name when its count starts again."
        ),
    )
    account_failure_ceiling: int = field(
        default=20,
        metadata=_help(
            "Failed logins of one user name from all addresses after which addresses that "
            "never logged in to it successfully may try only once per slow_login_seconds "
            "(together); known addresses are not slowed."
        ),
    )
    slow_login_seconds: int = field(
        default=30,
        metadata=_help("Seconds between two logins from unknown addresses above the ceiling."),
    )


@define
class LimitSettings:
    enabled: bool = field(default=True, metadata=_help("Apply the rate limits below."))
    storage_uri: str = field(
        default="memory://",
        metadata=_help(
            "Where request counts of the web app's and the plugins' rate limits are kept "
            "(storage URI of the limits library). memory:// counts per worker process; with "
            "several workers or servers use redis://host:6379."
        ),
    )
    start_submission: str = field(
        default="5 per hour;20 per day",
        metadata=_help("New questionnaires one address (IP) may start."),
    )
    login: str = field(
        default="10 per 15 minutes", metadata=_help("Operator login attempts per address (IP).")
    )


@define
class OverloadSettings:
    """When more requests come than the workers can serve, the ones that waited too long for a
    worker are answered 503 with Retry-After at once, instead of queueing until clients give
    up (webapp/overload.py)."""

    enabled: bool = field(
        default=True,
        metadata=_help(
            "Answer 503 with Retry-After, without doing the work, to requests that waited too "
            "long for a worker (the time is read from the connection; see request_start_header)."
        ),
    )
    target_wait: float = field(
        default=0.05,
        metadata=_help(
            "Seconds a request may wait for a worker in a queue that does not empty: when every "
            "request of the last interval waited longer, requests that waited more than twice "
            "this are answered 503 until the queue is short again."
        ),
    )
    interval: float = field(
        default=0.5,
        metadata=_help("Seconds over which a worker looks at the shortest wait (see target_wait)."),
    )
    max_wait: float = field(
        default=10.0,
        metadata=_help(
            "Seconds after which a waiting request is answered 503 in any case (its client has "
            "likely given up)."
        ),
    )
    retry_after: int = field(
        default=5, metadata=_help("Seconds a refused client is told to wait (Retry-After).")
    )
    request_start_header: str = field(
        default="",
        metadata=_help(
            "Header in which a trusted front proxy sends when it received the request, e.g. "
            'X-Request-Start (nginx: proxy_set_header X-Request-Start "t=${msec}";). Needed '
            "when the proxy talks to gunicorn over a Unix socket or queues requests itself; "
            "empty: the wait is read from the TCP connection (Linux)."
        ),
    )

    def problems(self) -> list[str]:
        out = []
        for key in ("target_wait", "interval", "max_wait"):
            if getattr(self, key) <= 0:
                out.append(f"overload.{key} must be more than 0, not {getattr(self, key)!r}.")
        if self.retry_after < 1:
            out.append(f"overload.retry_after must be at least 1, not {self.retry_after!r}.")
        return out


@define
class QuestionnaireSettings:
    logo_max_kb: int = field(
        default=800, metadata=_help("Largest logo upload in kilobytes (PNG, JPEG or WebP).")
    )
    logo_max_px: int = field(
        default=512, metadata=_help("Logos are shrunk to at most this many pixels per side.")
    )


@define
class OpenDataSettings:
    enabled: bool = field(
        default=True,
        metadata=_help(
            "Publish the published companies (without contact data) as GeoJSON and CSV at "
            "/api/v1/opendata/companies.geojson and .csv, and the plugins' open data files "
            "(the jobs plugin's open positions) under the same licence."
        ),
    )
    licence: str = field(
        default="dl-de/by-2-0",
        metadata=_help(
            "Licence of the open data files, ideally an identifier such as dl-de/by-2-0, "
            "dl-de/zero-2-0 or CC-BY-4.0."
        ),
    )
    licence_url: str = field(
        default="https://www.govdata.de/dl-de/by-2-0",
        metadata=_help("Where the licence text can be read."),
    )
    attribution: str = field(
        default="",
        metadata=_help(
            "Attribution users of the data must show (e.g. the operator's name); empty: "
            "portal.operator."
        ),
    )
    cache_seconds: int = field(
        default=300, metadata=_help("How long clients and proxies may cache the files.")
    )


@define
class EmbedSettings:
    allowed_origins: list[str] = field(
        factory=list,
        metadata=_help(
            "Web sites (scheme://host[:port]) that may show the map widget /embed in an iframe; "
            "empty: none but the portal itself."
        ),
    )


@define
class StatisticsSettings:
    usage_counting: bool = field(
        default=True,
        metadata=_help(
            "Count searches, filters, map layers and profile views per day for the operators' "
            "statistics (/admin/statistik): aggregated counters only, no address, user agent, "
            "identifier or cookie."
        ),
    )
    flush_seconds: float = field(
        default=30.0,
        metadata=_help(
            "Each worker process keeps its counts in memory and writes them at most this many "
            "seconds later (and when it stops)."
        ),
    )
    flush_hits: int = field(
        default=1000,
        metadata=_help("A worker writes its counts early once it has counted this many hits."),
    )


@define
class AlertSettings:
    enabled: bool = field(
        default=True,
        metadata=_help(
            "Let job seekers subscribe to a search (double opt-in) and mail them new matches; "
            "'regiokarte alerts run' (cron, systemd timer) sends the mails."
        ),
    )
    max_per_address: int = field(
        default=10,
        metadata=_help("Most subscriptions (pending or active) one e-mail address may hold."),
    )
    confirm_days: int = field(
        default=7,
        metadata=_help(
            "Days a confirmation link stays valid; unconfirmed subscriptions are then deleted."
        ),
    )
    max_listed: int = field(
        default=30,
        metadata=_help(
            "Most new companies an alert mail lists by name; it links to the search for the rest."
        ),
    )
    subscribe_limit: str = field(
        default="5 per hour;20 per day",
        metadata=_help("Subscriptions one address (IP) may request (rate limit)."),
    )


@define
class PluginsSettings:
    enabled: list[str] = field(factory=list, metadata=_help("Plugins to enable, in this order."))
    strict: bool = field(
        default=False,
        metadata=_help(
            "Re-raise errors of plugin code at request time (tests, CI) instead of taking only "
            "the failing filter or layer down; env REGIOKARTE_PLUGINS__STRICT=true."
        ),
    )
    options: dict[str, dict[str, Any]] = field(
        factory=dict, metadata=_help("Per-plugin settings: the [plugins.<name>] tables.")
    )


@define
class Settings:
    """Every setting of the portal, one attrs class per section (``settings.search.per_page``)."""

    portal: PortalSettings = field(factory=PortalSettings)
    map: MapSettings = field(factory=MapSettings)
    search: SearchSettings = field(factory=SearchSettings)
    region: RegionSettings = field(factory=RegionSettings)
    geocoding: GeocodingSettings = field(factory=GeocodingSettings)
    mail: MailSettings = field(factory=MailSettings)
    accounts: AccountSettings = field(factory=AccountSettings)
    limits: LimitSettings = field(factory=LimitSettings)
    overload: OverloadSettings = field(factory=OverloadSettings)
    questionnaire: QuestionnaireSettings = field(factory=QuestionnaireSettings)
    opendata: OpenDataSettings = field(factory=OpenDataSettings)
    embed: EmbedSettings = field(factory=EmbedSettings)
    statistics: StatisticsSettings = field(factory=StatisticsSettings)
    alerts: AlertSettings = field(factory=AlertSettings)
    plugins: PluginsSettings = field(factory=PluginsSettings)
    source: str = field(
        default="defaults", metadata={"help": "Where the settings came from.", "internal": True}
    )


_converter = cattrs.Converter(forbid_extra_keys=True)


def _structure_strict(value: Any, cls: type) -> Any:
    # cattrs would turn "10" into 10 and 1 into "1"; a config should say what it means.
    if cls is bool and not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    if cls is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"expected a whole number, got {value!r}")
    if cls is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"expected a number, got {value!r}")
    if cls is str and not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return cls(value)


for _scalar in (bool, int, float, str):
    _converter.register_structure_hook(_scalar, _structure_strict)


def _checked_list(cls: Any) -> Any:
    structure_items = list_structure_factory(cls, _converter)

    def structure(value: Any, type_: Any) -> Any:
        # cattrs would turn enabled = "transit" into ["t", "r", "a", ...]
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list, got {value!r}")
        return structure_items(value, type_)

    return structure


def _is_list(cls: Any) -> bool:
    origin: Any = get_origin(cls)
    return origin is list


_converter.register_structure_hook_factory(_is_list, _checked_list)


def structure_settings(data: Mapping[str, Any], cls: type[Any], where: str) -> Any:
    """Turn a plain mapping into ``cls``; every problem is reported at once, naming its key."""
    try:
        return _converter.structure(dict(data), cls)
    except cattrs.BaseValidationError as exc:
        messages = [_describe(m, where) for m in cattrs.transform_error(exc)]
        raise ConfigError(
            "Invalid settings: " + "; ".join(messages),
            {where: messages},
        ) from None


def _describe(message: str, where: str) -> str:
    # cattrs says "invalid value for type, expected int @ $.search.per_page"
    text, _, path = message.partition(" @ $")
    key = (where + path) if path else where
    return f"{key}: {text}"


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_layer(env: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key == "database_url":
            key = "portal__database_url"
        if "__" not in key:
            continue
        path = key.split("__")
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        node = layer
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return layer


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read settings from defaults, the TOML file, the environment and ``overrides``."""
    env = os.environ if env is None else env
    if path is None and env.get(CONFIG_ENV):
        path = env[CONFIG_ENV]
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"The configuration file {str(file)!r} does not exist; check {CONFIG_ENV} or "
                "the path you passed."
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"The configuration file {str(file)!r} is not valid TOML: {exc}."
            ) from None
        source = str(file)
        region = data.get("region")
        if isinstance(region, dict) and region.get("file"):
            # a region file named in a config file is relative to that file
            region["file"] = str((file.parent / str(region["file"])).resolve())
        portal = data.get("portal")
        if isinstance(portal, dict) and portal.get("logo"):
            # so is a logo file
            portal["logo"] = str((file.parent / str(portal["logo"])).resolve())
        if isinstance(portal, dict) and portal.get("easy_language"):
            # and the Leichte Sprache text
            portal["easy_language"] = str((file.parent / str(portal["easy_language"])).resolve())
    data = _deep_merge(data, _env_layer(env))
    if overrides:
        data = _deep_merge(data, overrides)
    plugins = dict(data.get("plugins") or {})
    enabled = plugins.pop("enabled", [])
    plugins_settings = {"enabled": enabled, "options": plugins}
    if "strict" in plugins:  # a setting of the plugin system, not a plugin's table
        plugins_settings["strict"] = plugins.pop("strict")
    data["plugins"] = plugins_settings
    data["source"] = source
    settings: Settings = structure_settings(data, Settings, "settings")
    return settings


def describe_settings(
    cls: type[Any] = Settings, prefix: str = ""
) -> Iterator[tuple[str, str, Any, str]]:
    """Every setting as (dotted key, type, default, help), for generated documentation."""
    attrs.resolve_types(cls)
    for a in attrs.fields(cls):
        if a.metadata.get("internal"):
            continue
        key = f"{prefix}{a.name}"
        if isinstance(a.type, type) and attrs.has(a.type):
            yield from describe_settings(a.type, key + ".")
            continue
        default = a.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        type_name = getattr(a.type, "__name__", None) if isinstance(a.type, type) else None
        yield key, type_name or str(a.type), default, a.metadata.get("help", "")


def settings_markdown(plugins: Sequence[tuple[str, str, type[Any]]] = ()) -> str:
    """The settings reference (docs/configuration.md), generated from the declarations: core's
    settings, then those of each plugin in ``plugins`` (name, title, settings class)."""
    lines = [
        "# Configuration reference",
        "",
        "Generated from `core/settings.py` and the in-tree plugins' `settings.py` by",
        "`python -m core.docs`; a test keeps it current.",
        "Set these in the TOML file named by `REGIOKARTE_CONFIG` (section = the part before the",
        "dot) or as environment variables `REGIOKARTE_<SECTION>__<KEY>` (values in TOML syntax).",
        "Plugin settings live in `[plugins.<name>]` tables (below for the in-tree plugins; an",
        "installed plugin documents its own, and `regiokarte plugins --verbose` shows them).",
        "",
    ]
    lines += _settings_table(describe_settings())
    for name, title, cls in plugins:
        lines += ["", f"## `[plugins.{name}]`: {title}", ""]
        lines += _settings_table(describe_settings(cls, f"plugins.{name}."))
    return "\n".join(lines) + "\n"


def _settings_table(described: Iterable[tuple[str, str, Any, str]]) -> list[str]:
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for key, type_name, default, text in described:
        if key == "plugins.options":
            key, type_name, default = "plugins.<name>", "table", "{}"
        shown = f"`{default!r}`".replace("|", "\\|")
        lines.append(f"| `{key}` | {type_name} | {shown} | {text} |")
    return lines
