"""Timestamp helpers: dates, clocks, zones, display."""

from __future__ import annotations

from datetime import UTC, date, datetime

from postmortem_assist.times import (
    clock_time,
    combine,
    find_dates,
    find_times,
    format_utc,
    resolve,
    zone_info,
    zone_name,
    zone_statement,
)


def test_find_dates_in_common_shapes() -> None:
    assert find_dates("Tuesday March 5 2024")[0].value == date(2024, 3, 5)
    assert find_dates("date is Tuesday 16 January 2024.")[0].value == date(2024, 1, 16)
    assert find_dates("Fri 2024-04-12")[0].value == date(2024, 4, 12)
    assert not find_dates("rev 88 applied")


def test_words_that_begin_like_a_month_are_not_dates() -> None:
    # "maybe 38" was read as May 2038, "decided 3" as 3 December
    for text in ("maybe 38 branches never got it", "we decided 3 things", "a novel 5-step fix"):
        assert not find_dates(text, default_year=2025), text
    assert find_dates("Sept 4, 2024")[0].value == date(2024, 9, 4)
    assert find_dates("on September 4th", default_year=2025)[0].value == date(2025, 9, 4)
    assert find_dates("Jun. 5", default_year=2025)[0].value == date(2025, 6, 5)


def test_a_zone_stated_for_the_stamps() -> None:
    assert zone_statement("Mattermost export · 2025-10-14 · all stamps are UTC+05:30") == (
        "UTC+05:30"
    )
    assert zone_statement("stamps from the POS are kept 30 days; meet at 10:00 UTC") is None


def test_slash_dates_are_reported_as_ambiguous() -> None:
    assert find_dates("on 3/4/2024")[0].ambiguous
    assert not find_dates("on 3/24/2024")[0].ambiguous


def test_clock_time_handles_am_pm_and_seconds() -> None:
    assert clock_time("2:02 PM") == (14, 2, 0)
    assert clock_time("12:10 am") == (0, 10, 0)
    assert clock_time("03:26:41") == (3, 26, 41)
    assert clock_time("13:00 AM") is None
    assert clock_time("17:14pm") == (17, 14, 0)  # a 24-hour clock with a stray suffix


def test_combine_converts_to_utc_or_stays_naive() -> None:
    pst = zone_info("PST")
    assert combine(date(2024, 3, 5), (13, 47, 0), pst) == datetime(2024, 3, 5, 21, 47, tzinfo=UTC)
    naive = combine(date(2024, 4, 12), (14, 7, 0), None)
    assert naive.tzinfo is None and naive.hour == 14


def test_daylight_saving_is_honoured() -> None:
    pacific = zone_info("PDT")
    summer = combine(date(2024, 7, 1), (9, 0, 0), pacific)
    assert summer.hour == 16  # UTC-7 in July


def test_format_utc_shows_the_zone_or_says_it_is_unknown() -> None:
    assert format_utc(datetime(2024, 3, 5, 14, 2, tzinfo=UTC)) == "2024-03-05 14:02 UTC"
    assert "zone not stated" in format_utc(datetime(2024, 3, 5, 14, 2))
    assert format_utc(None) == "unknown"


def test_existing_helpers_keep_working() -> None:
    mention = find_times("at 14:02 UTC the alert fired")[0]
    assert mention.has_zone
    assert resolve(mention, date(2024, 3, 5), None) == datetime(2024, 3, 5, 14, 2, tzinfo=UTC)
    assert zone_statement("All times below are CET (Berlin)") == "CET"
    assert zone_name(zone_info("PST")) == "America/Los_Angeles"


def test_a_clock_range_is_not_a_utc_offset() -> None:
    assert [(m.clock, m.zone) for m in find_times("work in FSN1 22:00-02:00")] == [
        ("22:00", None),
        ("02:00", None),
    ]
    assert find_times("14:02:11-07:00 deploy")[0].zone == "-07:00"  # seconds: an ISO offset
    assert find_times("Sent: 14:02 -0700")[0].zone == "-0700"
    assert find_times("2024-08-19T23:06-05:00 up")[0].zone == "-05:00"  # a date: an offset


def test_zone_statements_name_more_zones_and_utc_offsets() -> None:
    """"all times SAST (UTC+2)", "times are UTC+2": a zone for the whole text, not UTC."""
    assert zone_statement("*** #ops log, 10 July 2024, all times SAST (UTC+2) ***") == "SAST"
    assert zone_statement("timeline below, times are UTC+2") == "UTC+2"
    assert zone_statement("All times UTC.") == "UTC"
    assert combine(date(2024, 7, 10), (13, 41, 0), zone_info("SAST")) == datetime(
        2024, 7, 10, 11, 41, tzinfo=UTC
    )
    assert combine(date(2024, 3, 4), (10, 12, 0), zone_info("UTC+2")) == datetime(
        2024, 3, 4, 8, 12, tzinfo=UTC
    )
    for name, hours in (("NZST", 12), ("BRT", -3), ("EEST", 3), ("AKDT", -8)):
        month = 7 if name in ("NZST", "BRT", "EEST", "AKDT") else 1
        local = datetime(2024, month, 10, 12, 0, tzinfo=zone_info(name))
        assert local.utcoffset().total_seconds() == hours * 3600, name  # type: ignore[union-attr]


def test_a_city_or_lower_case_region_named_as_the_clock_and_terse_am_pm() -> None:
    """"Oslo time", "all times pacific" and "9:15p" / "12:03a" as people write them; a time
    followed by a word starting with "a" is not read as am."""
    assert zone_statement("Comment times below are Oslo time. The bot writes UTC.") == (
        "Europe/Oslo"
    )
    assert zone_statement("Comment times are Oslo time (+02:00). The bot writes UTC.") == (
        "+02:00"
    )
    assert zone_statement("live notes, sat dec 14 2024, all times pacific") == "Pacific"
    assert zone_statement("Response time was 300 ms at the p99") is None
    assert [clock_time(t.clock) for t in find_times("9:15p on the dashboard, 12:03a")] == [
        (21, 15, 0),
        (0, 3, 0),
    ]
    assert [clock_time(t.clock) for t in find_times("at 9:15 a new deploy")] == [(9, 15, 0)]


def test_a_country_named_as_the_clock_and_we_are_an_offset() -> None:
    """"Swiss time" is Zurich's, "we're UTC+2" states the team's offset, ICT is Indochina
    Time; "the alert mails say UTC" after them is someone else's clock."""
    assert zone_statement("All times here are Swiss time.") == "Europe/Zurich"
    assert zone_statement("festival maths: we're UTC+2, so 4:00 PM here is 14:00 UTC") == "UTC+2"
    assert zone_statement(
        "times in this channel are Saigon time (ICT), the alert mails say UTC"
    ) == "ICT"
    assert combine(date(2026, 12, 7), (6, 2, 0), zone_info("ICT")) == datetime(
        2026, 12, 6, 23, 2, tzinfo=UTC
    )
    assert zone_statement("Swiss cheese fondue at 19:00, all welcome") is None


def test_standard_time_abbreviations_mean_what_they_say_and_zones_tag_clock_ranges() -> None:
    """AEST is UTC+10 in December too (Brisbane keeps it all year; Sydney then writes AEDT);
    "(KST, 19:41 to 21:06)" tags the times after it; "Wiener Zeit" and "NL time" are clocks."""
    assert combine(date(2026, 12, 3), (9, 18, 0), zone_info("AEST")) == datetime(
        2026, 12, 2, 23, 18, tzinfo=UTC
    )
    assert combine(date(2026, 12, 3), (9, 18, 0), zone_info("AEDT")) == datetime(
        2026, 12, 2, 22, 18, tzinfo=UTC
    )
    assert zone_statement("impact (KST, 19:41 to 21:06): 1,486 paid sessions") == "KST"
    assert zone_statement("First return at 12:58:14 (alle Zeiten Wiener Zeit)") == "Europe/Vienna"
    assert zone_statement("all times in NL time, 07:19 first call") == "Europe/Amsterdam"
    assert zone_statement("retry at (14:05, then 14:10)") is None


def test_a_stated_ist_means_the_country_the_notes_name() -> None:
    from postmortem_assist.times import stated_ist

    assert stated_ist("IST", "all times IST. Kibbutz Givat Oren called, valves shut") == (
        "Asia/Jerusalem"
    )
    assert stated_ist("IST", "Dublin office; times IST") == "Europe/Dublin"
    assert stated_ist("IST", "all times Irish (IST = UTC+1, not India's)") == "Europe/Dublin"
    assert stated_ist("IST", "Pune team, all times IST") == "IST"  # India, as before
    assert stated_ist("IST", "Dublin and Tel Aviv offices, times IST") == "IST"  # both named
    assert stated_ist("CET", "Dublin") == "CET"


def test_questions_and_other_peoples_clocks_state_no_zone() -> None:
    text = (
        "sorry, are these times local or UTC? I'm in Lisbon\n"
        "local, we're all in Warsaw, CET. your log is one hour behind ours\n"
        "first 413 is 13:41:07 our time (12:41:07 in your UTC view)\n"
    )
    assert zone_statement(text) == "Europe/Warsaw"
    assert zone_statement("looking. everyone here is on Central so I type the clock") == "Central"
    assert zone_statement("All times UTC. Is that ok?") == "UTC"


def test_gmt_named_as_the_zone_reads_numeric_dates_day_first() -> None:
    from postmortem_assist.times import day_first

    assert day_first("[3/12/2026 2:09 PM] Sunita: times are GMT", "GMT") is True
    assert day_first("[3/12/2026 2:09 PM] Sunita: times are UTC", "UTC") is None


def test_a_clock_on_the_next_line_is_not_an_offset_after_utc() -> None:
    # "[+-−]" was a character range ('+' to U+2212) that took the digit "1" for a sign
    assert zone_statement("#inc, all times UTC\n13:31 deploy done") == "UTC"


def test_a_zone_said_of_the_notes_wins_over_one_said_of_the_log_stamps() -> None:
    text = "heroku stamps are UTC (+00:00), my >> notes are Pacific time (PST)"
    assert zone_statement(text) == "PST"
    assert zone_statement("all stamps UTC; the vendor's logs are Arizona time (-07:00)") == "UTC"
