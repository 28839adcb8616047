"""WebVTT and SRT parsing for interview transcripts and indexes."""

import pytest

from archive_collections.importer.timed_text import (
    IndexCue,
    TimedTextError,
    TranscriptCue,
    parse_index,
    parse_transcript,
)

from .test_import_support import english  # noqa: F401  autouse fixture


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_webvtt_voice_tags_prefixes_and_markup(tmp_path):
    path = write(
        tmp_path,
        "t.vtt",
        (
            "WEBVTT - 访谈\nKind: captions\n\nNOTE 校对：王\n\n"
            "intro\n00:01.000 --> 00:02.500 align:start\n"
            "<v.loud 钱学森>我<i>回到</i>祖国 &amp; 家乡</v>\n\n"
            "00:00:03.000 --> 00:00:05.000\n采访者：然后呢？\n第二行\n\n"
            "01:00:00.000 --> 01:00:01.000\n注意，这里没有说话人: 因为有逗号\n"
        ),
    )
    assert parse_transcript(path) == [
        TranscriptCue(1000, 2500, "钱学森", "我回到祖国 & 家乡"),
        TranscriptCue(3000, 5000, "采访者", "然后呢？\n第二行"),
        TranscriptCue(3_600_000, 3_601_000, "", "注意，这里没有说话人: 因为有逗号"),
    ]


def test_srt_in_gb18030(tmp_path):
    path = write(
        tmp_path,
        "t.srt",
        (
            "1\r\n00:00:01,000 --> 00:00:02,000\r\n钱学森：你好\r\n\r\n"
            "2\r\n00:00:02,000 --> 00:00:04,000\r\n再见\r\n"
        ),
        encoding="gb18030",
    )
    assert parse_transcript(path) == [
        TranscriptCue(1000, 2000, "钱学森", "你好"),
        TranscriptCue(2000, 4000, "", "再见"),
    ]


def test_index_titles_and_synopses(tmp_path):
    path = write(tmp_path, "i.vtt", "WEBVTT\n\n00:00.000 --> 00:10.000\n童年\n上海\n读书\n")
    assert parse_index(path) == [IndexCue(0, "童年", "上海\n读书")]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "a.vtt",
            "00:00.000 --> 00:01.000\nx\n",
            "a.vtt, line 1: a WebVTT file must start with the line WEBVTT",
        ),
        (
            "b.vtt",
            "WEBVTT\n\n00:00:0x.000 --> 00:00:01.000\nx\n",
            "b.vtt, line 3: malformed timing line “00:00:0x.000 --> 00:00:01.000”; expected "
            "HH:MM:SS.mmm --> HH:MM:SS.mmm",
        ),
        (
            "c.vtt",
            "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nx\n",
            "c.vtt, line 3: the cue ends before it starts",
        ),
        (
            "d.srt",
            "1\n00:00:05,000 --> 00:00:06,000\nx\n\n2\n00:00:01,000 --> 00:00:02,000\ny\n",
            "d.srt, line 6: timecodes go backwards: this cue starts before the cue on line 2",
        ),
        (
            "e.srt",
            "1\njust text\n",
            "e.srt, line 1: expected a timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm) in this cue",
        ),
        (
            "f.txt",
            "hello",
            "f.txt, line 1: a transcript must be a WebVTT (.vtt) or SRT (.srt) file",
        ),
    ],
)
def test_errors_name_file_line_and_reason(tmp_path, name, text, message):
    with pytest.raises(TimedTextError) as caught:
        parse_transcript(write(tmp_path, name, text))
    assert str(caught.value) == message


def test_index_cue_without_title(tmp_path):
    path = write(tmp_path, "i.vtt", "WEBVTT\n\n00:00.000 --> 00:10.000\n<b></b>\n")
    with pytest.raises(TimedTextError, match="line 3: the cue has no title"):
        parse_index(path)
