"""The translation catalogs of the project: extract, update, compile, fill, check.

``make translations`` runs ``update``: for every domain ``pybabel extract`` (German source
texts of ``locale/messages.toml`` -> ``messages.pot``), ``pybabel init``/``update`` per
language (a changed German text turns its translations fuzzy) and ``pybabel compile``.
``make install`` runs ``compile`` only.

``fill <locale folder> <lang> <file.toml>`` writes translations (``key = "text"``) into a
language's ``.po`` file: it refuses keys the source lacks and texts whose ``{placeholders}``
differ from the German, and clears the fuzzy mark of what it fills.

``check`` lists what is missing, fuzzy or stale in any language (exit status 1 if anything).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.i18n import placeholders, read_source  # noqa: E402

# the domains outside plugins; every plugins/<name>/locale is the domain <name>
IN_TREE = {
    "core": "core/locale",
    "questionnaire": "core/portal/locale",
    "alerts": "core/portal/alerts/locale",
    "portal": "webapp/portal/locale",
    "admin": "webapp/admin/locale",
}
LANGUAGES = ("en", "tr", "ar")
PROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
# the admin area is German and English only
ONLY = {"admin": ("en",)}
HEADER = (
    "Translations of regiokarte ({domain}) into {language}.\n"
    "Machine-assisted translation: to be reviewed by the operator. Correct a text without a\n"
    "code change in the folder named by [portal] translations (docs/translations.md)."
)


HEADER_EN = (
    "Translations of regiokarte ({domain}) into {language}, written with the German texts.\n"
    "Correct a text without a code change in the folder named by [portal] translations\n"
    "(docs/translations.md)."
)


def domains() -> dict[str, Path]:
    """Every catalog of the tree: domain -> locale folder (those with a messages.toml)."""
    found = {name: ROOT / path for name, path in IN_TREE.items()}
    for folder in sorted((ROOT / "plugins").glob("*/locale")):
        found[folder.parent.name] = folder
    # the example plugins outside the tree's packages (examples/regiokarte-x/regiokarte_x/locale)
    for folder in sorted((ROOT / "examples").glob("*/*/locale")):
        found[folder.parent.name.removeprefix("regiokarte_")] = folder
    return {name: path for name, path in found.items() if (path / "messages.toml").is_file()}


def languages(domain: str) -> tuple[str, ...]:
    return ONLY.get(domain, LANGUAGES)


def pybabel(*args: str) -> None:
    command = [str(Path(sys.executable).with_name("pybabel")), "-q", *args]
    subprocess.run(command, check=True, cwd=ROOT)


_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)


def _undated(content: bytes) -> bytes:
    return _DATES.sub(b"", content)


def update() -> None:
    """Extract, update, compile; a file whose only change would be a date is left as it was
    (so running it changes no file unless a text changed, and branches do not collide)."""
    before = {
        path: path.read_bytes()
        for folder in domains().values()
        for path in [*folder.glob("messages.pot"), *folder.glob("*/LC_MESSAGES/*.po")]
    }
    _update()
    for path, old in before.items():
        if path.is_file() and _undated(path.read_bytes()) == _undated(old):
            path.write_bytes(old)
    compile_all()


def _update() -> None:
    for domain, folder in domains().items():
        pot = folder / "messages.pot"
        pybabel(
            "extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "--sort-output",
            "--project", "regiokarte", "-c", "TRANSLATORS:", "-o", str(pot),
            str(folder / "messages.toml"),
        )  # fmt: skip
        for lang in languages(domain):
            po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
            verb = "update" if po.is_file() else "init"
            extra = ["--ignore-obsolete"] if verb == "update" else []
            pybabel(verb, "-i", str(pot), "-d", str(folder), "-D", domain, "-l", lang, *extra)
            _set_header(po, domain, lang)


def compile_all() -> None:
    for domain, folder in domains().items():
        for lang in languages(domain):
            if (folder / lang / "LC_MESSAGES" / f"{domain}.po").is_file():
                pybabel("compile", "-d", str(folder), "-D", domain, "-l", lang)


def _set_header(po: Path, domain: str, lang: str) -> None:
    """The catalog's header says who translated it: machine-assisted, for the operator's review."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    from babel import Locale

    name = Locale.parse(lang).english_name
    wanted = {
        "header_comment": "# "
        + (HEADER if lang != "en" else HEADER_EN)
        .format(domain=domain, language=name)
        .replace("\n", "\n# "),
        "project": "regiokarte",
        "version": PROJECT_VERSION,
        "msgid_bugs_address": "",
        "last_translator": (
            "regiokarte maintainers" if lang == "en" else "machine-assisted, not yet reviewed"
        ),
        "language_team": name if lang == "en" else f"{name} (machine-assisted; review pending)",
    }
    if any(getattr(catalog, key) != value for key, value in wanted.items()):
        for key, value in wanted.items():
            setattr(catalog, key, value)
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True)


def fill(folder: Path, lang: str, file: Path) -> int:
    domain = next((d for d, f in domains().items() if f.resolve() == folder.resolve()), None)
    if domain is None:
        print(f"{folder} is no catalog folder (no messages.toml).", file=sys.stderr)
        return 2
    po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        print(f"{po} does not exist: run `make translations` first.", file=sys.stderr)
        return 2
    with file.open("rb") as fh:
        given = tomllib.load(fh)
    flat: dict[str, str] = {}
    _flatten(given, "", flat)
    source = read_source(folder / "messages.toml")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    by_key = {m.context: m for m in catalog if m.context}
    problems = []
    for key, text in flat.items():
        if key not in source:
            problems.append(f"{key}: not in {folder / 'messages.toml'}")
        elif placeholders(text) != placeholders(source[key]):
            problems.append(
                f"{key}: placeholders {sorted(placeholders(text))} differ from the German "
                f"{sorted(placeholders(source[key]))}"
            )
        elif key not in by_key:
            problems.append(f"{key}: not in {po} yet; run `make translations` first")
    if problems:
        print("Nothing written; fix these first:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 1
    for key, text in flat.items():
        message = by_key[key]
        message.string = text
        message.flags.discard("fuzzy")
        message.previous_id = []
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    print(f"{po}: {len(flat)} texts written.")
    return 0


def _flatten(table: dict, prefix: str, into: dict[str, str]) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", into)
        else:
            into[f"{prefix}{key}"] = str(value)


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def problems() -> list[str]:
    """What a configured language lacks: missing, fuzzy, stale or placeholder-broken texts."""
    out = []
    for domain, folder in domains().items():
        source = read_source(folder / "messages.toml")
        for lang in languages(domain):
            po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
            if not po.is_file():
                out.append(f"{domain}/{lang}: no catalog {_shown(po)}")
                continue
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            seen = set()
            for message in catalog:
                if not message.context:
                    continue
                key, seen = message.context, seen | {message.context}
                if key not in source:
                    out.append(f"{domain}/{lang}: {key} is stale (no longer in the source)")
                elif message.id != source[key]:
                    out.append(f"{domain}/{lang}: {key} translates an older German text")
                elif message.fuzzy:
                    out.append(f"{domain}/{lang}: {key} is fuzzy (review the translation)")
                elif not message.string:
                    out.append(f"{domain}/{lang}: {key} is not translated")
                elif placeholders(str(message.string)) != placeholders(source[key]):
                    out.append(f"{domain}/{lang}: {key} has other placeholders than the German")
            for key in sorted(set(source) - seen):
                out.append(f"{domain}/{lang}: {key} is missing (run `make translations`)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="extract, update and compile every catalog")
    sub.add_parser("compile", help="compile every catalog to .mo")
    sub.add_parser("check", help="list missing, fuzzy and stale translations")
    sub.add_parser("domains", help="list the catalogs")
    filling = sub.add_parser("fill", help="write translations from a TOML file into a .po")
    filling.add_argument("folder", type=Path)
    filling.add_argument("lang")
    filling.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    elif args.command == "domains":
        for domain, folder in domains().items():
            print(f"{domain}\t{_shown(folder)}\t{' '.join(languages(domain))}")
    elif args.command == "check":
        found = problems()
        print("\n".join(found) or "Every catalog is complete.")
        return 1 if found else 0
    elif args.command == "fill":
        return fill(args.folder, args.lang, args.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
