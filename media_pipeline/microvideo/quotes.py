"""Quote cards: the quote (typed, or the transcript's words in a span), the speaker, the
portrait and a source line, typeset as PNG in both sizes (cards.quote_card) and stored in the
derivatives storage under the fingerprint of what they show."""

from __future__ import annotations

import hashlib
import io
import json

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from media_pipeline.storage import derivative_storage

from . import cards
from .models import CardSize, QuoteCard


def quote_text(card: QuoteCard) -> cards.QuoteText:
    interview = card.interview
    quote = " ".join((card.quote or "").split())
    if not quote and interview is not None and card.start_ms is not None:
        segments = interview.transcript.filter(
            start_ms__lt=card.end_ms, end_ms__gt=card.start_ms
        ).order_by("start_ms", "pk")
        quote = "".join(s.text.strip() for s in segments)
    speaker = card.speaker or (interview.interviewee.name if interview else "")
    source = card.source
    if not source and interview is not None:
        source = _("Oral history %(identifier)s") % {"identifier": interview.item.identifier}
        if interview.interview_date:
            source += f" · {interview.interview_date:%Y-%m-%d}"
    return cards.QuoteText(quote=quote, speaker=speaker, source=source)


def portrait_of(card: QuoteCard):
    if card.portrait_id:
        return card.portrait
    return card.interview.interviewee.portrait if card.interview is not None else None


def sizes() -> dict[str, tuple[int, int]]:
    result = {}
    for value in CardSize.values:
        width, height = value.split("x")
        result[value] = (int(width), int(height))
    return result


def make_quote_card(card: QuoteCard) -> dict[str, str]:
    """Typeset both sizes unless what they show is unchanged; returns {size: stored name,
    "alt": the card's words}."""
    text = quote_text(card)
    image = portrait_of(card)
    key = json.dumps(
        [text.quote, text.speaker, text.source, image.file_hash if image else "", 1],
        ensure_ascii=False,
    )
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    if fingerprint == card.fingerprint and card.images:
        return card.images
    portrait = None
    if image is not None:
        with image.file.open("rb") as fileobj:
            portrait = Image.open(io.BytesIO(fileobj.read()))
            portrait.load()
    storage = derivative_storage()
    stored = {}
    for value, size in sizes().items():
        buffer = io.BytesIO()
        cards.quote_card(size, text, portrait).save(buffer, format="PNG", optimize=True)
        name = f"quotecards/{card.pk}/{fingerprint[:16]}/{value}.png"
        if storage.exists(name):
            storage.delete(name)
        stored[value] = storage.save(name, ContentFile(buffer.getvalue(), name=name))
    for size, old in (card.images or {}).items():
        if size in CardSize.values and old not in stored.values() and storage.exists(old):
            storage.delete(old)
    # What the card says, for the image's alternative text where it is shown.
    stored["alt"] = f"{text.quote} —— {text.speaker}" if text.speaker else text.quote
    QuoteCard.objects.filter(pk=card.pk).update(images=stored, fingerprint=fingerprint)
    card.images, card.fingerprint = stored, fingerprint
    return stored
