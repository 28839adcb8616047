"""Every format: import → export → import gives the same segments; bad input is refused clearly."""

import io

import pytest

from archive_collections.oral_history.document import Document, FormatError, Line, Point
from archive_collections.oral_history.formats import read_file
from archive_collections.oral_history.ohms import read_ohms, write_ohms
from archive_collections.oral_history.plaintext import write_text
from archive_collections.oral_history.webvtt import write_index_webvtt, write_srt, write_webvtt
from archive_collections.oral_history.wordfile import write_docx

LINES = [
    Line(0, 4_500, "采访人", "请您谈谈童年。"),
    Line(4_500, 65_250, "钱学森", "我1911年生在上海，后来随父亲到北京读书。"),
    Line(66_000, 70_000, "", "（笑声）\n第二行"),
    Line(70_000, 3_725_125, "钱学森", "回到祖国 & <家乡>"),
]
POINTS = [
    Point(0, "童年与求学", "上海、北京", "上海；北京师范大学附中", "我1911年生在上海"),
    Point(66_000, "回国", "", "", ""),
]


def test_webvtt_round_trip():
    text = write_webvtt(LINES)
    assert read_file(text.encode(), "t.vtt").transcript == LINES


def test_srt_round_trip():
    assert read_file(write_srt(LINES).encode(), "t.srt").transcript == LINES


def test_plain_text_round_trip_keeps_gaps_and_the_last_end():
    text = write_text(LINES, ["钱学森口述访谈", "档号：DA-1"])
    assert "[00:00:00.000] 采访人：请您谈谈童年。" in text
    assert read_file(text.encode(), "t.txt").transcript == LINES


def test_docx_round_trip():
    data = write_docx(LINES, "钱学森口述访谈", ["受访人：钱学森"])
    assert read_file(data, "t.docx").transcript == LINES


def test_ohms_round_trip_index_and_transcript():
    data = write_ohms(Document(LINES, POINTS, 3_800_000), {"id": "DA-1", "title": "访谈"})
    document = read_ohms(data, "t.xml")
    assert document.transcript == LINES
    assert document.index == POINTS
    assert document.duration_ms == 3_800_000


def test_index_webvtt_round_trip_titles_and_synopses():
    text = write_index_webvtt(POINTS, 100_000)
    assert read_file(text.encode(), "i.vtt", "vtt-index").index == [
        Point(0, "童年与求学", "上海、北京"),
        Point(66_000, "回国"),
    ]


def test_legacy_ohms_sync_markers_are_read():
    xml = """<?xml version="1.0"?>
<ROOT xmlns="https://www.weareavp.com/nunncenter/ohms"><record id="1">
<duration>0:03:00</duration>
<sync>1:|4(1)|6(1)</sync>
<transcript>钱学森：我在上海出生。
小时候读书。

采访人：后来呢？

钱学森：后来去了北京。</transcript>
<index><point><time>60</time><title>提问</title><keywords>上海;北京</keywords></point></index>
</record></ROOT>""".encode()
    document = read_ohms(xml, "legacy.xml")
    assert document.transcript == [
        Line(0, 60_000, "钱学森", "我在上海出生。\n小时候读书。"),
        Line(60_000, 120_000, "采访人", "后来呢？"),
        Line(120_000, 180_000, "钱学森", "后来去了北京。"),
    ]
    assert document.index == [Point(60_000, "提问", keywords="上海；北京")]


def test_legacy_ohms_export_round_trips_minute_aligned_segments():
    lines = [
        Line(0, 60_000, "甲", "第一分钟。"),
        Line(60_000, 120_000, "乙", "第二分钟。"),
        Line(120_000, 150_000, "甲", "第三分钟。"),
    ]
    data = write_ohms(Document(lines, [], 150_000), {}, legacy=True)
    assert b"<sync>1:|3(1)|5(1)</sync>" in data
    assert read_ohms(data, "x.xml").transcript == lines


def test_legacy_sync_interpolates_paragraphs_between_markers():
    xml = (
        "<ROOT><record><sync>1:|5(1)</sync><transcript>甲：一二\n\n乙：三四\n\n甲：五六"
        "</transcript></record></ROOT>"
    ).encode()
    lines = read_ohms(xml, "x.xml").transcript
    assert [(line.start_ms, line.speaker, line.text) for line in lines] == [
        (0, "甲", "一二"),
        (30_000, "乙", "三四"),
        (60_000, "甲", "五六"),
    ]


def test_timed_text_forms_and_chinese_speakers_without_spaces():
    text = (
        "钱学森口述访谈\n\n[00:00:01] 钱学森：我回到祖国\n继续说\n"
        "00:00:05 interviewer: and then?\n【00:00:09.5】采访人：好的\n"
    )
    lines = read_file(text.encode(), "t.txt", duration_ms=12_000).transcript
    assert lines == [
        Line(1000, 5000, "钱学森", "我回到祖国\n继续说"),
        Line(5000, 9500, "interviewer", "and then?"),
        Line(9500, 12_000, "采访人", "好的"),
    ]


def test_docx_tables_time_speaker_text():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(
        table.rows,
        [("00:00:01", "钱学森", "你好"), ("00:00:03.250", "采访人", "再见")],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    lines = read_file(out.getvalue(), "t.docx", duration_ms=5000).transcript
    assert lines == [Line(1000, 3250, "钱学森", "你好"), Line(3250, 5000, "采访人", "再见")]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_encodings_are_detected(encoding):
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n钱学森：你好，世界\n"
    assert read_file(text.encode(encoding), "t.vtt").transcript == [
        Line(1000, 2000, "钱学森", "你好，世界")
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "a.vtt",
            b"WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nx\n",
            "a.vtt, line 3: the cue ends before it starts",
        ),
        (
            "b.srt",
            b"1\n00:00:05,000 --> 00:00:06,000\nx\n\n2\n00:00:01,000 --> 00:00:02,000\ny\n",
            "b.srt, line 6: timecodes go backwards: this cue starts before the cue on line 2",
        ),
        (
            "c.vtt",
            b"WEBVTT\n\n00:00:1.000 --> 00:00:02.000\nx\n",
            "c.vtt, line 3: malformed timing line",
        ),
        ("d.srt", b"1\n00:00:01,000 --> 00:00:02,000\n\n", "d.srt, line 2: the cue has no text"),
        ("e.xml", b"<ROOT><record><index><point><title>x", "e.xml, line 1: malformed XML"),
        (
            "f.xml",
            b"<ROOT><record><index><point><time>abc</time><title>t</title></point></index>"
            b"</record></ROOT>",
            "f.xml, line 1: index point 1 “abc” is not a number",
        ),
        ("g.xml", b"<ROOT><other/></ROOT>", "g.xml, line 1: not an OHMS file"),
        (
            "h.xml",
            b'<!DOCTYPE x [<!ENTITY a "b">]><ROOT><record/></ROOT>',
            "h.xml, line 1: the XML uses entities or a DTD",
        ),
        (
            "i.txt",
            "[00:00:05] 甲：一\n[00:00:02] 乙：二\n".encode(),
            "i.txt, line 2: timecodes go backwards: this line starts before the line 1",
        ),
        ("j.txt", "没有时间\n".encode(), "j.txt, line 1: no timestamped lines found"),
        ("k.vtt", b"\xff\xfe\x00", "k.vtt, line 1: the file starts with a UTF-16 byte order mark"),
        (
            "l.vtt",
            b"WEBVTT\n\n\x81\x20\xff",
            "l.vtt, line 3: the text is neither UTF-8 nor GB18030",
        ),
        ("m.docx", b"PK not really", "m.docx, line 1: not a readable Word (.docx) document"),
        ("n.pdf", b"%PDF", "n.pdf, line 1: cannot tell the format from the file name"),
        (
            "o.xml",
            b"<ROOT><record><sync>1:|9(1)</sync><transcript>a</transcript></record></ROOT>",
            "o.xml, line 1: <sync> entry 1 points at line 9, but the transcript has 1 lines",
        ),
    ],
)
def test_bad_files_name_line_and_reason(name, data, message):
    with pytest.raises(FormatError) as caught:
        read_file(data, name)
    assert str(caught.value).startswith(message), str(caught.value)


def test_huge_files_are_refused_before_parsing(settings):
    settings.ORAL_HISTORY_MAX_FILE_BYTES = 1000
    with pytest.raises(
        FormatError,
        match=r"big\.vtt, line 1: the file is 2\.0.KB, larger than "
        r"the limit of 1000.bytes",
    ):
        read_file(b"WEBVTT\n\n" + b"x" * 2000, "big.vtt")
