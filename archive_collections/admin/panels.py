"""Edit-form layouts (panels and tabs) for the archive's records."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)

from .choosers import OralHistoryItemChooserWidget
from .forms import InterviewAdminForm
from .widgets import TimecodeInput

scientist_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("name_pinyin")]),
                FieldRowPanel([FieldPanel("identifier"), FieldPanel("gender")]),
                MultiFieldPanel(
                    [
                        FieldRowPanel([FieldPanel("birth_date_text"), FieldPanel("birth_year")]),
                        FieldPanel("birth_place"),
                        FieldRowPanel([FieldPanel("death_date_text"), FieldPanel("death_year")]),
                        FieldPanel("death_place"),
                    ],
                    heading=_("Life dates and places"),
                ),
                FieldPanel("disciplines", widget=forms.CheckboxSelectMultiple),
                FieldPanel("summary"),
                FieldPanel("portrait"),
                MultiFieldPanel(
                    [FieldPanel("summary_en")],
                    heading=_("English"),
                    classname="collapsed",
                    help_text=_(
                        "The English name is the name variant of the kind “English name”, "
                        "else the pinyin."
                    ),
                ),
            ],
            heading=_("Identity"),
        ),
        ObjectList(
            [
                InlinePanel(
                    "names",
                    heading=_("Name variants"),
                    label=_("name variant"),
                    panels=[FieldPanel("name"), FieldPanel("kind"), FieldPanel("note")],
                ),
            ],
            heading=_("Names"),
        ),
        ObjectList(
            [
                InlinePanel("honours", heading=_("Honours"), label=_("honour")),
                InlinePanel("affiliations", heading=_("Institutions"), label=_("institution")),
            ],
            heading=_("Honours and institutions"),
        ),
        ObjectList(
            [
                InlinePanel(
                    "relations",
                    heading=_("Relations to other scientists"),
                    label=_("relation"),
                    panels=[FieldPanel("kind"), FieldPanel("other"), FieldPanel("note")],
                ),
            ],
            heading=_("Relations"),
        ),
        ObjectList([FieldPanel("biography")], heading=_("Biography")),
    ]
)

fonds_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                FieldRowPanel([FieldPanel("identifier"), FieldPanel("date_text")]),
                FieldPanel("title"),
                FieldPanel("scientist"),
                FieldRowPanel([FieldPanel("extent"), FieldPanel("collecting_institution")]),
            ],
            heading=_("Identity"),
        ),
        ObjectList(
            [
                FieldPanel("scope_content"),
                FieldPanel("custodial_history"),
                FieldPanel("arrangement"),
            ],
            heading=_("Content and history"),
        ),
    ]
)

series_edit_handler = ObjectList(
    [
        FieldRowPanel([FieldPanel("identifier"), FieldPanel("level"), FieldPanel("position")]),
        FieldPanel("title"),
        FieldPanel("fonds"),
        FieldPanel("parent", help_text=_("Leave empty for a top-level series of the fonds.")),
        FieldPanel("date_text"),
        FieldPanel("scope_content"),
    ]
)

item_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                FieldRowPanel([FieldPanel("identifier"), FieldPanel("item_type")]),
                FieldPanel("title"),
                FieldPanel("series"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("position")]),
                FieldPanel("date_text"),
                FieldPanel("creators"),
                FieldPanel("scientists"),
                FieldPanel("description"),
                FieldPanel("subjects"),
                FieldRowPanel([FieldPanel("places"), FieldPanel("language")]),
                FieldPanel("extent"),
                FieldPanel("provenance"),
                MultiFieldPanel(
                    [FieldPanel("title_en"), FieldPanel("description_en")],
                    heading=_("English"),
                    classname="collapsed",
                ),
            ],
            heading=_("Description"),
        ),
        ObjectList(
            [
                FieldPanel("rights_statement"),
                FieldRowPanel([FieldPanel("access_level"), FieldPanel("embargo_until")]),
            ],
            heading=_("Rights and access"),
        ),
    ]
)

_timecode = TimecodeInput

interview_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                FieldPanel("item", widget=OralHistoryItemChooserWidget),
                FieldPanel("interviewee"),
                FieldRowPanel([FieldPanel("interviewers"), FieldPanel("interview_date")]),
                FieldRowPanel([FieldPanel("place"), FieldPanel("language"), FieldPanel("dialect")]),
                FieldPanel("duration_ms", widget=_timecode),
                FieldPanel("consent"),
                FieldPanel("consent_note"),
            ],
            heading=_("Interview"),
        ),
        ObjectList(
            [
                InlinePanel(
                    "transcript",
                    heading=_("Transcript"),
                    label=_("transcript segment"),
                    panels=[
                        FieldRowPanel(
                            [
                                FieldPanel("start_ms", widget=_timecode),
                                FieldPanel("end_ms", widget=_timecode),
                                FieldPanel("speaker"),
                            ]
                        ),
                        FieldPanel("text"),
                    ],
                ),
            ],
            heading=_("Transcript"),
        ),
        ObjectList(
            [
                InlinePanel(
                    "index_segments",
                    heading=_("Index"),
                    label=_("index segment"),
                    panels=[
                        FieldRowPanel(
                            [FieldPanel("start_ms", widget=_timecode), FieldPanel("title")]
                        ),
                        FieldPanel("synopsis"),
                        FieldPanel("keywords"),
                        FieldPanel("partial_transcript"),
                    ],
                ),
            ],
            heading=_("Index"),
        ),
    ],
    base_form_class=InterviewAdminForm,
)

discipline_edit_handler = ObjectList([FieldPanel("name"), FieldPanel("name_en")])
