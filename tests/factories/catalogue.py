"""Factories for the catalogue: scientists, fonds, series, items, interviews and their segments."""

import factory
from factory.django import DjangoModelFactory

from archive_collections.models import (
    ConsentStatus,
    Discipline,
    Fonds,
    IndexSegment,
    Interview,
    Item,
    Scientist,
    Series,
    TranscriptSegment,
)


class DisciplineFactory(DjangoModelFactory):
    class Meta:
        model = Discipline
        django_get_or_create = ("name",)

    name = factory.Iterator(["物理学", "数学", "力学", "地质学", "农学", "化学"])


class ScientistFactory(DjangoModelFactory):
    class Meta:
        model = Scientist

    identifier = factory.Sequence(lambda n: f"scientist-{n}")
    name = factory.Sequence(lambda n: f"科学家{n}")
    birth_year = 1911
    birth_date_text = "1911年"
    birth_place = "上海"
    summary = "演示用的科学家记录"


class FondsFactory(DjangoModelFactory):
    class Meta:
        model = Fonds

    identifier = factory.Sequence(lambda n: f"F{n:04d}")
    title = factory.LazyAttribute(lambda o: f"{o.scientist.name}学术成长资料")
    scientist = factory.SubFactory(ScientistFactory)
    date_text = "1930—2000"


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = Series

    identifier = factory.Sequence(lambda n: f"S{n:04d}")
    title = "手稿"
    fonds = factory.SubFactory(FondsFactory)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    identifier = factory.Sequence(lambda n: f"IT-{n:05d}")
    title = factory.Sequence(lambda n: f"手稿第{n}号")
    item_type = "manuscript"
    series = factory.SubFactory(SeriesFactory)
    date_text = "1956年3月"
    access_level = "public"


class InterviewFactory(DjangoModelFactory):
    class Meta:
        model = Interview

    item = factory.SubFactory(ItemFactory, item_type="oral_history", title="口述访谈")
    interviewee = factory.LazyAttribute(lambda o: o.item.series.fonds.scientist)
    interviewers = "采集小组"
    duration_ms = 60_000
    # A valid record by default: a public interview needs a signed release (Interview.clean).
    consent = factory.LazyAttribute(
        lambda o: ConsentStatus.SIGNED if o.item.access_level == "public" else ConsentStatus.PENDING
    )


class TranscriptSegmentFactory(DjangoModelFactory):
    class Meta:
        model = TranscriptSegment

    interview = factory.SubFactory(InterviewFactory)
    start_ms = factory.Sequence(lambda n: n * 5000)
    end_ms = factory.LazyAttribute(lambda o: o.start_ms + 4500)
    speaker = "受访人"
    text = "我小时候在上海读书。"


class IndexSegmentFactory(DjangoModelFactory):
    class Meta:
        model = IndexSegment

    interview = factory.SubFactory(InterviewFactory)
    start_ms = 0
    title = "童年与求学"
    synopsis = "谈到少年时代的读书经历。"


class RecordedInterviewFactory(InterviewFactory):
    """An interview as the importer leaves it: a timed transcript and an index over it.

    ``RecordedInterviewFactory(segments=5)`` makes five transcript segments, back to back from
    zero, and one index segment per three of them."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def segments(obj: Interview, create: bool, extracted: int | None, **kwargs: object) -> None:
        if not create:
            return
        count = 3 if extracted is None else extracted
        spoken = [
            TranscriptSegmentFactory(
                interview=obj, start_ms=n * 5000, end_ms=n * 5000 + 4500, text=f"第{n + 1}段回忆。"
            )
            for n in range(count)
        ]
        for n, first in enumerate(spoken[::3], start=1):
            IndexSegmentFactory(interview=obj, start_ms=first.start_ms, title=f"第{n}部分")
        obj.duration_ms = max(obj.duration_ms or 0, count * 5000)
        obj.save(update_fields=["duration_ms"])
