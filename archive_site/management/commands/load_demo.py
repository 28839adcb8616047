"""manage.py load_demo [--force-media] — the demo archive, loaded the way curators import.

Generates the demo media (skipping files already made), imports fixtures/demo through the same
importer as `import_archive`, creates the demo accounts, features a few scientists on the home
page, loads the theme exhibition and rebuilds the search index. Running it again changes nothing.
It touches the demo data, the catalogue, the pipeline, exhibits and search, so it lives in the
orchestration layer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive_collections import access_request_demo
from archive_collections.importer import no_progress
from archive_collections.importer.progress import tqdm_progress
from archive_collections.models import Scientist
from archive_site.importing import run_import
from archive_site.oversight.demo import load as load_oversight_demo
from archive_site.partners import demo as partner_demo
from exhibits.demo import load_theme_exhibition
from exhibits.models import HomePage
from fixtures.generate_media import DEMO_DIR, generate_demo_media
from media_pipeline.microvideo.demo import make_demo_media
from search.demo import build_search_index

DEFAULT_PASSWORD = "archive-demo"  # noqa: S105 — a demo login, refused when DEBUG is off
ADMIN = ("admin", "DEMO_ADMIN_PASSWORD")
RESEARCHER = ("researcher", "DEMO_RESEARCHER_PASSWORD")
RESEARCHERS_GROUP = "研究人员"  # created by collections migration 0002_access_groups
# The home page in English (the Chinese is the page migration 0002 of exhibits creates).
HOME_TITLE_EN = "Old Scientists' Academic Growth Collection Project"
HOME_INTRODUCTION_EN = (
    "<p>This is the archive of the Old Scientists' Academic Growth Collection Project: "
    "oral-history interviews, manuscripts, letters, photographs, certificates, publications and "
    "objects, with exhibitions that tell how the scientists grew up and what drove their work.</p>"
)

FEATURED_SCIENTISTS = [
    "qian-xuesen",
    "hua-luogeng",
    "tu-youyou",
    "yuan-longping",
    "deng-jiaxian",
    "zhu-kezhen",
]


class Command(BaseCommand):
    help = _(
        "Load the demo archive: generate its media, import fixtures/demo through the "
        "importer and create the demo accounts. A second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force-media",
            action="store_true",
            help=_("regenerate every demo media file, even intact ones"),
        )
        parser.add_argument(
            "--manifest",
            type=Path,
            default=DEMO_DIR,
            help=_(
                "the demo manifest folder; generated media go into its "
                "media/ subfolder (default: fixtures/demo)"
            ),
        )

    def handle(self, *args: Any, force_media: bool, manifest: Path, **options: Any) -> None:
        self.verbose = options.get("verbosity", 1) > 0
        accounts = self.accounts_to_create()  # before the slow work: a refusal comes first
        self.generate_media(manifest, force_media)
        self.import_manifest(manifest)
        self.heading(_("Accounts"))
        self.create_accounts(accounts)
        self.heading(_("Home page"))
        self.feature_scientists()
        self.english_home()
        self.heading(_("Micro-videos"))
        make_demo_media(log=self.log)
        self.heading(_("Theme exhibition"))
        load_theme_exhibition(log=self.log)
        self.heading(_("Access requests"))
        access_request_demo.load(log=self.log)
        self.heading(_("Publishing oversight"))
        load_oversight_demo(log=self.log)
        self.heading(_("Partner network"))
        partner_demo.load(
            DEFAULT_PASSWORD if settings.DEBUG else None,
            log=self.log,
            say=lambda line: self.stdout.write(self.style.SUCCESS(line)),
        )
        self.heading(_("Demo traffic"))
        # A week of views for the impact dashboard; days already counted are kept as they are.
        call_command("generate_demo_traffic", days=7, stdout=self.stdout)
        self.heading(_("Search index"))
        build_search_index(log=self.log)

    def log(self, line: str) -> None:
        if self.verbose:
            self.stdout.write(line)

    def heading(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def generate_media(self, manifest: Path, force: bool) -> None:
        self.heading(_("Generating demo media in %(path)s") % {"path": manifest / "media"})
        progress = (lambda line: self.stdout.write("  " + line)) if self.verbose else None
        try:
            result = generate_demo_media(
                manifest / "media", force=force, manifest_dir=manifest, progress=progress
            )
        except (RuntimeError, ValueError, OSError) as exc:  # MissingFont, MissingTool included
            raise CommandError(
                _("Could not generate the demo media: %(error)s") % {"error": exc}
            ) from exc
        self.stdout.write(
            _("  %(made)d file(s) generated, %(kept)d already present and intact")
            % {"made": len(result.generated), "kept": len(result.skipped)}
        )

    def import_manifest(self, manifest: Path) -> None:
        self.heading(_("Importing %(path)s") % {"path": manifest})
        report = run_import(manifest, progress=tqdm_progress if self.verbose else no_progress)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(
                _("The demo manifest has %(n)d problem(s); nothing was imported.")
                % {"n": len(report.problems)}
            )
        if report.file_errors:
            raise CommandError(
                _("%(n)d demo file(s) could not be ingested; see above.")
                % {"n": len(report.file_errors)}
            )

    def password(self, variable: str) -> tuple[str, str]:
        """The password to set and how to show it (an explicit one is never echoed)."""
        if os.environ.get(variable):
            return os.environ[variable], _("(password from %(var)s)") % {"var": variable}
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "Set %(var)s to create the demo accounts: the well-known default password is "
                    "only used when DEBUG is on."
                )
                % {"var": variable}
            )
        return DEFAULT_PASSWORD, DEFAULT_PASSWORD

    def accounts_to_create(self) -> list[tuple[str, str, str, Group | None]]:
        """(username, password, how to show it, group) for each demo account still missing."""
        users = get_user_model().objects
        group = Group.objects.filter(name=RESEARCHERS_GROUP).first()
        if group is None:
            self.stdout.write(
                _("No “%(group)s” group, so no demo researcher account will be created.")
                % {"group": RESEARCHERS_GROUP}
            )
        wanted = [(ADMIN, None), *([(RESEARCHER, group)] if group else [])]
        return [
            (username, *self.password(variable), member_of)
            for (username, variable), member_of in wanted
            if not users.filter(username=username).exists()
        ]

    def create_accounts(self, accounts: list[tuple[str, str, str, Group | None]]) -> None:
        users = get_user_model().objects
        for username, password, shown, group in accounts:
            create = users.create_superuser if username == ADMIN[0] else users.create_user
            user = create(username=username, email=f"{username}@example.org", password=password)
            if group:
                user.groups.add(group)
            self.stdout.write(
                self.style.SUCCESS(
                    _("  created %(user)s — log in as %(user)s / %(password)s")
                    % {"user": username, "password": shown}
                )
            )
        if not accounts:
            self.stdout.write(_("  the demo accounts already exist; left unchanged"))

    def english_home(self) -> None:
        """Give the home page its English title and introduction when it has none yet."""
        for page in HomePage.objects.all():
            if page.title_en or page.introduction_en or page.has_unpublished_changes:
                continue
            page.title_en, page.introduction_en = HOME_TITLE_EN, HOME_INTRODUCTION_EN
            page.save_revision(log_action=True).publish()
            self.log(_("  %(page)s: English title and introduction added") % {"page": page.title})

    def feature_scientists(self) -> None:
        """Fill an empty featured list; a list a curator has set is theirs and is kept."""
        present = set(
            Scientist.objects.filter(identifier__in=FEATURED_SCIENTISTS).values_list(
                "identifier", flat=True
            )
        )
        value = ", ".join(i for i in FEATURED_SCIENTISTS if i in present)
        pages = list(HomePage.objects.all())
        if not pages:
            self.stdout.write(_("  no home page exists; featured scientists not set"))
        for page in pages:
            if page.featured_scientists:
                self.stdout.write(
                    _("  %(page)s already features: %(value)s")
                    % {"page": page.title, "value": page.featured_scientists}
                )
                continue
            if page.has_unpublished_changes:
                self.stdout.write(
                    _(
                        "  %(page)s has an unpublished draft; featured scientists not "
                        "set, so the draft is not published"
                    )
                    % {"page": page.title}
                )
                continue
            page.featured_scientists = value
            page.save_revision(log_action=True).publish()
            self.stdout.write(
                self.style.SUCCESS(
                    _("  %(page)s now features: %(value)s") % {"page": page.title, "value": value}
                )
            )
