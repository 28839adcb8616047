"""The demo's theme exhibition "党领导下的中国科学家", built from the demo archive's own records.

Its prose lives in data files, one TOML file per page under fixtures/demo/exhibition/ (the layout
is in files.py, the fields each page type and block may hold in schema.py); loader.py builds the
pages from them. The curators' group is not demo material: exhibits' migration
0004_curators_group creates it on every deployment.
"""

from .files import DemoDataError, read_exhibition
from .loader import load_theme_exhibition

__all__ = ["DemoDataError", "load_theme_exhibition", "read_exhibition"]
