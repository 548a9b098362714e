"""Regenerate the generated documentation: ``python -m core.docs``."""

from __future__ import annotations

from pathlib import Path

from core.settings import settings_markdown

DOCS = Path("docs")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "configuration.md").write_text(settings_markdown(), encoding="utf-8")
    print(f"wrote {DOCS / 'configuration.md'}")


if __name__ == "__main__":
    main()
