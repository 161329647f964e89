"""Load a deployment's licensed official question wording onto a questionnaire version.

    saferhub manage load_questionnaire_wording dash 1 /secure/dash-wording.toml

The file is TOML with one line per question id (`q01 = "..."`). The repository ships only
ids and short topics (the official DASH wording is copyright); scores never depend on the
wording, so stored assessments are unaffected.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.risk.services import questionnaire_load_wording


class Command(BaseCommand):
    help = 'Load licensed question wording (a TOML file of `id = "text"`) onto a questionnaire version.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Questionnaire code, for example dash")
        parser.add_argument("version", type=int, help="Questionnaire version, for example 1")
        parser.add_argument("path", type=Path, help="TOML file of question id = wording")
        parser.add_argument("--source", default="", help="Where the wording comes from (licence)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        wording = {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
        try:
            questionnaire = questionnaire_load_wording(
                actor=None,
                code=options["code"],
                version=options["version"],
                wording=wording,
                source=options["source"] or path.name,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Loaded wording for {len(wording)} questions of {questionnaire.title} "
            f"(version {questionnaire.version})."
        )
