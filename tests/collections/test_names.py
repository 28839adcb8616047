from archive_collections.names import pinyin_of


def test_pinyin_runs_the_given_name_together():
    assert pinyin_of("钱学森") == "Qian Xuesen"
    assert pinyin_of("华罗庚") == "Hua Luogeng"


def test_surname_readings_and_compound_surnames():
    assert pinyin_of("曾昭抡") == "Zeng Zhaolun"
    assert pinyin_of("欧阳自远") == "Ouyang Ziyuan"


def test_empty_name():
    assert pinyin_of("  ") == ""
