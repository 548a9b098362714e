"""regiokarte core: the company model, filter registry, search engine and plugin system.

This package is the public API for applications and plugins; it never imports Flask or any
plugin. Import names from here (``from core import FilterSpec, hookimpl``).
"""

from core.classifications import Term, Vocabulary, vocabulary
from core.errors import (
    ConfigError,
    Conflict,
    GeocodingError,
    ImportError_,
    InputRejected,
    InputTooLarge,
    InvalidQuery,
    NotFound,
    OutsideRegionError,
    PluginError,
    PluginFailure,
    RegiokarteError,
    TooManyAttempts,
    ValidationError,
)
from core.formatting import (
    format_amount,
    format_km,
    format_metres,
    format_minutes,
    format_number,
    format_quantity,
    unit_label,
)
from core.io.csvfiles import (
    CsvReader,
    CsvWriter,
    csv_reader,
    csv_writer,
    neutralise_cell,
    restore_cell,
)
from core.io.datasets import (
    Dataset,
    DatasetField,
    DatasetImport,
    DatasetPage,
    ExportFile,
    edited_values,
    parse_values,
    record_id,
    submitted_values,
)
from core.io.records import (
    RecordFilter,
    SourceRecord,
    ValueConversion,
    cut_off_note,
    read_json_records,
)
from core.io.untrusted import (
    MAX_COMPRESSION_RATIO,
    MAX_JSON_DEPTH,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    check_json,
    check_lines,
    limit_lines,
    limit_rows,
    open_zip_member,
    parse_json,
    read_bounded,
)
from core.io.values import (
    NO_WORDS,
    YES_WORDS,
    check_email,
    check_postcode,
    check_web_address,
    is_email,
    is_postcode,
    is_web_address,
    parse_yes_no,
)
from core.model import Address, Company, Contact, Location, Status, slugify
from core.platform import Platform
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PLUGIN_API_VERSION, LoadedPlugin, PluginManifest
from core.plugins.navigation import NavLink
from core.plugins.profile import ProfileSection
from core.portal.alerts import AlertItem
from core.portal.mailqueue import QueuedMail
from core.portal.questionnaire import AnswerType, Option, Question, Section, section_from_data
from core.portal.ratelimits import RateLimiter
from core.region import Region, Town
from core.search.filters import (
    Choice,
    Dimension,
    DynamicColumn,
    DynamicValue,
    FilterKind,
    FilterRegistry,
    FilterSpec,
    Range,
    choices_from,
)
from core.search.geo import EARTH_RADIUS_M, haversine_m, nearest_m, sphere_xyz
from core.search.geocoding import Geocoder, postcode_towns
from core.search.index import IndexSource, SearchIndex
from core.search.layers import MAX_POPUP_LINES, Feature, Layer, feature_collection, point_feature
from core.search.query import (
    BBox,
    Cluster,
    FacetValue,
    PlaceResolver,
    SearchHit,
    SearchQuery,
    SearchResult,
    parse_bbox,
    parse_point,
    parse_search_params,
)
from core.search.regioncheck import RegionCheck, check_in_region
from core.search.textindex import TextIndex, fold
from core.settings import Settings, load_settings
from core.toolkit.commands import (
    command_group,
    echo_report,
    import_aborted,
    import_options,
    pass_platform,
)
from core.toolkit.csvrecords import CSV_DELIMITERS, CsvRow, CsvTable, read_csv_table
from core.toolkit.datafiles import DataFile, read_data_file
from core.toolkit.datasets import table_dataset
from core.toolkit.demo import DEMO_SOURCE, DemoPlace, demo_apprenticeships, demo_places
from core.toolkit.exports import EXPORT_FORMATS, export_cell, export_file
from core.toolkit.folding import folded, folded_match, folded_search
from core.toolkit.imports import OUTCOMES, ImportProblem, ImportRecord, ImportReport
from core.toolkit.reindex import reindex_all, reindex_company
from core.toolkit.rows import from_row, row_values
from core.toolkit.services import PluginService, list_hook, migrations_hook
from core.toolkit.settings import range_problems, setting_help
from core.toolkit.snapshot import PluginSnapshot, bump_plugin_version, plugin_version
from core.toolkit.times import as_utc, utcnow

__version__ = "0.1.0"

__all__ = [
    "CSV_DELIMITERS",
    "DEMO_SOURCE",
    "EARTH_RADIUS_M",
    "EXPORT_FORMATS",
    "MAX_COMPRESSION_RATIO",
    "MAX_JSON_DEPTH",
    "MAX_LINE_BYTES",
    "MAX_POPUP_LINES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "NO_WORDS",
    "OUTCOMES",
    "PLUGIN_API_VERSION",
    "YES_WORDS",
    "Address",
    "AlertItem",
    "AnswerType",
    "BBox",
    "Choice",
    "Cluster",
    "Company",
    "ConfigError",
    "Conflict",
    "Contact",
    "CsvReader",
    "CsvRow",
    "CsvTable",
    "CsvWriter",
    "DataFile",
    "Dataset",
    "DatasetField",
    "DatasetImport",
    "DatasetPage",
    "DemoPlace",
    "Dimension",
    "DynamicColumn",
    "DynamicValue",
    "ExportFile",
    "FacetValue",
    "Feature",
    "FilterKind",
    "FilterRegistry",
    "FilterSpec",
    "Geocoder",
    "GeocodingError",
    "ImportError_",
    "ImportProblem",
    "ImportRecord",
    "ImportReport",
    "IndexSource",
    "InputRejected",
    "InputTooLarge",
    "InvalidQuery",
    "Layer",
    "LoadedPlugin",
    "Location",
    "NavLink",
    "NotFound",
    "Option",
    "OutsideRegionError",
    "PlaceResolver",
    "Platform",
    "PluginError",
    "PluginFailure",
    "PluginManifest",
    "PluginService",
    "PluginSnapshot",
    "ProfileSection",
    "Question",
    "QueuedMail",
    "Range",
    "RateLimiter",
    "RecordFilter",
    "RegiokarteError",
    "Region",
    "RegionCheck",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "Section",
    "Settings",
    "SourceRecord",
    "Status",
    "Term",
    "TextIndex",
    "TooManyAttempts",
    "Town",
    "ValidationError",
    "ValueConversion",
    "Vocabulary",
    "as_utc",
    "bump_plugin_version",
    "check_email",
    "check_in_region",
    "check_json",
    "check_lines",
    "check_postcode",
    "check_web_address",
    "choices_from",
    "command_group",
    "csv_reader",
    "csv_writer",
    "cut_off_note",
    "demo_apprenticeships",
    "demo_places",
    "echo_report",
    "edited_values",
    "export_cell",
    "export_file",
    "feature_collection",
    "fold",
    "folded",
    "folded_match",
    "folded_search",
    "format_amount",
    "format_km",
    "format_metres",
    "format_minutes",
    "format_number",
    "format_quantity",
    "from_row",
    "haversine_m",
    "hookimpl",
    "import_aborted",
    "import_options",
    "is_email",
    "is_postcode",
    "is_web_address",
    "limit_lines",
    "limit_rows",
    "list_hook",
    "load_settings",
    "migrations_hook",
    "nearest_m",
    "neutralise_cell",
    "open_zip_member",
    "parse_bbox",
    "parse_json",
    "parse_point",
    "parse_search_params",
    "parse_values",
    "parse_yes_no",
    "pass_platform",
    "plugin_version",
    "point_feature",
    "postcode_towns",
    "range_problems",
    "read_bounded",
    "read_csv_table",
    "read_data_file",
    "read_json_records",
    "record_id",
    "reindex_all",
    "reindex_company",
    "restore_cell",
    "row_values",
    "section_from_data",
    "setting_help",
    "slugify",
    "sphere_xyz",
    "submitted_values",
    "table_dataset",
    "unit_label",
    "utcnow",
    "vocabulary",
]
