"""Settings shared by every environment; everything that varies comes from the environment.

Production (production.py) builds on this and refuses to start without its secrets; dev and test
add conveniences. See docs/ARCHITECTURE.md for the service matrix.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from archive_site.security import media_origins

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The orchestration layer (archive_site/apps.py). First, so its templates (base.html, error
    # pages) and static files take precedence over the apps' own, as a project folder's would.
    "archive_site",
    "archive_site.analytics",  # counting without tracking, the impact dashboard (docs/ANALYTICS.md)
    "archive_collections",
    "media_pipeline",
    "media_pipeline.microvideo",
    "search",
    "exhibits",
    # Pre-publish checks, term list, audits (archive_site/oversight).
    "archive_site.oversight",
    # The partner network 共建共享: organisations, contributions, review, resource library.
    "archive_site.partners",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    # Wagtail's API tokens: the model, `manage.py api_tokens create`, the admin listing
    # (Settings → API tokens); archive_site/api authenticates `Authorization: Bearer` with them.
    "wagtail.api.v3",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # django-ninja: the API docs page uses its templates and its own static Swagger UI files.
    "ninja",
    # Login throttling: failed logins per username + address, lockout page in Chinese.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP on every response (archive_site/security.py), then a database outage turned
    # into a 503 (archive_site/outage.py) inside it, so the outage page carries the policy too.
    "archive_site.security.ContentSecurityPolicyMiddleware",
    "archive_site.outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "archive_site.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's user for chooser widgets, which render records without the request
    # (archive_collections/admin/access.py: a hidden record shows without its title).
    "archive_collections.admin.access.RequestUserMiddleware",
    # Answers to a signed-in user or an API token are `Cache-Control: private`.
    "archive_site.caching.PrivateForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The admin tells a curator of each long job of theirs that ended while no progress bar
    # watched it, once, on their next admin page (media_pipeline/admin_progress.py).
    "media_pipeline.admin_progress.JobNotificationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Anonymous public pages rendered once, served from the cache (archive_site/
    # caching.py); inside everything that adds per-request headers, cookies and nonces.
    "archive_site.caching.AnonymousPageCacheMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "archive_site.wsgi.application"

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (or anything dj-database-url
# understands). Tests run the suite on both.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder: a fresh clone has no var/ until this runs.
    _sqlite_file = str(DATABASES["default"]["NAME"] or "")
    if _sqlite_file and not _sqlite_file.startswith((":", "file:")):  # not in-memory
        Path(_sqlite_file).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the task worker write while the site reads.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English available to visitors and curators.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Files: local by default; S3 (django-storages) when AWS_STORAGE_BUCKET_NAME is set.
# Masters and derivatives of archive files are private storages: every byte of them is served by
# media_pipeline's access-checked views, so a restricted item's thumbnail cannot be fetched by
# guessing its checksum. `default` holds Wagtail's own images and documents.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "us-east-1")
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    # Media pipeline / S3 (media_pipeline/s3.py, scripts/services/s3.sh). Credentials come from
    # boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, instance roles). MinIO,
    # moto and most S3-compatible servers need path-style addressing: AWS_S3_ADDRESSING_STYLE=path.
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or None
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    # Signed URLs (Wagtail's own images/documents in `default`) expire after this many seconds.
    AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600"))
    # Files read through the Storage API are spooled to disk above 16 MB; the default (0 = never)
    # would hold a whole interview video in memory while ffmpeg's local copy is written.
    AWS_S3_MAX_MEMORY_SIZE = 16 * 1024 * 1024
    _s3 = "storages.backends.s3.S3Storage"
    STORAGES = {
        "default": {"BACKEND": _s3, "OPTIONS": {"location": "public"}},
        "masters": {"BACKEND": _s3, "OPTIONS": {"location": "masters"}},
        "derivatives": {"BACKEND": _s3, "OPTIONS": {"location": "derivatives"}},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "masters": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Outside MEDIA_ROOT: masters are never served directly, only through access checks.
            "OPTIONS": {"location": str(BASE_DIR / "var" / "masters"), "base_url": None},
        },
        "derivatives": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(BASE_DIR / "var" / "derivatives"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Background work: django-tasks with the database backend (a worker runs `manage.py db_worker`).
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous page cache (archive_site/caching.py): how long a rendered page is kept (0 switches the
# cache off); any publish or catalogue change makes every kept page stale at once. With a
# per-process cache (local memory) the generation that marks them stale is this file, which
# every worker on the machine reads; with Redis it is kept in Redis.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long a front cache (nginx, deploy/nginx/archive.conf) keeps a page before asking again:
# a publish reaches anonymous visitors within this (docs/DEPLOYMENT.md). 0: it keeps no page.
FRONT_CACHE_SECONDS = int(os.environ.get("FRONT_CACHE_SECONDS", "10"))
PAGE_CACHE_GENERATION_FILE = Path(
    os.environ.get("PAGE_CACHE_GENERATION_FILE", BASE_DIR / "var" / "page-cache-generation")
)
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Media pipeline / tasks: with REDIS_URL, tasks go to Redis through django-tasks-rq and
    # workers run `manage.py rqworker default --with-scheduler --job-class
    # django_tasks_rq.backend.Job` instead of db_worker (the scheduler runs deferred retries; the
    # job class is what makes rq call django-tasks' Task objects).
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Search — Elasticsearch engine (search/engines/elasticsearch.py): the alias searched and written
# (each rebuild loads `<alias>-<timestamp>` and swaps the alias), and how long a search may take
# before the page answers from the database engine instead.
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "archive")
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "5"))
ELASTICSEARCH_BULK_TIMEOUT = float(os.environ.get("ELASTICSEARCH_BULK_TIMEOUT", "120"))
# Primary shards of each new index generation: a search runs on its shards in parallel, so two
# use both cores of a small single node (measured on 500k documents); clusters set their own.
ELASTICSEARCH_SHARDS = int(os.environ.get("ELASTICSEARCH_SHARDS", "2"))
# Replicas of each shard: 0 on one node; 1 on a cluster, so losing a node loses no document.
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))

WAGTAIL_SITE_NAME = "老科学家学术成长资料采集工程 · 档案与展览"
# The public site's name when a visitor switches it to English (archive_collections/bilingual.py).
SITE_NAME_EN = "Old Scientists' Academic Growth Collection · Archive and Exhibitions"
# No Gravatar: the admin would send a hash of each user's e-mail to gravatar.com, and the CSP
# (images from this site only) refuses it anyway; Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The dashboard's upgrade check fetches releases.wagtail.org, which the admin's CSP refuses
# (connect-src 'self'): every dashboard view logged three errors. Upgrades follow pyproject.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Search — engine selection (search/engines/__init__.py): Elasticsearch when ELASTICSEARCH_URL is
# set (the database index is still written, and answers with a notice when ES is unreachable),
# else the database engine. Wagtail's own admin search follows the same switch: its backend
# (search/wagtail_backend.py) is Wagtail's Elasticsearch 8 one, falling back to core-only analysis
# on a node without the analysis-common module; its indices are `<ELASTICSEARCH_INDEX>-wagtail-`
# + `wagtailcore_page`, `wagtailimages_image`… (filled by `manage.py update_index`).
SEARCH_ENGINE = "elasticsearch" if ELASTICSEARCH_URL else "database"
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.wagtail_backend",
            "URLS": env_list("ELASTICSEARCH_URL"),  # one node, or several comma-separated
            "INDEX_PREFIX": f"{ELASTICSEARCH_INDEX}-wagtail-",
            "TIMEOUT": ELASTICSEARCH_TIMEOUT,
        }
    }
else:
    # Wagtail's database backend fed the product's Chinese analysis (search/wagtail_db_backend.py):
    # a word inside a longer Chinese title or body, or its traditional form, is found.
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_db_backend"}}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "tif", "tiff"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "csv", "xlsx", "docx", "vtt", "srt", "xml"]

# Bulk import: manifests may only reference files below these folders (path traversal guard).
ARCHIVE_IMPORT_ROOTS = [Path(p) for p in env_list("ARCHIVE_IMPORT_ROOTS")] or [
    BASE_DIR / "var" / "import",
    BASE_DIR / "fixtures",
]
MEDIA_MAX_FILE_BYTES = int(os.environ.get("MEDIA_MAX_FILE_BYTES", str(4 * 1024**3)))
MEDIA_MAX_IMAGE_PIXELS = int(os.environ.get("MEDIA_MAX_IMAGE_PIXELS", "200000000"))
# Media pipeline — IIIF (media_pipeline/iiif/tiles.py): PDF pages beyond this many are not tiled
# for the deep-zoom viewer (they stay readable in the PDF download); the step's record says so.
MEDIA_IIIF_MAX_PDF_PAGES = int(os.environ.get("MEDIA_IIIF_MAX_PDF_PAGES", "2000"))
# Media pipeline — IIIF regions (media_pipeline/iiif/render.py): the largest image the service
# renders on request (info.json maxWidth, which is also the height limit, and maxArea in pixels);
# larger sizes answer 400. At least 1024 and 1024² (the static sizes must fit).
MEDIA_IIIF_MAX_WIDTH = int(os.environ.get("MEDIA_IIIF_MAX_WIDTH", "4000"))
MEDIA_IIIF_MAX_AREA = int(os.environ.get("MEDIA_IIIF_MAX_AREA", "12000000"))
# Media pipeline — audio/video (media_pipeline/av.py): web.mp4 fits within these sides.
MEDIA_WEB_VIDEO_SHORT_SIDE = int(os.environ.get("MEDIA_WEB_VIDEO_SHORT_SIDE", "720"))
MEDIA_WEB_VIDEO_LONG_SIDE = int(os.environ.get("MEDIA_WEB_VIDEO_LONG_SIDE", "1280"))
# Media pipeline — retries (media_pipeline/retry.py): temporary errors are retried after
# BACKOFF × 2^(attempt-1) seconds (capped), up to MAX_ATTEMPTS; a file PROCESSING for longer than
# MEDIA_PROCESSING_TIMEOUT seconds is taken as abandoned by `manage.py retry_files`.
MEDIA_RETRY_MAX_ATTEMPTS = int(os.environ.get("MEDIA_RETRY_MAX_ATTEMPTS", "5"))
MEDIA_RETRY_BACKOFF_SECONDS = int(os.environ.get("MEDIA_RETRY_BACKOFF_SECONDS", "60"))
MEDIA_RETRY_BACKOFF_MAX_SECONDS = int(os.environ.get("MEDIA_RETRY_BACKOFF_MAX_SECONDS", "3600"))
MEDIA_PROCESSING_TIMEOUT = int(os.environ.get("MEDIA_PROCESSING_TIMEOUT", str(6 * 3600)))
# Media pipeline — admin upload (media_pipeline/admin_upload.py): the largest request of files a
# curator may upload onto an item at once, and how many files (a folder of page scans).
MEDIA_ADMIN_UPLOAD_MAX_BYTES = int(os.environ.get("MEDIA_ADMIN_UPLOAD_MAX_BYTES", str(2 * 1024**3)))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "1000"))
# The resource library's download package (archive_site/partners/library/packaging.py): a
# resource whose masters add up to more is refused with a page, never zipped.
RESOURCE_PACKAGE_MAX_BYTES = int(os.environ.get("RESOURCE_PACKAGE_MAX_BYTES", str(2 * 1024**3)))
ARCHIVE_IMPORT_MAX_ROWS = int(os.environ.get("ARCHIVE_IMPORT_MAX_ROWS", "200000"))
ARCHIVE_IMPORT_MAX_BYTES = int(os.environ.get("ARCHIVE_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# A 2,000-segment interview edited inline posts ~14,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 30000

# Oral history (archive_collections/oral_history): the largest transcript/index file accepted
# (WebVTT, SRT, text, DOCX, OHMS XML). A 3-hour Chinese transcript is well under 1 MB as text.
ORAL_HISTORY_MAX_FILE_BYTES = int(
    os.environ.get("ORAL_HISTORY_MAX_FILE_BYTES", str(20 * 1024 * 1024))
)

# OCR and PDF text (media_pipeline/ocr, media_pipeline/pdf.py). Files whose ItemFile.ocr is left
# empty are OCR'd automatically when their item's type is one of MEDIA_OCR_ITEM_TYPES (PDF pages
# without a text layer always are); set to an empty string to switch automatic OCR off.
# OCR_THREADS caps onnxruntime's threads per worker process (0: one per core). Run one worker
# per core with OCR_THREADS=1 for throughput, as scripts/demo.sh does.
MEDIA_OCR_ITEM_TYPES = env_list(
    "MEDIA_OCR_ITEM_TYPES", "manuscript,letter,certificate,document,publication"
)
OCR_THREADS = int(os.environ.get("OCR_THREADS", "0"))

LOGIN_URL = "wagtailadmin_login"

# Content-Security-Policy (django-csp 4, archive_site/security.py, which also widens it for
# Wagtail's admin and the Mirador page, and says why). Inline <script>/<style> need the request's
# nonce; style="" attributes are allowed because templates position crops and highlight boxes
# with them, which must work without JavaScript (they cannot run code or load anything).
_FILE_ORIGINS = (
    media_origins(
        AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_ADDRESSING_STYLE, AWS_S3_REGION_NAME
    )
    if AWS_STORAGE_BUCKET_NAME
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, *_FILE_ORIGINS],
        "media-src": [SELF, *_FILE_ORIGINS],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Sites that may frame the embed pages (/embed/…, archive_site/partners/embeds) besides those each
# partner organisation lists; comma-separated origins such as https://kxj.example.org.cn. Every
# other page keeps frame-ancestors 'self' and X-Frame-Options.
EMBED_FRAME_ORIGINS = env_list("EMBED_FRAME_ORIGINS")
EMBED_ORIGINS_CACHE_SECONDS = int(os.environ.get("EMBED_ORIGINS_CACHE_SECONDS", "300"))

# The secret nginx sends with its report of each /files/ answer (deploy/nginx/archive.conf, the
# @COUNT_SECRET@ word): files served from its cache are counted too (docs/ANALYTICS.md). Empty:
# the report is refused and each file view counts itself, as without the front cache.
ANALYTICS_FRONT_SECRET = os.environ.get("ANALYTICS_FRONT_SECRET", "")

# Login throttling (django-axes): five failed logins for one username from one address lock that
# pair out for AXES_COOLOFF_TIME (another failure while locked out restarts it); a success resets
# the count. The client address is REMOTE_ADDR only, so a client cannot pick its own address in
# X-Forwarded-For; behind a proxy set AXES_IPWARE_META_PRECEDENCE_ORDER (docs/DEPLOYMENT.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "archive_site.throttling.lockout_response"  # the Chinese page, 429
# Failures are still logged (with username and address); this only drops the start-up banner
# every manage.py command would print.
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", "REMOTE_ADDR")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Wagtail logs every page save at INFO; its own audit log keeps that history already.
        "wagtail": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
