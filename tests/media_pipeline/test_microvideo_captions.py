"""Chinese line breaking and the caption files of micro-videos (no ffmpeg)."""

from dataclasses import dataclass

from media_pipeline.microvideo.captions import (
    ass_script,
    break_lines,
    cues_for,
    text_width,
    webvtt,
)


@dataclass
class Segment:
    start_ms: int
    end_ms: int
    text: str


LONG = "我小时候在上海读书，那时候的老师对我们要求非常严格，每天都要背书，背不出来就不能回家。"


def test_lines_fit_and_never_start_with_closing_punctuation():
    lines = break_lines(LONG, 9)
    assert "".join(lines) == LONG
    assert all(text_width(line) <= 9 for line in lines)
    assert not any(line[0] in "，。、；：！？）" for line in lines)


def test_a_latin_word_or_number_is_not_split():
    lines = break_lines("他在1955年回到祖国，研究Aerodynamics和火箭", 6)
    assert any("1955" in line for line in lines)
    assert any("Aerodynamics" in line for line in lines)


def test_each_caption_has_at_most_two_lines_and_the_time_is_shared_out():
    cues = cues_for([Segment(1000, 9000, LONG)], 0, 10_000, per_line=9)
    assert len(cues) >= 2
    assert all(1 <= len(cue.lines) <= 2 for cue in cues)
    assert cues[0].start_ms == 1000 and cues[-1].end_ms == 9000
    assert all(a.end_ms == b.start_ms for a, b in zip(cues, cues[1:], strict=False))
    assert "".join("".join(cue.lines) for cue in cues) == LONG


def test_captions_are_cut_to_the_span_and_timed_from_its_start():
    segments = [
        Segment(0, 4000, "第一句。"),
        Segment(4000, 8000, "第二句。"),
        Segment(8000, 9000, "第三句。"),
    ]
    cues = cues_for(segments, 3000, 6000, per_line=20)
    assert [(c.start_ms, c.end_ms, c.text) for c in cues] == [
        (0, 1000, "第一句。"),
        (1000, 3000, "第二句。"),
    ]


def test_ass_and_webvtt():
    cues = cues_for([Segment(0, 2000, "一{二}三<四>")], 0, 2000, per_line=20)
    ass = ass_script(cues, 1080, 1920, "Noto Sans CJK SC", 60, 300)
    assert "PlayResX: 1080" in ass and "WrapStyle: 2" in ass
    assert "Dialogue: 0,0:00:00.00,0:00:02.00,Caption,,0,0,0,,一｛二｝三<四>" in ass
    vtt = webvtt(cues, offset_ms=2500)
    assert vtt.startswith("WEBVTT\n")
    assert "00:00:02.500 --> 00:00:04.500\n一{二}三&lt;四&gt;" in vtt
