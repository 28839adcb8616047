"""A password hasher for laptops and demos (archive_site/settings/dev.py), never production.

Django's PBKDF2 runs 1,000,000 rounds: about 0.35 s of one core per login on this machine, over
a second on a loaded two-core one (docs/ARCHITECTURE.md, *Curators' admin*). A demo does not keep
real passwords, so its logins hash with fewer rounds. The algorithm name stays
``pbkdf2_sha256``: a database moved from a demo to production still verifies, and Django rehashes
each password with production's rounds at its next login.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class DemoPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 60_000
