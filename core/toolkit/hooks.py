"""A plugin's standard hook implementations made from one declaration, with what is data in
the file ``plugin.toml`` beside its hook module.

Most plugins answer the listing hooks (migrations, commands, blueprints, navigation, data sets,
questionnaire sections, statistics) and the hooks that build filters, layers and a profile
section from the plugin's service in the same way; ``PluginHooks`` writes those
implementations once, so a hook module keeps only what is its own. ``plugin.toml`` holds the
manifest's fields, the wiring of the listing hooks (``[hooks]``) and the texts of the filters
and layers (``[[filters]]``, ``[[layers]]``); the code binds what is code (index columns,
feature functions, choices).
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from core.errors import ConfigError, PluginError
from core.i18n import Text
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManifest
from core.plugins.navigation import NavLink
from core.search.filters import DynamicColumn, FilterSpec
from core.search.layers import Layer
from core.toolkit.datafiles import DataFile, read_data_file
from core.toolkit.services import PluginService, migrations_hook, resolve_reference

if TYPE_CHECKING:
    from core.model import Company
    from core.platform import Platform

__all__ = ["MANIFEST_FILE", "PluginHooks", "read_plugin_manifest"]

#: The name of a plugin's declaration file, in its package beside its hook module.
MANIFEST_FILE = "plugin.toml"

_MANIFEST_KEYS = {f.name: f for f in attrs.fields(PluginManifest) if f.name != "settings"}
#: the tables of plugin.toml beside the manifest's keys
_TABLES = ("hooks", "filters", "layers")
#: the manifest's text, given as a key of the plugin's catalog (or, deprecated, as a pair)
_OLD_TITLE = ("title_de", "title_en")
#: the texts of a declared filter, its dynamic argument, a layer and a navigation link
_TEXTS = ("label", "help")
#: what [hooks] may wire: the listing hooks and the profile section
_LISTING = {
    "commands": "register_commands",
    "blueprints": "register_blueprints",
    "navigation": "register_navigation",
    "datasets": "register_datasets",
    "questionnaire_sections": "register_questionnaire_sections",
    "statistics": "register_statistics",
}


def _hook_module(module_name: str) -> ModuleType:
    module = sys.modules.get(module_name)
    if module is None or not getattr(module, "__file__", None):
        raise PluginError(
            f"{module_name!r} is not an imported module; pass the hook module's __name__."
        )
    return module


@functools.cache
def _declaration(package: str) -> dict[str, Any]:
    """The package's plugin.toml, read once per process (a plugin's declaration does not
    change while it runs)."""
    file = read_data_file(package, MANIFEST_FILE)
    if isinstance(file.data.get("name"), str):  # the catalog's domain is the plugin's name
        file = attrs.evolve(file, domain=file.data["name"])
    unknown = sorted(set(file.data) - set(_MANIFEST_KEYS) - set(_TABLES) - set(_OLD_TITLE))
    if unknown:
        raise PluginError(
            f"{file.name} has unknown keys {', '.join(unknown)}; known are "
            f"{', '.join(sorted([*_MANIFEST_KEYS, *_TABLES]))}."
        )
    try:
        data = _with_texts(file, file.data, "", ("title",))
        data["filters"] = [
            _with_texts(file, entry, f"filters[{i}].", _TEXTS)
            for i, entry in enumerate(_entries(file, "filters"))
        ]
        for i, entry in enumerate(data["filters"]):
            if isinstance(entry.get("dynamic"), Mapping):
                entry["dynamic"] = _with_texts(
                    file, entry["dynamic"], f"filters[{i}].dynamic.", _TEXTS
                )
        data["layers"] = [
            _with_texts(file, entry, f"layers[{i}].", _TEXTS)
            for i, entry in enumerate(_entries(file, "layers"))
        ]
        hooks = dict(data.get("hooks", {}))
        if "navigation" in hooks:
            hooks["navigation"] = [
                _with_texts(file, link, f"hooks.navigation[{i}].", _TEXTS)
                if isinstance(link, Mapping)
                else link
                for i, link in enumerate(_parts(hooks["navigation"]))
            ]
            data["hooks"] = hooks
    except ConfigError as exc:
        raise PluginError(str(exc)) from None
    required = [name for name, f in _MANIFEST_KEYS.items() if f.default is attrs.NOTHING]
    missing = [name for name in required if name not in data]
    if missing:
        raise PluginError(f"{file.name} lacks the manifest keys {', '.join(missing)}.")
    return data


def _entries(file: DataFile, table: str) -> list[Mapping[str, Any]]:
    entries = file.data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise PluginError(f"{file.name}: {table} must be a list of [[{table}]] tables.")
    return entries


def _with_texts(
    file: DataFile, table: Mapping[str, Any], where: str, names: tuple[str, ...]
) -> dict[str, Any]:
    """``table`` with its texts ``names`` made ``Text``s of the plugin's catalog; the
    deprecated pairs ``<name>_de``/``<name>_en`` of plugin API 1.0 are read as well."""
    out = dict(table)
    for name in names:
        if name in out:
            out[name] = file.text(out[name], f"{where}{name}")
        pair = (out.pop(f"{name}_de", None), out.pop(f"{name}_en", None))
        if pair != (None, None) and name not in out:
            warnings.warn(
                f"{file.name}: {where}{name}_de and {name}_en are deprecated: give {name} = "
                "the key of a text of the plugin's catalog (locale/messages.toml) instead "
                "(see docs/stability.md).",
                DeprecationWarning,
                stacklevel=4,
            )
            out[name] = Text.literal(de=pair[0], en=pair[1])
    return out


def read_plugin_manifest(module_name: str, settings: type | None = None) -> PluginManifest:
    """The plugin's ``PluginManifest`` from ``plugin.toml`` in the package of the module
    ``module_name`` (pass ``__name__``), with ``settings`` (the plugin's settings class, which
    is code, not data).

    The file (package data, read through ``read_data_file``) holds the manifest's fields as
    TOML keys: ``name``, ``title`` (a key of the plugin's catalog), ``version`` and, if wanted,
    ``api_version``, ``requires`` (a list of plugin names) and ``description``. A missing
    file, a missing or an unknown key stops the start with a message naming it.
    """
    module = _hook_module(module_name)
    data = _declaration(module.__package__ or module.__name__)
    fields = {k: v for k, v in data.items() if k not in _TABLES}
    if "requires" in fields:
        fields["requires"] = tuple(fields["requires"])
    return PluginManifest(**fields, settings=settings)


def _parts(value: Any) -> tuple[Any, ...]:
    """One part or several: a list or tuple is several, anything else one."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)


class _Lazy:
    """A callable given as itself or as a ``"package.module:name"`` reference, imported on the
    first call (modules that import the hook module themselves are imported once it is
    complete)."""

    def __init__(self, target: Callable[..., Any] | str) -> None:
        self.reference = target if isinstance(target, str) else None
        self.target = None if isinstance(target, str) else target

    def __call__(self, *args: Any) -> Any:
        if self.target is None:
            self.target = resolve_reference(str(self.reference))
        return self.target(*args)


def _listing_hook(name: str, parts: tuple[Any, ...]) -> Callable[..., list[Any]]:
    """A listing hook whose parts are items, functions of the platform, or references to
    either (imported on the first call)."""
    resolved: dict[str, Any] = {}

    def item(part: Any, platform: Platform) -> Any:
        if isinstance(part, str):
            if part not in resolved:
                resolved[part] = resolve_reference(part, values=True)
            part = resolved[part]
        # as with list_hook, a callable makes the item from the platform (a function, a
        # PluginCommands group); a blueprint or a section is the item itself
        return part(platform) if callable(part) else part

    @hookimpl
    def implementation(platform: Platform) -> list[Any]:
        return [item(part, platform) for part in parts]

    implementation.__name__ = implementation.__qualname__ = name
    return implementation


def _declared(
    kind: str, entries: list[dict[str, Any]], bound: Any, make: Callable[..., Any], plugin: str
) -> list[Any]:
    """The filters or layers ``plugin.toml`` declares (``entries``), each completed with what
    the plugin's code binds to its key (``bound``: key -> fields); a list from the code is
    taken as it is."""
    if not isinstance(bound, Mapping):
        return list(bound)
    key = "key" if kind == "filters" else "id"
    declared = [entry[key] for entry in entries]
    stray = sorted(set(bound) - set(declared))
    if stray:
        raise PluginError(
            f"Plugin {plugin} binds {kind} {', '.join(stray)}, which its {MANIFEST_FILE} does "
            f"not declare; declared are {', '.join(declared) or 'none'}."
        )
    out = []
    for entry in entries:
        code = bound.get(entry[key], {})
        if code is None:  # the code leaves it out (a setting switched it off)
            continue
        fields = {**entry, **code}
        dynamic = fields.get("dynamic")
        if isinstance(entry.get("dynamic"), Mapping) and isinstance(dynamic, Mapping):
            # the dynamic column's texts from the file, its functions from the code
            fields["dynamic"] = DynamicColumn(**{**entry["dynamic"], **dynamic})
        try:
            out.append(make(**{**fields, "plugin": plugin}))
        except TypeError as exc:
            raise PluginError(
                f"Plugin {plugin}: {kind} {entry[key]!r} of its {MANIFEST_FILE} cannot be made "
                f"({exc}); check the names of its fields."
            ) from None
        except ValueError as exc:  # a field's value (a layer's colour, a filter's kind)
            raise PluginError(
                f"Plugin {plugin}: {kind} {entry[key]!r} of its {MANIFEST_FILE}: {exc}"
            ) from None
    return out


class PluginHooks:
    """The standard hook implementations of one plugin, from one declaration.

    ``module_name`` (pass ``__name__``) is the hook module: the file ``plugin.toml`` and the
    Alembic folder ``migrations`` lie in its package beside it; ``manifest`` is the
    ``PluginManifest`` read from the file (``read_plugin_manifest``) with the ``settings`` class.
    ``service`` is the class (or function) that makes the plugin's service from the platform
    and the settings, or a ``PluginService``; ``service_for`` is the ``PluginService`` that
    holds it.

    The listing hooks (``commands``, ``blueprints``, ``navigation``, ``datasets``,
    ``questionnaire_sections``) and ``profile_section`` are wired either in the file's
    ``[hooks]`` table (``"package.module:name"`` references; navigation links as tables) or
    by the keyword argument of the same name, not both. A listing part is an item (a
    blueprint, a section, a link), a callable making it from the platform (a function, a
    ``PluginCommands`` group), or a reference to either; ``profile_section`` (a function or
    a reference) is called with the service, the company and the language and returns one
    ``ProfileSection`` or None.

    ``filters`` and ``layers`` are called with the plugin's service and return the filter
    specs and layers, or, when the file declares them (``[[filters]]``, ``[[layers]]``), a
    mapping from each declared key or id to the fields that are code (``column``, ``choices``,
    the functions of a ``dynamic`` column, ``features``, ...), completed with the file's; a
    key bound to None is left out. ``badges`` is called with the service and returns the
    plugin's ``Badge``s (counts per company on markers and list cards).

    ``implementations`` maps each hook name to its implementation; the hook module puts them
    among its names (``globals().update(HOOKS.implementations)``), where pluggy looks for them.
    A hook the declaration leaves out is not implemented.
    """

    def __init__(
        self,
        module_name: str,
        service: PluginService[Any] | Callable[[Platform, Any], Any],
        *,
        settings: type | None = None,
        filters: Callable[[Any], Any] | str | None = None,
        layers: Callable[[Any], Any] | str | None = None,
        badges: Callable[[Any], Any] | str | None = None,
        **wiring: Any,
    ) -> None:
        module = _hook_module(module_name)
        self.manifest = read_plugin_manifest(module_name, settings)
        self.plugin = self.manifest.name
        self.service_for: PluginService[Any] = (
            service if isinstance(service, PluginService) else PluginService(self.plugin, service)
        )
        data = _declaration(module.__package__ or module.__name__)
        self._wiring = self._merge_wiring(data.get("hooks", {}), wiring)
        made: dict[str, Callable[..., Any]] = {
            "register_migrations": migrations_hook(str(module.__file__))
        }
        for key, hook in _LISTING.items():
            if key in self._wiring:
                made[hook] = _listing_hook(hook, _parts(self._wiring[key]))
        if filters is not None:
            made["register_filters"] = self._service_list_hook(
                "register_filters", filters, data.get("filters", []), FilterSpec
            )
        if layers is not None:
            made["register_layers"] = self._service_list_hook(
                "register_layers", layers, data.get("layers", []), Layer
            )
        if badges is not None:
            made["register_badges"] = self._badges_hook(_Lazy(badges))
        if "profile_section" in self._wiring:
            made["profile_sections"] = self._profile_hook(_Lazy(self._wiring["profile_section"]))
        self.implementations = made

    def _merge_wiring(
        self, declared: Mapping[str, Any], given: Mapping[str, Any]
    ) -> dict[str, Any]:
        known = {*_LISTING, "profile_section"}
        unknown = sorted((set(declared) | set(given)) - known)
        if unknown:
            raise PluginError(
                f"Plugin {self.plugin}: unknown hook wiring {', '.join(unknown)} (in "
                f"{MANIFEST_FILE} [hooks] or PluginHooks); known are {', '.join(sorted(known))}."
            )
        twice = sorted(set(declared) & set(given))
        if twice:
            raise PluginError(
                f"Plugin {self.plugin} wires {', '.join(twice)} both in {MANIFEST_FILE} and in "
                "code; keep one."
            )
        wiring = {**declared, **given}
        if "navigation" in declared:
            wiring["navigation"] = [
                NavLink(**link, plugin=self.plugin) if isinstance(link, Mapping) else link
                for link in _parts(declared["navigation"])
            ]
        return {key: value for key, value in wiring.items() if _parts(value)}

    def _service_list_hook(
        self,
        name: str,
        target: Callable[..., Any] | str,
        entries: list[dict[str, Any]],
        make: Callable[..., Any],
    ) -> Callable[..., list[Any]]:
        service_for, build, plugin = self.service_for, _Lazy(target), self.plugin
        kind = name.removeprefix("register_")

        @hookimpl
        def implementation(platform: Platform) -> list[Any]:
            return _declared(kind, entries, build(service_for(platform)), make, plugin)

        implementation.__name__ = implementation.__qualname__ = name
        return implementation

    def _badges_hook(self, build: _Lazy) -> Callable[..., list[Any]]:
        service_for = self.service_for

        @hookimpl
        def register_badges(platform: Platform) -> list[Any]:
            return list(build(service_for(platform)) or ())

        return register_badges

    def _profile_hook(self, build: _Lazy) -> Callable[..., list[Any]]:
        service_for = self.service_for

        @hookimpl
        def profile_sections(platform: Platform, company: Company, lang: str) -> list[Any]:
            section = build(service_for(platform), company, lang)
            return [] if section is None else [section]

        return profile_sections
