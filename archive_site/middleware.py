"""Chinese first: the site speaks zh-Hans unless the visitor chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a classroom PC set to
English would get English labels around Chinese records. Here only an explicit choice counts: the
language switcher's cookie, or a signed-in user's admin preference (Wagtail applies that in the
admin itself).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # No `Vary: Accept-Language` (Django's LocaleMiddleware adds it to every answer): the
        # language never comes from that header here, and a front cache would otherwise keep a
        # copy of every public file and tile per browser language.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
