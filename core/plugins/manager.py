"""Plugins: manifests and the factory that builds a checked PluginManager for given settings.

A plugin is a module (or object) registered under the entry-point group ``regiokarte.plugins``
with a ``MANIFEST`` attribute (``PluginManifest``) and ``@hookimpl`` functions. Only plugins named
in ``plugins.enabled`` are registered, in that order, after the built-in ``core`` plugin.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import attrs
import pluggy
from attrs import define, field, frozen

from core.errors import ConfigError, PluginError
from core.i18n import Text, package_catalog, translatable
from core.labels import old_label_pair, to_text
from core.plugins import hookspecs
from core.settings import Settings, structure_settings

__all__ = [
    "ENTRY_POINT_GROUP",
    "PLUGIN_API_VERSION",
    "TRACE_ENV",
    "LoadedPlugin",
    "PluginManifest",
    "available_plugins",
    "callers_by_plugin",
    "disabled_plugins",
    "enable_tracing",
    "make_plugin_manager",
    "new_plugin_manager",
    "results_by_plugin",
]

ENTRY_POINT_GROUP = "regiokarte.plugins"
#: Set to 1 to log every hook call (logger ``regiokarte.hooks``; to stderr if logging is unset).
TRACE_ENV = "REGIOKARTE_TRACE_HOOKS"
#: The plugin API this core provides; a plugin names the major version it was written for.
PLUGIN_API_VERSION = "1.1"


@old_label_pair(1, new_there=lambda version: version[:1].isdigit(), name="title")
@translatable("title")
@frozen
class PluginManifest:
    """What a plugin declares about itself.

    ``settings`` is an attrs class; its values are checked by type at start-up, and if it has a
    ``problems()`` method returning messages (``"<key>: <what is wrong>"``), those are reported
    at start-up too, with every other configuration problem.
    """

    name: str
    title: Text = field(converter=to_text)
    version: str
    api_version: str = "1.0"
    requires: tuple[str, ...] = ()
    settings: type | None = None
    description: str = ""


@define
class LoadedPlugin:
    """A plugin as enabled: manifest, the registered object, validated settings."""

    manifest: PluginManifest
    module: Any = field(repr=False)
    settings: Any = None
    origin: str = "entry point"

    @property
    def name(self) -> str:
        return self.manifest.name

    def hook_names(self, pm: pluggy.PluginManager) -> list[str]:
        return sorted(h.name for h in (pm.get_hookcallers(self.module) or []))

    def settings_dict(self, redact: bool = True) -> dict[str, Any]:
        """Settings as a plain dict; values of keys that look secret are replaced."""
        if self.settings is None:
            return {}
        data = attrs.asdict(self.settings)
        if redact:
            for key in data:
                if any(word in key.lower() for word in ("secret", "password", "token", "key")):
                    data[key] = "***"
        return data


def available_plugins() -> dict[str, metadata.EntryPoint]:
    """Installed plugins by name (entry-point group ``regiokarte.plugins``)."""
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def disabled_plugins(settings: Settings, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Installed plugins that the settings do not enable, loaded (those that fail to load are
    left out): their migrations must stay known while their data is kept."""
    enabled = set(settings.plugins.enabled)
    loaded: dict[str, Any] = {}
    sources: dict[str, Any] = {**available_plugins(), **(extra or {})}
    for name, source in sources.items():
        if name in enabled:
            continue
        try:
            loaded[name] = source.load() if isinstance(source, metadata.EntryPoint) else source
        except Exception:  # noqa: BLE001 - a broken disabled plugin is not our concern here
            continue
    return loaded


hook_log = logging.getLogger("regiokarte.hooks")
_traced: weakref.WeakSet[pluggy.PluginManager] = weakref.WeakSet()
_started = threading.local()


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _arguments(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in kwargs.items() if k != "platform")


def enable_tracing(pm: pluggy.PluginManager) -> None:
    """Log every call of a hook of ``pm``: which plugins answer, the arguments, the result or
    the exception, and the time taken (logger ``regiokarte.hooks``, level INFO).

    Switched on by ``REGIOKARTE_TRACE_HOOKS=1``; when logging is not configured at all, the
    lines go to standard error, so the variable alone is enough on the command line.
    """
    if pm in _traced:
        return
    _traced.add(pm)
    if hook_log.level == logging.NOTSET or hook_log.level > logging.INFO:
        hook_log.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not hook_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
        hook_log.addHandler(handler)

    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        stack = getattr(_started, "stack", None) or []
        stack.append(time.perf_counter())
        _started.stack = stack
        plugins = ", ".join(i.plugin_name for i in reversed(impls)) or "-"
        hook_log.info("call %s(%s) -> %s", hook_name, _arguments(kwargs), plugins)

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        took = (time.perf_counter() - _started.stack.pop()) * 1000
        # a call of one plugin's implementations (callers_by_plugin) says whose it was
        whole = len(impls) == len(getattr(pm.hook, hook_name).get_hookimpls())
        name = hook_name if whole else f"{hook_name} of {_plugins(impls)}"
        if outcome.exception is not None:
            hook_log.info("fail %s after %.1f ms: %s", name, took, _short(outcome.exception, 200))
        else:
            hook_log.info("done %s in %.1f ms: %s", name, took, _short(outcome.get_result()))

    pm.add_hookcall_monitoring(before, after)


def _plugins(impls: Sequence[pluggy.HookImpl]) -> str:
    names = dict.fromkeys(i.plugin_name for i in impls if not (i.wrapper or i.hookwrapper))
    return ", ".join(names) or "-"


def callers_by_plugin(pm: pluggy.PluginManager, hook: str) -> list[tuple[str, pluggy.HookCaller]]:
    """One pluggy hook caller per plugin that implements ``hook``, core first, then in the
    order of ``plugins.enabled``: for hooks whose results or failures core keeps per plugin.

    Each caller runs through pluggy (``pm.subset_hook_caller``) like a call of the whole
    hook, only without the other plugins' implementations: the keyword arguments are checked
    against the hookspec, each implementation gets the ones it names, hook wrappers
    (``wrapper=True``) wrap the plugin's call, and tracing (``enable_tracing``) logs it.
    """
    impls = getattr(pm.hook, hook).get_hookimpls()
    # wrappers are not answers of a plugin: they stay in every plugin's call
    answering = [i for i in impls if not (i.wrapper or i.hookwrapper)]
    plugins = {i.plugin for i in answering}
    order: dict[str, Any] = {}
    for impl in answering:
        order.setdefault(impl.plugin_name, impl.plugin)
    return [
        (name, pm.subset_hook_caller(hook, remove_plugins=plugins - {plugin}))
        for name, plugin in order.items()
    ]


def results_by_plugin(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """(plugin name, what its implementation returned) for every plugin implementing
    ``hook``, in plugin order (see ``callers_by_plugin``); an error propagates. A plugin with
    several implementations of the hook gives the list of their (non-None) results."""
    out: list[tuple[str, Any]] = []
    for name, caller in callers_by_plugin(pm, hook):
        results = caller(**kwargs)
        out.append((name, results[0] if len(results) == 1 else (results or None)))
    return out


def new_plugin_manager() -> pluggy.PluginManager:
    """A PluginManager with core's hookspecs and nothing registered."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _manifest_of(name: str, module: Any, problems: list[str]) -> PluginManifest | None:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        problems.append(
            f"plugin {name!r}: it has no MANIFEST (a core.plugins.manager.PluginManifest)."
        )
        return None
    if manifest.name != name:
        problems.append(
            f"plugin {name!r}: its MANIFEST is named {manifest.name!r}; the "
            "entry-point name and the manifest name must agree."
        )
    wanted_major = manifest.api_version.split(".")[0]
    if wanted_major != PLUGIN_API_VERSION.split(".")[0]:
        problems.append(
            f"plugin {name!r}: it needs plugin API {manifest.api_version}, this core "
            f"provides {PLUGIN_API_VERSION}; install a matching version."
        )
    return manifest


def make_plugin_manager(
    settings: Settings,
    *,
    builtin: Any,
    extra: Mapping[str, Any] | None = None,
    trace: bool | None = None,
) -> tuple[pluggy.PluginManager, list[LoadedPlugin]]:
    """A fresh PluginManager with core and every enabled plugin, checked.

    ``builtin`` is core's own plugin (``core.builtin``), registered first under the name
    ``core``; the caller hands it in, so that the plugin system stays below the parts the
    built-in plugin uses. ``extra`` maps plugin names to plugin objects available besides the
    installed entry points (tests use it for their fake plugins). Every problem (unknown plugin,
    import error, missing dependency, bad setting) is collected and raised at once as one
    ``PluginError``.
    ``trace`` logs every hook call (``enable_tracing``); None: when ``REGIOKARTE_TRACE_HOOKS``
    is set to something other than 0.
    """
    pm = new_plugin_manager()
    if trace is None:
        trace = os.environ.get(TRACE_ENV, "0").strip().lower() not in ("", "0", "false", "no")
    if trace:
        enable_tracing(pm)
    loaded: list[LoadedPlugin] = []
    core_manifest = builtin.MANIFEST
    pm.register(builtin, name="core")
    loaded.append(LoadedPlugin(core_manifest, builtin, None, "built in"))

    installed: dict[str, Any] = dict(available_plugins())
    installed.update(extra or {})
    enabled = list(settings.plugins.enabled)
    problems: list[str] = []
    seen: set[str] = set()
    for name in enabled:
        if name in seen:
            problems.append(f"plugins.enabled names {name!r} twice; list each plugin once.")
            continue
        seen.add(name)
        if name == "core":
            problems.append("plugins.enabled must not name 'core'; core is always enabled.")
            continue
        if name not in installed:
            known = ", ".join(sorted(installed)) or "none"
            problems.append(
                f"plugins.enabled names {name!r}, which is not installed; installed "
                f"plugins are: {known}."
            )
            continue
        source = installed[name]
        try:
            module = source.load() if isinstance(source, metadata.EntryPoint) else source
        except Exception as exc:  # noqa: BLE001 - any import error of a plugin is reported
            problems.append(f"plugin {name!r} cannot be loaded: {type(exc).__name__}: {exc}.")
            continue
        manifest = _manifest_of(name, module, problems)
        if manifest is None:
            continue
        for needed in manifest.requires:
            if needed not in enabled:
                problems.append(
                    f"plugin {name!r} requires plugin {needed!r}; add it to plugins.enabled."
                )
            elif enabled.index(needed) > enabled.index(name):
                problems.append(
                    f"plugin {name!r} requires plugin {needed!r}, which must come "
                    "before it in plugins.enabled."
                )
        plugin_settings = None
        options = settings.plugins.options.get(name, {})
        if not isinstance(options, Mapping):
            problems.append(f"plugins.{name} must be a table of settings, not {options!r}.")
            continue
        if manifest.settings is not None:
            try:
                plugin_settings = structure_settings(options, manifest.settings, f"plugins.{name}")
            except ConfigError as exc:
                problems.extend(
                    f"plugin {name!r}: {m}"
                    for m in exc.errors.get(f"plugins.{name}", [exc.message])
                )
                continue
            # rules across several settings: a settings class may list them in problems()
            check = getattr(plugin_settings, "problems", None)
            found = list(check()) if callable(check) else []
            if found:
                problems.extend(f"plugin {name!r}: plugins.{name}.{p}" for p in found)
                continue
        elif options:
            problems.append(
                f"plugin {name!r} takes no settings, but plugins.{name} sets "
                f"{', '.join(sorted(options))}."
            )
            continue
        loaded.append(
            LoadedPlugin(
                manifest,
                module,
                plugin_settings,
                "test" if extra and name in extra else "entry point",
            )
        )

    for name in settings.plugins.options:
        if name not in installed and name not in seen:
            problems.append(
                f"plugins.{name} configures a plugin that is not installed; "
                "remove the table or install the plugin."
            )

    if problems:
        raise PluginError(
            "The plugin configuration is invalid:\n- " + "\n- ".join(problems),
            {"plugins": problems},
        )
    for plugin in loaded[1:]:
        try:
            pm.register(plugin.module, name=plugin.name)
        except ValueError as exc:
            raise PluginError(f"plugin {plugin.name!r} cannot be registered: {exc}.") from None
        _register_translations(plugin.name, plugin.module)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            f"A plugin implements a hook that does not exist: {exc}. "
            "Check the spelling against core/plugins/hookspecs.py."
        ) from None
    return pm, loaded


def _register_translations(name: str, module: Any) -> None:
    """A plugin's own catalog: ``locale/`` next to its package's ``__init__.py`` (domain = name)."""
    where = getattr(module, "__file__", None)
    if where is None:
        return
    try:
        package_catalog(name, where)
    except (ValueError, FileNotFoundError) as exc:
        raise PluginError(
            f"plugin {name!r} brings a translation catalog that cannot be used: {exc}"
        ) from None
