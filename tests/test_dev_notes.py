"""summarize on the blind-written development note sets (``eval/dev-notes``) and on the shapes
they exposed: impact numbers as written, when impact ended, times tied to their cue, alert bots
clearing on their own, causes mentioned only to be denied, and misleading paths.

The dev sets were written without looking at the code, then used to fix what they exposed, so
they are a development set (the hidden note sets measure the product); these tests keep the
fixes from regressing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_assist.evaluate import gold
from postmortem_assist.evaluate.facts import score_note_set
from postmortem_assist.reading import Source
from postmortem_assist.summarize import Summary, summarize, summarize_sources
from postmortem_assist.summarize.facts import quantities
from postmortem_assist.summarize.model import KeyTime

DEV = Path(__file__).resolve().parent.parent / "eval" / "dev-notes"
SETS = sorted(p.name.removesuffix(".expected.yml") for p in DEV.glob("*.expected.yml"))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_]+", text.lower()))


def _overlap(quote: str, text: str) -> float:
    want = _words(quote)
    return len(want & _words(text)) / len(want)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Summary, dict, gold.NoteSet]]:
    sets = {ns.name: ns for ns in gold.load_note_sets(DEV, gold.Skips())}
    return {n: (summarize([str(ns.path)]), ns.expected, ns) for n, ns in sets.items()}


def test_dev_sets_present() -> None:
    assert len(SETS) >= 310


#: Known misses, each with its reason (README, "Key facts on notes nobody here tuned for").
KNOWN_MISSES = {
    # a proportion in words with the count in brackets is not read as a number
    ("pagerduty-log", "number:a third of the morning trucks left late (7 of 21)"),
    # a status page's backlog and delay figures in a "we are delivering" sentence
    # first reports told inside a later comment or recap (no report cue): the page is taken
    # sixth batch: numbers in words ("two hundred and six"), and impact lines whose number
    # is not the first of the list ("3 partner API keys" after "18,900 failed ...")
    # seventh batch: impact figures quoted with their verb ("2,318 envelopes failed to
    # finalize") from a closing prose summary or an entry's bullet list lose to other numbers
    ("narrative-email", "number:roughly 38,000 page views failed"),
    ("narrative-email", "number:about one in five course page loads (21%)"),
    # a number in words, shown before only inside the impact sentence then taken for the
    # cause ("... seventeen live evening classes started late because ..."); the cause is
    # now the sentences after "The actual cause took us a bit longer to see."
    ("narrative-email", "number:seventeen live evening classes"),
    ("shell-session", "number:2,318 envelopes failed to finalize"),
    # eighth batch: a recovery confirmed in a Google Chat message after a technical "200 again"
    # (both count as recovery), and impact figures in a status email's prose
    ("google-chat-takeout", "time:mitigated"),
    # a recovery line is taken for the end where the doc's later "resolved" entry is the end
    ("google-doc-notes", "time:resolved"),
    ("google-doc-notes", "duration_minutes"),
    # the first complaints are told in a later message ("came in around 9:52 AM")
    ("mattermost-paste", "time:start"),
    ("mattermost-paste", "duration_minutes"),
    # tenth batch: "all 14 citizen offices" is written in the page's summary paragraph, which
    # states no impact word
    ("confluence-export", "number:all 14 citizen offices"),
    # "412 docks" (no impact word or people unit)
    ("meet-transcript", "number:412 docks"),
    # fourteenth batch: a logfmt log whose start and "readings landing" lines have no cue
    # words; a pay-per-view bullet "paid viewers get the player now"; a wiki impact line
    # above the table is dated by the table's first (unrelated) row; a number after its verb
    ("cold-chain-ingest", "time:start"),
    ("cold-chain-ingest", "time:mitigated"),
    ("cold-chain-ingest", "duration_minutes"),
    ("ppv-stream-bullets", "time:mitigated"),
    ("wiki-hotel-mobile-keys", "number:6 of 6 properties"),
    # fifteenth batch (first run 42/59 fields): an email thread pasted oldest first whose
    # bodies carry no times (the Date: header time is not given to the body), a chat whose
    # customer report has no report cue, recovery phrasings without a cue ("card taps
    # authorise again", "sessions stay connected", "machines were taking IC cards again"),
    # amounts in yen, a blameful line whose name is repeated in a neutral line
    ("wine-club-email-thread", "time:detected"),
    ("wine-club-email-thread", "time:mitigated"),
    ("wine-club-email-thread", "time:resolved"),
    ("wine-club-email-thread", "duration_minutes"),
    ("ev-charging-rfid-chat", "time:detected"),
    ("ev-charging-rfid-chat", "time:mitigated"),
    ("ev-charging-rfid-chat", "absent:Jonas"),
    ("vending-settlement-morning-after", "time:mitigated"),
    # sixteenth batch: a FireHydrant export whose milestone table the notes later correct
    # ("the Mitigated milestone above is wrong", "forgot to flip it last night"); the table's
    # times are taken, and the first report is the table's "Detected" row
    ("firehydrant-timeline", "time:detected"),
    ("firehydrant-timeline", "time:resolved"),
    ("firehydrant-timeline", "duration_minutes"),
    # eighteenth/nineteenth batches: a Gmail thread's recovery "normally since 1:55 PM" loses to
    # "back to normal by about 2:15"; an Opsgenie-fed Jira page whose start is typed in a later
    # comment; a Slack recovery told in an attachment field; a two-day wiki table whose blank
    # Date cells should carry Saturday forward (rows are read on the page title's date plus a
    # midnight rollover, a day late); impact figures in sub-clauses
    ("gmail-quoted-thread", "time:mitigated"),
    ("jira-cloud-activity", "time:start"),
    ("jira-cloud-activity", "duration_minutes"),
    ("slack-alert-attachments", "time:mitigated"),
    ("wiki-multiday-table", "time:start"),
    ("wiki-multiday-table", "time:detected"),
    ("wiki-multiday-table", "time:mitigated"),
    ("wiki-multiday-table", "time:resolved"),
    ("wiki-multiday-table", "duration_minutes"),
    ("wiki-multiday-table", "number:up to 35 minutes"),
    # twentieth/twenty-first batches: an email thread whose start is "the tills switch ..., so
    # from 06:00 shelves and tills disagree" after an earlier rejected import (taken as the
    # start); impact figures told with their verb or unit first ("reg paused 25 min", "39 min
    # real time", "18,912 price overrides" after an earlier figure of the same line). Ninth
    # session: "₩212 million" and "¥1.1M" are read with their currency and suffix, and the
    # Issue Summary adds up to five more figures, dates left out ("2 fewer picking waves",
    # "147 chats", "14 trucks", "212 written complaints" now pass)
    ("esl-shelf-price-email-thread", "time:start"),
    ("esl-shelf-price-email-thread", "duration_minutes"),
    ("esl-shelf-price-email-thread", "number:18,912 price overrides"),
    ("print-plant-spring-forward", "number:39 min real time"),
    # tenth session, batches s10a/s10b (first run 80/121 fields; fixed since: French and German
    # clocks, night headers, "maybe 38" as a date, "##" remarks in a log, Slack profile zones,
    # "call from <Name>" reports). Left: recoveries told with a word between ("getting marks
    # again", "first auto-assigned ride 1:16am PST") or by a WhatsApp relay; a wiki table's
    # first failure row after a trigger row; a CS post without a report cue; an Outlook
    # thread whose newest mail recaps the timeline in bullets; numbers after their words
    ("bakery-orders-berlin-notebook-s10b", "time:mitigated"),
    ("einvoice-mixed-offsets-s10a", "time:mitigated"),
    ("einvoice-queue-confluence-s10b", "time:start"),
    ("einvoice-queue-confluence-s10b", "time:detected"),
    ("einvoice-queue-confluence-s10b", "duration_minutes"),
    ("eshop-midnight-sale-wiki-s10b", "time:start"),
    ("eshop-midnight-sale-wiki-s10b", "time:detected"),
    ("eshop-midnight-sale-wiki-s10b", "duration_minutes"),
    ("jira-server-billpay-s10a", "time:detected"),
    ("outlook-flower-orders-s10a", "time:start"),
    ("outlook-flower-orders-s10a", "time:detected"),
    ("outlook-flower-orders-s10a", "time:mitigated"),
    ("outlook-flower-orders-s10a", "duration_minutes"),
    ("outlook-flower-orders-s10a", "number:14 orders, 1,120 boxes"),
    ("pacific-fallback-saferide-s10a", "time:mitigated"),
    ("slack-export-topup-lag-s10a", "time:mitigated"),
    ("slack-truck-slots-edited-s10b", "time:detected"),
    # batches s10c/s10d (first run 39/60 and 39/54 fields): a Discord copy whose "Yesterday at"
    # headers have no copy date to count from; an Opsgenie page whose ET comments are typed
    # beside UTC headers; a handover email in prose (times inside sentences, numbers after
    # their words); recoveries and starts the line roles miss
    ("discord-fanclub-lottery-s10c", "time:start"),
    ("discord-fanclub-lottery-s10c", "time:detected"),
    ("discord-fanclub-lottery-s10c", "time:mitigated"),
    ("discord-fanclub-lottery-s10c", "time:resolved"),
    ("discord-fanclub-lottery-s10c", "duration_minutes"),
    ("discord-fanclub-lottery-s10c", "number:3.1M rows"),
    ("fantasy-scores-opsgenie-s10d", "time:detected"),
    ("fantasy-scores-opsgenie-s10d", "time:mitigated"),
    ("fantasy-scores-opsgenie-s10d", "time:resolved"),
    ("fantasy-scores-opsgenie-s10d", "duration_minutes"),
    ("github-drm-episode-s10c", "time:mitigated"),
    ("handover-email-radar-s10c", "time:start"),
    ("handover-email-radar-s10c", "duration_minutes"),
    ("handover-email-radar-s10c", "number:14 TV stations"),
    (
        "handover-email-radar-s10c",
        "number:3 of them aired their breakfast weather with the frozen loop",
    ),
    ("pagerduty-esim-timeline-s10c", "time:mitigated"),
    ("teams-fantasy-overtime-s10c", "time:start"),
    ("teams-fantasy-overtime-s10c", "duration_minutes"),
    ("twowheeler-policy-mattermost-s10d", "number:640 dealers"),
    # eleventh session, batches s11a-s11e (first run 210/300 fields; fixed since: KakaoTalk
    # exports, status-page stamps under their updates, "Name  17:52" browser copies, weekday
    # night headers, "UK time", a device's clock in a log header, ">>>" remarks, blameful
    # "of course it's <Name>" / "this is all on <Name>"). Left: a zone told only in passing
    # ("saturday night pacific"), "IST" meaning Irish or Israel time, email bodies that carry
    # no time of their own, starts and recoveries told in later lines, figures quoted with
    # their verb and what follows
    ("azure-devops-lab-pdf-s11b", "time:detected"),
    ("azure-devops-lab-pdf-s11b", "time:mitigated"),
    ("crowdfund-double-charge-postmortem-s11e", "time:start"),
    ("crowdfund-double-charge-postmortem-s11e", "duration_minutes"),
    ("crowdfund-double-charge-postmortem-s11e", "number:311 emails"),
    (
        "crowdfund-double-charge-postmortem-s11e",
        "number:18 backers' banks flagged the second charge as fraud",
    ),
    ("email-render-farm-rfc2822-s11d", "time:start"),
    ("email-render-farm-rfc2822-s11d", "time:detected"),
    ("email-render-farm-rfc2822-s11d", "time:mitigated"),
    ("email-render-farm-rfc2822-s11d", "time:resolved"),
    ("email-render-farm-rfc2822-s11d", "duration_minutes"),
    ("github-carshare-endtrip-s11e", "time:detected"),
    ("github-carshare-endtrip-s11e", "time:mitigated"),
    ("gmail-waivers-oldest-first-s11b", "time:mitigated"),
    ("gmail-waivers-oldest-first-s11b", "time:resolved"),
    ("gmail-waivers-oldest-first-s11b", "duration_minutes"),
    ("groundstation-tle-logs-s11c", "time:start"),
    ("groundstation-tle-logs-s11c", "time:mitigated"),
    ("groundstation-tle-logs-s11c", "duration_minutes"),
    ("ic-notes-eastern-fallback-cu-s11d", "time:mitigated"),
    ("irrigation-valves-ist-chat-s11d", "time:start"),
    ("irrigation-valves-ist-chat-s11d", "time:detected"),
    ("irrigation-valves-ist-chat-s11d", "duration_minutes"),
    ("irssi-transit-feed-s11a", "time:detected"),
    ("jira-export-worklog-prices-s11b", "time:detected"),
    ("jira-export-worklog-prices-s11b", "time:mitigated"),
    ("kakaotalk-pet-collars-s11a", "time:start"),
    ("kakaotalk-pet-collars-s11a", "time:detected"),
    ("kakaotalk-pet-collars-s11a", "time:mitigated"),
    ("kakaotalk-pet-collars-s11a", "time:resolved"),
    ("kakaotalk-pet-collars-s11a", "duration_minutes"),
    ("london-spring-forward-tablets-s11c", "time:start"),
    ("london-spring-forward-tablets-s11c", "duration_minutes"),
    ("mealkit-menu-ttl-vilnius-s11e", "time:start"),
    ("mealkit-menu-ttl-vilnius-s11e", "time:detected"),
    ("mealkit-menu-ttl-vilnius-s11e", "duration_minutes"),
    ("outlook-vet-sms-ist-s11b", "time:start"),
    ("outlook-vet-sms-ist-s11b", "time:detected"),
    ("outlook-vet-sms-ist-s11b", "duration_minutes"),
    ("seoul-us-open-orders-chat-s11e", "time:detected"),
    ("seoul-us-open-orders-chat-s11e", "time:mitigated"),
    ("seoul-us-open-orders-chat-s11e", "time:resolved"),
    ("seoul-us-open-orders-chat-s11e", "duration_minutes"),
    ("slack-export-turn-cert-s11c", "time:start"),
    ("slack-export-turn-cert-s11c", "time:mitigated"),
    ("slack-export-turn-cert-s11c", "duration_minutes"),
    ("slack-export-turn-cert-s11c", "number:300 voice agents"),
    ("slack-plowtrack-newest-first-s11c", "time:mitigated"),
    ("slack-web-chess-arena-s11a", "time:mitigated"),
    ("statuspage-fringe-holds-acdt-s11b", "time:start"),
    ("statuspage-fringe-holds-acdt-s11b", "time:detected"),
    ("statuspage-fringe-holds-acdt-s11b", "duration_minutes"),
    ("telegram-fuel-quota-s11a", "time:detected"),
    ("wiki-freibad-gate-keys-s11d", "time:start"),
    ("wiki-freibad-gate-keys-s11d", "time:detected"),
    ("wiki-freibad-gate-keys-s11d", "time:mitigated"),
    ("wiki-freibad-gate-keys-s11d", "duration_minutes"),
    # batches s11f/s11g (first run 84/116 fields): a Mattermost channel in UTC+9, a log whose
    # remarks are typed in CET after the clocks went back, starts and recoveries told in later
    # lines, a figure quoted with what follows it
    ("dairy-pickup-routes-chat-s11f", "time:mitigated"),
    ("dispensary-pos-denver-notes-s11g", "time:start"),
    ("dispensary-pos-denver-notes-s11g", "duration_minutes"),
    ("mattermost-remit-dili-s11g", "time:detected"),
    ("mattermost-remit-dili-s11g", "time:mitigated"),
    ("nursecall-dect-fallback-rome-s11g", "time:start"),
    ("nursecall-dect-fallback-rome-s11g", "time:detected"),
    ("nursecall-dect-fallback-rome-s11g", "time:mitigated"),
    ("nursecall-dect-fallback-rome-s11g", "time:resolved"),
    ("outlook-lift-gateways-tallinn-s11f", "time:mitigated"),
    ("outlook-lift-gateways-tallinn-s11f", "number:1,082 of 1,140"),
    ("shortcut-dictation-asr-s11f", "time:start"),
    ("shortcut-dictation-asr-s11f", "time:mitigated"),
    ("shortcut-dictation-asr-s11f", "duration_minutes"),
    ("wiki-bagdrop-tags-honolulu-s11f", "time:mitigated"),
    ("wiki-bagdrop-tags-honolulu-s11f", "number:11 departures held, 9 to 26 minutes"),
    ("wiki-bagdrop-tags-honolulu-s11f", "number:63 minutes without tags"),
    ("handover-loadsheets-madrid-s11g", "time:detected"),
    # batches s11h/s11i (first run 86/121 fields): starts told in later lines or found by the
    # line roles on the trigger, a Sydney fall-back night's repeated 02:30, a Google Chat copy
    # whose follow-up stamps have no AM/PM, figures quoted with their unit first
    ("aged-care-emar-dst-sydney-s11h", "duration_minutes"),
    ("aged-care-emar-dst-sydney-s11h", "time:mitigated"),
    ("aged-care-emar-dst-sydney-s11h", "time:start"),
    ("betting-live-odds-chat-s11h", "time:detected"),
    ("gchat-tutoring-rooms-eastern-s11i", "duration_minutes"),
    ("gchat-tutoring-rooms-eastern-s11i", "time:mitigated"),
    ("gchat-tutoring-rooms-eastern-s11i", "time:resolved"),
    ("gchat-tutoring-rooms-eastern-s11i", "time:start"),
    ("gitlab-car-rental-lisbon-s11i", "duration_minutes"),
    ("gitlab-car-rental-lisbon-s11i", "time:detected"),
    ("gitlab-car-rental-lisbon-s11i", "time:start"),
    ("jit-asn-dates-email-thread-s11h", "duration_minutes"),
    ("jit-asn-dates-email-thread-s11h", "time:mitigated"),
    ("jit-asn-dates-email-thread-s11h", "time:resolved"),
    ("jit-asn-dates-email-thread-s11h", "time:start"),
    ("k8s-shuttle-push-cancun-s11i", "duration_minutes"),
    ("k8s-shuttle-push-cancun-s11i", "time:mitigated"),
    ("k8s-shuttle-push-cancun-s11i", "time:start"),
    ("oncall-claims-uploads-tweet-s11i", "time:detected"),
    ("slack-hotel-ari-cta-bangkok-s11h", "duration_minutes"),
    ("slack-hotel-ari-cta-bangkok-s11h", "time:mitigated"),
    ("slack-hotel-ari-cta-bangkok-s11h", "time:start"),
    ("wiki-bunker-ebdn-singapore-s11i", "duration_minutes"),
    ("wiki-bunker-ebdn-singapore-s11i", "number:9 ships"),
    ("wiki-bunker-ebdn-singapore-s11i", "number:about SGD 41,000"),
    ("wiki-bunker-ebdn-singapore-s11i", "time:start"),
    ("wiki-dna-kit-results-s11h", "duration_minutes"),
    ("wiki-dna-kit-results-s11h", "number:from 4.6 to 4.4"),
    ("wiki-dna-kit-results-s11h", "time:start"),
    # twelfth session, sixteen batches s12a-s12p (first runs 658/952 fields; fixed since, each
    # with a test: see README). Left: email bodies with no time of their own, recoveries and
    # starts without a cue, relative tracker stamps, figures after their words, a few
    # daylight-saving hours, alerts whose time is only a Created: field
    ("applemail-canal-cruises-s12b", "time:start"),
    ("applemail-canal-cruises-s12b", "time:detected"),
    ("applemail-canal-cruises-s12b", "time:mitigated"),
    ("applemail-canal-cruises-s12b", "time:resolved"),
    ("applemail-canal-cruises-s12b", "duration_minutes"),
    ("chat-12h-padded-nemt-dispatch-eastern-s12o", "time:start"),
    ("chat-12h-padded-nemt-dispatch-eastern-s12o", "duration_minutes"),
    ("chat-bouldering-checkin-replica-berlin-s12p", "time:detected"),
    ("chat-bouldering-checkin-replica-berlin-s12p", "time:mitigated"),
    ("chat-copy-carwash-plates-pacific-s12i", "time:start"),
    ("chat-copy-carwash-plates-pacific-s12i", "time:mitigated"),
    ("chat-copy-carwash-plates-pacific-s12i", "duration_minutes"),
    ("chat-epaper-regional-editions-munich-s12m", "time:detected"),
    ("compose-logs-photo-calendars-berlin-notes-s12d", "time:detected"),
    ("compose-logs-photo-calendars-berlin-notes-s12d", "time:mitigated"),
    ("compose-logs-photo-calendars-berlin-notes-s12d", "time:resolved"),
    ("compose-logs-photo-calendars-berlin-notes-s12d", "duration_minutes"),
    ("email-blood-donor-sms-sender-london-berlin-s12p", "time:detected"),
    ("email-blood-donor-sms-sender-london-berlin-s12p", "time:resolved"),
    ("email-blood-donor-sms-sender-london-berlin-s12p", "duration_minutes"),
    ("email-fallback-dance-autopay-pacific-s12j", "time:start"),
    ("email-fallback-dance-autopay-pacific-s12j", "time:detected"),
    ("email-fallback-dance-autopay-pacific-s12j", "time:mitigated"),
    ("email-fallback-dance-autopay-pacific-s12j", "time:resolved"),
    ("email-fallback-dance-autopay-pacific-s12j", "duration_minutes"),
    ("email-offsets-berlin-newyork-wallet-review-s12o", "time:detected"),
    ("fallback-notes-wallbox-charging-berlin-s12n", "time:mitigated"),
    ("fluentbit-efile-duplicate-submits-utc-s12h", "time:mitigated"),
    ("gdoc-postmortem-ebike-lockers-pt-s12c", "time:detected"),
    ("github-discussion-seismo-ingest-s12g", "time:detected"),
    ("github-discussion-seismo-ingest-s12g", "time:mitigated"),
    ("github-discussion-seismo-ingest-s12g", "time:resolved"),
    ("github-discussion-seismo-ingest-s12g", "duration_minutes"),
    ("github-issue-utc-ais-positions-s12o", "time:start"),
    ("github-issue-utc-ais-positions-s12o", "time:detected"),
    ("github-issue-utc-ais-positions-s12o", "duration_minutes"),
    ("gitlab-hospital-traycards-allergens-berlin-s12m", "time:start"),
    ("gitlab-hospital-traycards-allergens-berlin-s12m", "duration_minutes"),
    ("gmail-csa-skipped-boxes-pacific-s12j", "time:start"),
    ("gmail-csa-skipped-boxes-pacific-s12j", "duration_minutes"),
    ("gmail-plasma-donor-payouts-mountain-s12f", "time:detected"),
    ("gmail-plasma-donor-payouts-mountain-s12f", "time:mitigated"),
    ("gmail-plasma-donor-payouts-mountain-s12f", "time:resolved"),
    ("gmail-plasma-donor-payouts-mountain-s12f", "duration_minutes"),
    ("gmail-plasma-donor-payouts-mountain-s12f", "absent:Cody"),
    (
        "gmail-plasma-donor-payouts-mountain-s12f",
        "absent:Second time this year Cody pushes payment code right before the centers "
        "open and we hear it from donors at the desk, Cody should not be deploying on "
        "donation days.",
    ),
    ("groups-digest-osechi-konbini-tokyo-s12f", "time:detected"),
    ("groups-digest-osechi-konbini-tokyo-s12f", "time:resolved"),
    ("groups-digest-osechi-konbini-tokyo-s12f", "duration_minutes"),
    ("incidentio-prepay-topups-bst-s12c", "time:detected"),
    ("incidentio-prepay-topups-bst-s12c", "absent:Priya"),
    (
        "incidentio-prepay-topups-bst-s12c",
        "absent:if Priya had renewed the cert when the reminder went out in May we "
        "wouldn't be here",
    ),
    ("iso-offset-campsite-release-queue-pacific-s12l", "time:start"),
    ("iso-offset-campsite-release-queue-pacific-s12l", "time:detected"),
    ("iso-offset-campsite-release-queue-pacific-s12l", "duration_minutes"),
    ("iso-offset-gluehwein-wristband-topups-berlin-s12l", "time:start"),
    ("iso-offset-gluehwein-wristband-topups-berlin-s12l", "duration_minutes"),
    ("iso-offset-marathon-registration-dbvendor-pacific-s12p", "time:mitigated"),
    ("iso-offset-marathon-registration-dbvendor-pacific-s12p", "time:resolved"),
    ("iso-offset-marathon-registration-dbvendor-pacific-s12p", "duration_minutes"),
    ("iso-offset-parkhaus-exit-fallback-berlin-s12l", "time:start"),
    ("iso-offset-parkhaus-exit-fallback-berlin-s12l", "time:detected"),
    ("iso-offset-parkhaus-exit-fallback-berlin-s12l", "time:mitigated"),
    ("iso-offset-parkhaus-exit-fallback-berlin-s12l", "time:resolved"),
    ("iso-offset-parkhaus-exit-fallback-berlin-s12l", "duration_minutes"),
    ("jira-cloud-vet-claims-aedt-s12g", "time:detected"),
    ("jira-cloud-vet-claims-aedt-s12g", "time:mitigated"),
    ("jira-cloud-vet-claims-aedt-s12g", "time:resolved"),
    ("jira-cloud-vet-claims-aedt-s12g", "duration_minutes"),
    ("jira-server-coach-tickets-spf-berlin-s12k", "time:detected"),
    ("journald-json-ebus-depot-sydney-s12h", "time:start"),
    ("journald-json-ebus-depot-sydney-s12h", "time:mitigated"),
    ("journald-json-ebus-depot-sydney-s12h", "duration_minutes"),
    ("linear-gp-slots-london-s12b", "time:mitigated"),
    ("nginx-daycare-staff-ipads-copenhagen-s12d", "number:212 of 1,380 institutions"),
    ("nginx-daycare-staff-ipads-copenhagen-s12d", "number:3,914 failed session refreshes"),
    ("nginx-daycare-staff-ipads-copenhagen-s12d", "number:about 1,100 pickups"),
    ("notion-db-theatre-scanners-madrid-s12g", "time:start"),
    ("notion-db-theatre-scanners-madrid-s12g", "time:detected"),
    ("notion-db-theatre-scanners-madrid-s12g", "duration_minutes"),
    ("notion-db-theatre-scanners-madrid-s12g", "number:4 theatres"),
    ("notion-db-theatre-scanners-madrid-s12g", "number:2 shows started late"),
    ("outlook-desktop-pharmacy-msv3-berlin-s12j", "time:start"),
    ("outlook-desktop-pharmacy-msv3-berlin-s12j", "time:resolved"),
    ("outlook-desktop-pharmacy-msv3-berlin-s12j", "duration_minutes"),
    ("outlook-offsets-hearing-remotefit-pacific-s12j", "time:resolved"),
    ("outlook-offsets-hearing-remotefit-pacific-s12j", "duration_minutes"),
    ("outlook-tyre-bookings-berlin-s12f", "time:start"),
    ("outlook-tyre-bookings-berlin-s12f", "time:resolved"),
    ("outlook-tyre-bookings-berlin-s12f", "duration_minutes"),
    ("outlook-utility-abschlag-cents-berlin-s12m", "time:resolved"),
    ("outlook-utility-abschlag-cents-berlin-s12m", "duration_minutes"),
    ("outlook-vet-sms-ist-s11b", "number:All 38 clinics"),
    ("raffle-5050-timeline-stjohns-s12c", "time:start"),
    ("raffle-5050-timeline-stjohns-s12c", "time:detected"),
    ("raffle-5050-timeline-stjohns-s12c", "duration_minutes"),
    ("readymix-etickets-postmortem-s12c", "time:start"),
    ("readymix-etickets-postmortem-s12c", "time:detected"),
    ("readymix-etickets-postmortem-s12c", "time:mitigated"),
    ("readymix-etickets-postmortem-s12c", "duration_minutes"),
    ("redmine-kiosk-waiting-numbers-berlin-s12g", "time:start"),
    ("redmine-kiosk-waiting-numbers-berlin-s12g", "time:detected"),
    ("redmine-kiosk-waiting-numbers-berlin-s12g", "time:mitigated"),
    ("redmine-kiosk-waiting-numbers-berlin-s12g", "time:resolved"),
    ("rfc5424-snowplough-map-helsinki-s12h", "time:start"),
    ("rfc5424-snowplough-map-helsinki-s12h", "time:detected"),
    ("rfc5424-snowplough-map-helsinki-s12h", "duration_minutes"),
    ("rfc5424-snowplough-map-helsinki-s12h", "number:181 of 271 active ploughs"),
    ("rfc5424-snowplough-map-helsinki-s12h", "number:96,412 rejected positions"),
    ("rfc5424-snowplough-map-helsinki-s12h", "number:37 resident feedback tickets"),
    ("rocketchat-classifieds-search-belgrade-s12a", "time:detected"),
    ("rocketchat-classifieds-search-belgrade-s12a", "time:mitigated"),
    ("servicenow-callcentre-sip-s12b", "time:detected"),
    ("servicenow-callcentre-sip-s12b", "time:resolved"),
    ("servicenow-callcentre-sip-s12b", "duration_minutes"),
    ("servicenow-callcentre-sip-s12b", "number:average speed of answer 11 min 40 s"),
    ("servicenow-callcentre-sip-s12b", "number:143 on-site agents affected"),
    ("signal-club-idscan-fallback-s12a", "time:start"),
    ("signal-club-idscan-fallback-s12a", "time:detected"),
    ("signal-club-idscan-fallback-s12a", "time:mitigated"),
    ("signal-club-idscan-fallback-s12a", "time:resolved"),
    ("signal-club-idscan-fallback-s12a", "duration_minutes"),
    ("slack-blocks-parking-fines-santiago-s12d", "time:detected"),
    ("slack-blocks-parking-fines-santiago-s12d", "time:mitigated"),
    ("slack-export-spaeti-drinks-orders-berlin-s12l", "time:detected"),
    ("slack-port-call-polygons-utc-s12m", "time:start"),
    ("slack-port-call-polygons-utc-s12m", "time:detected"),
    ("slack-port-call-polygons-utc-s12m", "duration_minutes"),
    ("slack-registry-quantity-pagerduty-pacific-s12l", "time:start"),
    ("slack-registry-quantity-pagerduty-pacific-s12l", "time:detected"),
    ("slack-registry-quantity-pagerduty-pacific-s12l", "time:mitigated"),
    ("slack-registry-quantity-pagerduty-pacific-s12l", "duration_minutes"),
    ("status-email-meal-cards-brno-s12f", "time:mitigated"),
    ("status-email-meal-cards-brno-s12f", "number:14,820 declined transactions at 1,930 terminals"),
    ("status-email-meal-cards-brno-s12f", "number:roughly 9,600 cardholders"),
    ("status-updates-coworking-doors-berlin-s12j", "number:212 denied scans in 15 min"),
    ("teams-classic-motor-quotes-gmt-s12e", "absent:Gavin"),
    (
        "teams-classic-motor-quotes-gmt-s12e",
        "absent:Gavin signed off the AddressNow switch without reading their format "
        "notes, not the first time he's done that",
    ),
    ("thunderbird-broker-fno-ist-s12b", "number:60+ calls in 5 min"),
    ("weechat-slot-sync-spring-forward-s12a", "time:mitigated"),
    ("whatsapp-heatpump-release-berlin-s12a", "time:start"),
    ("whatsapp-heatpump-release-berlin-s12a", "duration_minutes"),
    ("wiki-carwash-plate-whitelist-berlin-s12k", "time:detected"),
    ("wiki-carwash-plate-whitelist-berlin-s12k", "number:41 Google reviews"),
    ("wiki-club-reentry-mesz-mez-s12c", "number:25 min"),
    ("wiki-datetime-cells-partner-tablets-utc-s12o", "number:612 of 2,930 partner restaurants"),
    ("wiki-hotel-night-audit-fallback-pacific-s12k", "time:start"),
    ("wiki-hotel-night-audit-fallback-pacific-s12k", "duration_minutes"),
    ("wiki-pledge-form-eastern-s12g", "time:start"),
    ("wiki-pledge-form-eastern-s12g", "time:detected"),
    ("wiki-pledge-form-eastern-s12g", "time:mitigated"),
    ("wiki-pledge-form-eastern-s12g", "time:resolved"),
    ("wiki-pledge-form-eastern-s12g", "number:estimated $96,000 in pledges"),
    ("wiki-snow-closure-robocalls-pacific-s12m", "number:42,090 of them inside quiet hours"),
    ("zendesk-payroll-2fa-s12b", "time:detected"),
    ("zendesk-payroll-2fa-s12b", "time:mitigated"),
    ("znc-apt-release-expired-utc-s12e", "time:detected"),
    ("znc-apt-release-expired-utc-s12e", "time:mitigated"),
    ("zulip-ebt-checkout-pacific-s12a", "time:detected"),

    # thirteenth session, blind batches -s13a to -s13h (README, "Thirteenth session"):
    # starts and detections told without a cue, recoveries told by a later line, figures
    # after their words, repeated daylight-saving hours
    ("applemail-forward-pharmacy-wal-slot-stockholm-s13c", "number:212 GB"),
    ("confluence-when-ice-release-toronto-s13f", "time:detected"),
    ("discord-today-game-login-clock-skew-capetown-s13a", "time:detected"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "time:start"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "time:detected"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "time:mitigated"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "time:resolved"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "duration_minutes"),
    ("fallback-notes-radio-playout-hold-eastern-s13d", "number:2 top-of-hour legal IDs"),
    (
        "github-date-only-padel-gate-qr-lisbon-s13f",
        "number:1,930 scans refused at 61 gates in 38 of 90 clubs",
    ),
    ("gmail-nested-pix-webhook-gym-saopaulo-s13c", "time:start"),
    ("gmail-nested-pix-webhook-gym-saopaulo-s13c", "time:mitigated"),
    ("gmail-nested-pix-webhook-gym-saopaulo-s13c", "duration_minutes"),
    ("gmail-nested-pix-webhook-gym-saopaulo-s13c", "absent:Thiago"),
    (
        "gmail-nested-pix-webhook-gym-saopaulo-s13c",
        "absent:Sinceramente, Thiago should have caught this, the Pagável mail was sitting in"
        " his inbox since November.",
    ),
    ("irssi-seconds-fediverse-inbox-signatures-utc-s13a", "time:detected"),
    ("iso-offset-fallback-petrol-day-close-berlin-s13h", "time:start"),
    ("iso-offset-fallback-petrol-day-close-berlin-s13h", "time:detected"),
    ("iso-offset-fallback-petrol-day-close-berlin-s13h", "duration_minutes"),
    ("iso-offset-fantasy-cricket-lb-kolkata-s13d", "time:mitigated"),
    ("jira-cloud-newest-solar-offline-brisbane-s13f", "time:start"),
    ("jira-cloud-newest-solar-offline-brisbane-s13f", "time:mitigated"),
    ("jira-cloud-newest-solar-offline-brisbane-s13f", "duration_minutes"),
    ("kubectl-events-date-u-ebook-loans-hpa-utc-s13h", "time:start"),
    ("kubectl-events-date-u-ebook-loans-hpa-utc-s13h", "time:mitigated"),
    ("kubectl-events-date-u-ebook-loans-hpa-utc-s13h", "time:resolved"),
    ("kubectl-events-date-u-ebook-loans-hpa-utc-s13h", "duration_minutes"),
    ("linear-iso-z-class-lobby-berlin-s13f", "time:start"),
    ("linear-iso-z-class-lobby-berlin-s13f", "duration_minutes"),
    ("mailman-digest-ryokan-inventory-tokyo-s13g", "time:start"),
    ("mailman-digest-ryokan-inventory-tokyo-s13g", "time:resolved"),
    ("mailman-digest-ryokan-inventory-tokyo-s13g", "duration_minutes"),
    ("mattermost-seconds-itv-plate-lookup-madrid-s13a", "time:start"),
    ("mattermost-seconds-itv-plate-lookup-madrid-s13a", "duration_minutes"),
    ("mbox-spf-permerror-ceramics-rome-newyork-s13c", "time:detected"),
    ("mbox-spf-permerror-ceramics-rome-newyork-s13c", "time:resolved"),
    ("mbox-spf-permerror-ceramics-rome-newyork-s13c", "duration_minutes"),
    ("mbox-spf-permerror-ceramics-rome-newyork-s13c", "number:9 chats overnight"),
    (
        "md-date-time-who-coop-outage-texts-denver-s13b",
        "number:phone queue peaked at 64 waiting, longest wait 47 min",
    ),
    ("md-date-time-who-coop-outage-texts-denver-s13b", "number:2 feeders (12 and 19)"),
    ("outlook-de-eps-return-confectionery-vienna-s13g", "time:start"),
    ("outlook-de-eps-return-confectionery-vienna-s13g", "time:mitigated"),
    ("outlook-de-eps-return-confectionery-vienna-s13g", "duration_minutes"),
    ("outlook-fwd-alert-coffee-labels-pacific-s13g", "time:detected"),
    ("outlook-fwd-alert-coffee-labels-pacific-s13g", "time:resolved"),
    ("outlook-fwd-alert-coffee-labels-pacific-s13g", "duration_minutes"),
    ("outlook-sent-no-offset-school-bus-gps-pacific-s13c", "time:start"),
    ("outlook-sent-no-offset-school-bus-gps-pacific-s13c", "duration_minutes"),
    ("servicenow-journal-closing-packages-eastern-s13f", "time:resolved"),
    ("servicenow-journal-closing-packages-eastern-s13f", "duration_minutes"),
    (
        "sheets-tsv-escript-tokens-melbourne-s13b",
        "number:412 patients dispensed as owing, 96 walked out to another pharmacy",
    ),
    (
        "sheets-tsv-escript-tokens-melbourne-s13b",
        "number:143 calls from stores, 38 patient complaints",
    ),
    ("slack-export-school-bus-calendar-saigon-s13d", "time:detected"),
    ("slack-export-school-bus-calendar-saigon-s13d", "time:mitigated"),
    ("slack-huddle-expo-badge-kiosks-central-s13e", "time:detected"),
    ("slack-json-karaoke-metadata-lock-tokyo-s13h", "time:mitigated"),
    ("slack-threads-block-heater-outlets-edmonton-s13d", "time:start"),
    ("slack-threads-block-heater-outlets-edmonton-s13d", "time:detected"),
    ("slack-threads-block-heater-outlets-edmonton-s13d", "duration_minutes"),
    ("spring-forward-notes-vet-video-turn-pacific-s13h", "absent:Kyle"),
    (
        "spring-forward-notes-vet-video-turn-pacific-s13h",
        "absent:Kyle schedules every secret rotation for 1:40am on a Saturday night and mutes"
        " his phone. every single time",
    ),
    ("status-emails-30min-dealer-creditapps-eastern-s13g", "time:detected"),
    ("status-emails-30min-dealer-creditapps-eastern-s13g", "time:resolved"),
    ("status-emails-30min-dealer-creditapps-eastern-s13g", "duration_minutes"),
    (
        "status-emails-30min-dealer-creditapps-eastern-s13g",
        "number:1,988 of 2,146 failed applications were resubmitted automatically",
    ),
    ("status-emails-30min-dealer-creditapps-eastern-s13g", "number:158 need to be resubmitted"),
    (
        "wiki-bold-times-mock-test-sessions-ist-s13b",
        "number:1,960 support tickets and WhatsApp chats, 212 refund requests",
    ),
    ("wiki-start-end-school-meal-topups-london-s13b", "number:1,377 pupils at 38 schools"),
    # thirteenth session, third round (-s13i to -s13l, measured on the final code): a
    # Signal copy whose times sit under their messages, an Asciidoc page dated only by a
    # GMT header, DokuWiki/Telegram/Teams-transcript starts and detections without cues
    ("asciidoc-cols-konbini-print-tokyo-s13j", "time:start"),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "time:detected"),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "time:mitigated"),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "time:resolved"),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "number:4,100 reservation numbers"),
    (
        "asciidoc-cols-konbini-print-tokyo-s13j",
        "number:2,870 failed print attempts at 1,930 Hikari Mart stores",
    ),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "number:612 inquiries"),
    ("asciidoc-cols-konbini-print-tokyo-s13j", "number:1 h 30 min"),
    ("dokuwiki-financing-flag-furniture-central-s13j", "time:start"),
    ("dokuwiki-financing-flag-furniture-central-s13j", "time:mitigated"),
    ("dokuwiki-financing-flag-furniture-central-s13j", "duration_minutes"),
    (
        "dokuwiki-financing-flag-furniture-central-s13j",
        "number:63 financing applications declined at 9 showrooms",
    ),
    ("dokuwiki-financing-flag-furniture-central-s13j", "number:$148,900"),
    ("dokuwiki-financing-flag-furniture-central-s13j", "number:1 h 29 min"),
    ("github-relative-times-canteen-preorders-perth-s13l", "time:start"),
    ("github-relative-times-canteen-preorders-perth-s13l", "time:detected"),
    ("github-relative-times-canteen-preorders-perth-s13l", "duration_minutes"),
    ("gitlab-wiki-emoji-fish-auction-lots-oslo-s13j", "time:start"),
    ("gitlab-wiki-emoji-fish-auction-lots-oslo-s13j", "time:detected"),
    ("gitlab-wiki-emoji-fish-auction-lots-oslo-s13j", "duration_minutes"),
    (
        "gitlab-wiki-emoji-fish-auction-lots-oslo-s13j",
        "number:41 catch reports (about 356 t of cod, haddock and saithe)",
    ),
    ("gitlab-wiki-emoji-fish-auction-lots-oslo-s13j", "number:1 h 20 min"),
    ("gmail-fwd-chain-bread-routes-encoding-lisbon-s13k", "time:start"),
    ("gmail-fwd-chain-bread-routes-encoding-lisbon-s13k", "time:resolved"),
    ("gmail-fwd-chain-bread-routes-encoding-lisbon-s13k", "duration_minutes"),
    ("gmail-fwd-chain-bread-routes-encoding-lisbon-s13k", "number:All 14 drivers"),
    ("iso-z-logs-pix-webhook-bus-tickets-saopaulo-s13l", "time:start"),
    ("iso-z-logs-pix-webhook-bus-tickets-saopaulo-s13l", "time:mitigated"),
    ("iso-z-logs-pix-webhook-bus-tickets-saopaulo-s13l", "time:resolved"),
    ("iso-z-logs-pix-webhook-bus-tickets-saopaulo-s13l", "duration_minutes"),
    ("notion-copy-callouts-driving-lessons-paris-s13j", "time:start"),
    ("notion-copy-callouts-driving-lessons-paris-s13j", "duration_minutes"),
    ("notion-copy-callouts-driving-lessons-paris-s13j", "number:1 h 41 min"),
    ("pagerduty-log-entries-remit-payouts-singapore-s13l", "time:detected"),
    ("pagerduty-log-entries-remit-payouts-singapore-s13l", "time:mitigated"),
    ("prose-email-oncall-picking-reindex-eastern-s13k", "time:detected"),
    ("prose-email-oncall-picking-reindex-eastern-s13k", "time:mitigated"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "time:start"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "time:detected"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "time:mitigated"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "time:resolved"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "duration_minutes"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "number:6,140 agent credits delayed"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "number:up to 76 minutes"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "number:2,310 agents"),
    ("signal-desktop-agent-cashout-credits-lagos-s13i", "number:₦187.4M"),
    ("slack-json-fallback-takeaway-tablets-london-s13l", "time:detected"),
    ("slack-json-fallback-takeaway-tablets-london-s13l", "time:mitigated"),
    ("slack-json-fallback-takeaway-tablets-london-s13l", "absent:Gareth"),
    (
        "slack-json-fallback-takeaway-tablets-london-s13l",
        "absent:Gareth put the patch window on a Saturday night again. he's never looked at"
        " an order graph in his life",
    ),
    ("slack-thread-copy-christmas-lottery-holds-madrid-s13i", "time:start"),
    ("slack-thread-copy-christmas-lottery-holds-madrid-s13i", "time:detected"),
    ("slack-thread-copy-christmas-lottery-holds-madrid-s13i", "duration_minutes"),
    ("teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i", "time:start"),
    ("teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i", "time:detected"),
    ("teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i", "time:mitigated"),
    ("teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i", "time:resolved"),
    ("teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i", "absent:Imran"),
    (
        "teams-meeting-transcript-chat-car-rental-preauth-dubai-s13i",
        "absent:Imran built that VAT formula in the tariff sheet and never does a test"
        " booking. he should be taken off pricing",
    ),
    ("telegram-desktop-powerbank-kiosks-rabbitmq-kyiv-s13i", "time:detected"),
    ("telegram-desktop-powerbank-kiosks-rabbitmq-kyiv-s13i", "absent:Bohdan"),
    (
        "telegram-desktop-powerbank-kiosks-rabbitmq-kyiv-s13i",
        "absent:Bohdan again. switches off his consumer, goes for lunch, and we eat 300 angry"
        " chats. every single time with him",
    ),
    ("thunderbird-dayfirst-interpreting-redis-brussels-s13k", "time:detected"),
    ("thunderbird-dayfirst-interpreting-redis-brussels-s13k", "time:mitigated"),
    ("thunderbird-dayfirst-interpreting-redis-brussels-s13k", "time:resolved"),
    ("thunderbird-dayfirst-interpreting-redis-brussels-s13k", "duration_minutes"),
    ("windows-eventlog-csv-lift-gates-tls-denver-s13l", "time:start"),
    ("windows-eventlog-csv-lift-gates-tls-denver-s13l", "time:detected"),
    ("windows-eventlog-csv-lift-gates-tls-denver-s13l", "time:mitigated"),
    ("windows-eventlog-csv-lift-gates-tls-denver-s13l", "time:resolved"),
    ("windows-eventlog-csv-lift-gates-tls-denver-s13l", "duration_minutes"),
    ("zendesk-notify-bank-feeds-int32-copenhagen-s13k", "time:detected"),
    ("zendesk-notify-bank-feeds-int32-copenhagen-s13k", "time:mitigated"),
    ("zendesk-notify-bank-feeds-int32-copenhagen-s13k", "time:resolved"),
    ("zendesk-notify-bank-feeds-int32-copenhagen-s13k", "duration_minutes"),
    ("znc-playback-seaplane-boarding-keys-vancouver-s13i", "time:start"),
    ("znc-playback-seaplane-boarding-keys-vancouver-s13i", "time:detected"),
    ("znc-playback-seaplane-boarding-keys-vancouver-s13i", "time:mitigated"),
    ("znc-playback-seaplane-boarding-keys-vancouver-s13i", "time:resolved"),
}


@pytest.mark.parametrize("name", SETS)
def test_key_times_duration_numbers(results: dict, name: str) -> None:
    summary, _, note = results[name]
    scored = score_note_set(note, summary)
    failed = {k for k, ok in scored["checks"].items() if not ok}
    known = {k for n, k in KNOWN_MISSES if n == name}
    assert failed <= known, f"{name}: {sorted(failed - known)}"


#: Causes not found yet (README): a hard-wrapped IC-log sentence without cause words, a Slack
#: thread reply that loses to the channel's summary line, a Jira comment, and two of the
#: seventh batch.
KNOWN_CAUSE_MISSES = {
    "bridge-call",  # the cause is told over three cues with no cause words
    # twelfth batch: a French note loses to an explanatory remark about the rate limiter
    "paris-notes-14h05",
    "jira-comments",
    # seventh batch: a Zoom chat whose cause is a leftover node setting told in a later
    # message
    "zoom-chat",
    # eighth batch: a Datadog note and a status email that state the cause without cause words
    "datadog-incident",
    "status-update-emails",
    # ninth batch: a GitLab comment explaining why the alert's auto-resolve was not a fix
    # ("Not fixed: after Sami's restart ...") outranks the later "Found it." comment
    "gitlab-incident-issue",
    # tenth batch: the cause (invites with no TTL filling the Redis pool) is told across three
    # chat lines, none with a cause word; a question about the pool is taken instead
    "pacific-fallback-chat",
    # thirteenth to fifteenth batches: causes stated in plain words (the writers were asked to
    # avoid cause words) lose to other explanatory lines; "kudu" picks the notes' own
    # "cause:" line, which states the same cause in other words than the expected quote
    "kudu-tracking-chat",
    "linear-podcast-feeds",
    "cold-chain-ingest",
    "gitlab-feed-plans-issue",
    "ppv-stream-bullets",
    "sale-barn-bids-chat",
    "subtitle-delivery-email-thread",
    "wiki-hotel-mobile-keys",
    "ev-charging-rfid-chat",
    "exam-proctoring-turn",
    "vending-settlement-morning-after",
    "wine-club-email-thread",
    # seventeenth batch: a runbook log whose cause is told in plain words in a notes list
    "runbook-checklist",
    # eighteenth batch: the Gmail thread's plain-words cause loses to a status sentence
    "gmail-quoted-thread",
    # twenty-first batch: the cause in plain words over two sentences after "so:", with no
    # cause word ("sftp01 is a fresh VM with new SSH host keys ... refuses to upload")
    "print-plant-spring-forward",
    # tenth session: a chat whose cause (handhelds' clocks a minute slow after the NTP server
    # was shut down) is told over several wrapped lines; a Jira comment in plain words
    "arena-barcode-chat-s10b",
    "jira-server-billpay-s10a",
    # batches s10c/s10d: causes in plain sentences (a Discord thread, a GitHub comment, a
    # handover email, a status page's "Identified" post, a journal comment over two lines)
    "github-drm-episode-s10c",
    "handover-email-radar-s10c",
    "garage-opener-statuspage-s10d",
    "mail-relay-dkim-journal-s10d",
    # eleventh session: causes in plain sentences (an irssi log, a Telegram copy, a Gmail
    # thread, a GitHub issue, a wiki "what went wrong", the IC's notes, a JSON log remark)
    "github-carshare-endtrip-s11e",
    "gmail-waivers-oldest-first-s11b",
    "ic-notes-eastern-fallback-cu-s11d",
    "irssi-transit-feed-s11a",
    "mealkit-menu-ttl-vilnius-s11e",
    "telegram-fuel-quota-s11a",
    "wiki-freibad-gate-keys-s11d",
    # batches s11f/s11g: causes in plain sentences
    "dispensary-pos-denver-notes-s11g",
    "handover-loadsheets-madrid-s11g",
    "language-app-waf-prose-s11g",
    "shortcut-dictation-asr-s11f",
    "wiki-bagdrop-tags-honolulu-s11f",
    # batches s11h/s11i: causes in plain sentences or under a "Root cause" heading
    "aged-care-emar-dst-sydney-s11h",
    "betting-live-odds-chat-s11h",
    "gitlab-car-rental-lisbon-s11i",
    "wiki-bunker-ebdn-singapore-s11i",
    "wiki-dna-kit-results-s11h",
    # twelfth session, batches s12a-s12p: causes in plain sentences, inside log rows or
    # table cells
    "cloudwatch-parcel-locker-codes-notes-column-s12d",
    "day-divider-puzzle-rollover-utc-s12i",
    "email-blood-donor-sms-sender-london-berlin-s12p",
    "exchange-theatre-seatmaps-madrid-s12f",
    "gdoc-postmortem-ebike-lockers-pt-s12c",
    "github-issue-utc-ais-positions-s12o",
    "gmail-plasma-donor-payouts-mountain-s12f",
    "irssi-radio-stream-spring-forward-s12i",
    "iso-offset-christmas-tree-address-quota-berlin-s12n",
    "iso-offset-marathon-registration-dbvendor-pacific-s12p",
    "iso-offset-parkhaus-exit-fallback-berlin-s12l",
    "kibana-discover-check-deposits-eastern-s12d",
    "nginx-daycare-staff-ipads-copenhagen-s12d",
    "notion-db-theatre-scanners-madrid-s12g",
    "outlook-vet-sms-ist-s11b",
    "readymix-etickets-postmortem-s12c",
    "redmine-kiosk-waiting-numbers-berlin-s12g",
    "slack-christmas-tree-geocoder-quota-berlin-s12p",
    "slack-export-arena-stand-renumber-pacific-s12n",
    "slack-export-spaeti-drinks-orders-berlin-s12l",
    "status-updates-coworking-doors-berlin-s12j",
    "thunderbird-broker-fno-ist-s12b",
    "weechat-slot-sync-spring-forward-s12a",
    "wiki-pledge-form-eastern-s12g",
    "wiki-snow-closure-robocalls-pacific-s12m",
    "zulip-ebt-checkout-pacific-s12a",
    # thirteenth session: causes in plain words over two lines or mails lose to other
    # explanatory lines
    "bsd-syslog-tee-times-conntrack-phoenix-s13h",
    "gmail-nested-pix-webhook-gym-saopaulo-s13c",
    "iso-offset-fantasy-cricket-lb-kolkata-s13d",
    "linear-iso-z-class-lobby-berlin-s13f",
    "lotus-original-message-parcel-lockers-zurich-s13c",
    "mediawiki-html-table-proctored-exams-utc-s13b",
    "slack-huddle-expo-badge-kiosks-central-s13e",
    "slack-threads-block-heater-outlets-edmonton-s13d",
    "status-emails-30min-dealer-creditapps-eastern-s13g",
    "whatsapp-ios-daycare-checkin-ratelimit-amsterdam-s13e",
    "asciidoc-cols-konbini-print-tokyo-s13j",
    "github-relative-times-canteen-preorders-perth-s13l",
    "gmail-fwd-chain-bread-routes-encoding-lisbon-s13k",
    "notion-copy-callouts-driving-lessons-paris-s13j",
    "prose-email-oncall-picking-reindex-eastern-s13k",
    "slack-thread-copy-christmas-lottery-holds-madrid-s13i",
    "telegram-desktop-powerbank-kiosks-rabbitmq-kyiv-s13i",
    "znc-playback-seaplane-boarding-keys-vancouver-s13i",
}


@pytest.mark.parametrize("name", SETS)
def test_cause_found(results: dict, name: str) -> None:
    summary, expected, _ = results[name]
    cause = " ".join(c.text for c in summary.cause)
    found = _overlap(expected["cause_quote"], cause) >= 0.5
    if name in KNOWN_CAUSE_MISSES:
        assert not found, f"{name}: now found, drop it from KNOWN_CAUSE_MISSES"
    else:
        assert found, cause


def test_misleading_path_recall(results: dict) -> None:
    """Misleading paths of all dev sets: 181 of 336 found today (the misses are mostly the
    notes' own "Status:" lines, which describe symptoms, and a vendor status page quoted
    without a guess)."""
    found = total = 0
    for summary, expected, _ in results.values():
        shown = " ".join(m.text for m in summary.misleading_paths)
        for path in expected.get("misleading_paths") or []:
            total += 1
            found += _overlap(path, shown) >= 0.5
    assert total >= 336
    assert found >= 181, f"{found}/{total}"


def _one(text: str, name: str = "notes.md") -> Summary:
    return summarize_sources([Source(name, text)])


def _time(moment: KeyTime | None) -> datetime | None:
    """The time of a key moment, None when there is none."""
    return moment.time if moment is not None else None


def _steps(summary: Summary) -> str:
    """The resolution steps of a summary, joined."""
    return " ".join(r.text for r in summary.resolution)


def test_impact_numbers_are_quoted_as_written() -> None:
    assert quantities("38 of 61 depots reported failures (the others were idle)") == [
        "38 of 61 depots"
    ]
    assert quantities("1,115 parcels missed the morning linehaul") == ["1,115 parcels"]
    assert quantities("4,870 label print jobs failed between 06:12 and 09:31")[0] == (
        "4,870 label print jobs"
    )


def test_issue_summary_states_every_headline_number() -> None:
    notes = (
        "all times UTC, 2024-06-04\n"
        "- 10:02 first 502s on the booking API\n"
        "- 10:09 alert BookingErrorRate > 5% fired, on-call paged\n"
        "- 10:40 rolled back booking-api to 7.3.1, bookings succeeding again\n"
        "- 11:05 error rate back to baseline, incident resolved\n\n"
        "## Impact\n"
        "- 2,310 bookings failed between 10:02 and 10:40\n"
        "- 14 of 22 partner hotels called support\n"
        "- $48,900 in refunds issued\n"
    )
    summary = _one(notes)
    text = summary.issue_summary
    for number in ("2,310 bookings", "14 of 22 partner hotels", "$48,900"):
        assert number in text, text
    assert "5%" not in text.split("Impact", 1)[1]  # an alert threshold is not impact
    assert _time(summary.mitigated) == datetime(2024, 6, 4, 10, 40, tzinfo=UTC)


def test_issue_summary_keeps_a_long_impact_list_with_currencies_and_no_dates() -> None:
    notes = (
        "all times KST, 2024-03-12\n"
        "- 21:40 zone file for Gyeonggi pushed, dawn slots disappear for the region\n"
        "- 21:52 CS lead reports customers seeing 'dawn delivery not available'\n"
        "- 22:31 reverted the zone file, slots visible again\n"
        "- 22:45 incident closed\n\n"
        "## Impact\n"
        "- about 38,400 customers saw 'dawn delivery not available'\n"
        "- dawn orders were about 4,100 below a normal Tuesday (71% of normal)\n"
        "- estimated ₩212 million in lost sales; 96 CS chats and 11 app store reviews\n"
        "- card refunds of ¥1.1M for the Japanese storefront, paid out on 20 May\n"
        "- the fulfilment centre ran the night shift with 2 fewer picking waves\n"
    )
    text = _one(notes).issue_summary
    for number in ("about 38,400 customers", "₩212 million", "¥1.1M", "71% of normal", "96 CS"):
        assert number in text, text
    assert "; 20 May" not in text and "(also recorded: 20 May" not in text  # a date, not impact
    assert "71% of normal);" not in text  # a listed clause stops at the notes' own bracket


def test_time_tied_to_cue_and_alert_clearing_is_not_the_end() -> None:
    notes = (
        "Incident log, all times UTC, 2024-05-02\n"
        "[09:14] alertbot: [FIRING] SearchLatencyHigh (search-api)\n"
        "[09:20] maya: looking, p99 at 4s\n"
        "[10:25] maya: rolled back the ranking config at 10:22, latency back to normal\n"
        "[10:31] alertbot: [RESOLVED] SearchLatencyHigh (search-api)\n"
        "[12:07] maya: reindex done and new ranking config re-applied at 12:05, all clear\n"
    )
    summary = _one(notes, "log.txt")
    assert summary.mitigated is not None and summary.resolved is not None
    assert summary.mitigated.time == datetime(2024, 5, 2, 10, 22, tzinfo=UTC)
    assert summary.resolved.time == datetime(2024, 5, 2, 12, 5, tzinfo=UTC)


def test_denied_cause_is_not_the_root_cause() -> None:
    notes = (
        "All times UTC, 2024-09-10.\n\n"
        "- 06:12 first failed label prints, template fetch returns 404\n"
        "- 06:34 alert PrintErrorsHigh fired, on-call paged\n"
        "- 09:02 found it: the lifecycle rule added yesterday expired every object older than "
        "30 days in the bucket, so the label templates were deleted\n"
        "- 09:31 templates restored, labels printing again\n"
        "- 10:40 backlog drained, resolved\n\n"
        "Side note: the printer firmware theory comes up every time, it has not been the cause "
        "the last three times.\n"
    )
    cause = " ".join(c.text for c in _one(notes).cause)
    assert "lifecycle rule" in cause
    assert "firmware" not in cause


def test_follow_ups_are_not_resolution_steps() -> None:
    notes = (
        "[09:36] lena: pausing the nightly export and throttling replication\n"
        "[09:41] lena: replication throttled, export paused\n"
        "[10:10] lena: stable for 20 min, resolved. thanks all\n"
        "[10:12] omar: follow-ups:\n"
        "[10:12] omar: 1) move the export back to 02:00 and alert if it runs in business hours\n"
        "[10:13] omar: 2) set a replication throughput limit in the cluster template\n"
    )
    summary = _one(notes, "chat.txt")
    steps = _steps(summary)
    assert "throttl" in steps
    assert "move the export back" not in steps
    assert any("move the export back" in a.text for a in summary.action_items)


def test_a_report_told_just_after_it_is_posted_gives_the_detection_time() -> None:
    s = _one(
        "01/05/2024, 09:00 - Ines: reminder, times in this group are Lisbon time (Europe/Lisbon)\n"
        "02/05/2024, 20:40 - Ines: the bakery just called me, orders won't save\n"
        "02/05/2024, 20:41 - Ines: they called at 20:38, queue out the door\n"
        "02/05/2024, 20:47 - Tom: uptime check failing, paged\n"
        "02/05/2024, 21:10 - Tom: restarted the db, orders saving again\n",
        "chat.txt",
    )
    assert s.detected is not None  # 20:38 WEST, on 2 May: the dates are day/month
    assert s.detected.time == datetime(2024, 5, 2, 19, 38, tzinfo=UTC)


def test_false_recoveries_and_monitor_recovery_are_not_the_ends() -> None:
    s = _one(
        "All times UTC, 2024-05-14\n"
        "- 07:14 Alert created: upload error rate > 5%\n"
        "- 07:37 monitor closed the alert by itself. NOT fixed: drivers stopped retrying, so "
        "the error rate fell under 5% for a bit\n"
        "- 07:40 ruled that out: the trial key through our NAT works fine, it's the key\n"
        "- 07:45 uptime says UP again, ignore it, the db crashes on the first write\n"
        "- 08:04 scaled the rescan worker to 0 replicas\n"
        "- 08:16 uploads going through again, error rate 0.4%\n"
        "- 08:21 Closed by Datadog integration (monitor recovered)\n"
        "- 08:47 queue drained, incident over\n"
    )
    assert _time(s.mitigated) == datetime(2024, 5, 14, 8, 16, tzinfo=UTC)
    assert _time(s.resolved) == datetime(2024, 5, 14, 8, 47, tzinfo=UTC)


def test_a_title_saying_to_download_is_not_an_action_list() -> None:
    s = _one(
        "# Files fail to download on web\n\n"
        "All times UTC, 2024-03-05\n\n"
        "- 09:58 first ticket: downloads fail for a customer\n"
        "- 10:12 uptime check failing, on-call paged\n"
        "- 11:48 downloads working again for everyone\n"
    )
    assert s.detected is not None and s.mitigated is not None
    assert len(s.timeline) >= 3


def test_impact_quoted_after_its_label_keeps_its_case() -> None:
    s = _one(
        "All times UTC, 2024-05-14\n"
        "- 07:02 first 429s from the OCR vendor\n"
        "- 07:14 alert fired, upload error rate 38%\n"
        "- 08:16 uploads going through again\n\n"
        "impact (dispatch + logs):\n"
        "- about 1,800 photos failed on first try\n"
    )
    assert "about 1,800 photos" in s.issue_summary


def test_the_sentence_after_a_bare_confirmation_is_the_cause() -> None:
    s = _one(
        "All times UTC, 2024-03-05\n\n"
        "- 09:58 first ticket: attachment downloads fail\n"
        "- 10:29 the bucket answers on its direct endpoint, it's DNS\n"
        "- 10:41 Confirmed. PR #477 deleted the `files.eu` CNAME as unused: the cleanup only "
        "looked at nginx configs, so it looked dead\n"
        "- 11:48 downloads working again for everyone\n"
    )
    assert s.cause and "deleted the `files.eu` CNAME" in s.cause[0].text


def test_a_provider_saying_it_is_resolved_is_not_our_end() -> None:
    s = _one(
        "All times UTC, 2024-09-19\n"
        "- 08:54 PagerDuty fired for dispatch p99 > 5s\n"
        "- 09:54 rider assignments flowing again\n"
        "- 10:28 AWS Health now says the az1 packet loss is resolved\n"
        "- 10:35 queue normal for 30 min, calling all clear, closing the bridge\n"
    )
    assert _time(s.resolved) == datetime(2024, 9, 19, 10, 35, tzinfo=UTC)


def test_counts_written_in_words_are_impact_numbers() -> None:
    assert quantities("sixty-three of our 140 stores could not take card orders") == [
        "sixty-three of our 140 stores"
    ]
    assert quantities("Twenty-seven support tickets, all about checkout") == [
        "Twenty-seven support tickets"
    ]
    assert quantities("one of the nodes restarted") == []  # small counts in words are not impact


def test_a_bot_clearing_or_a_fake_resolved_is_neither_recovery_nor_end() -> None:
    s = _one(
        "All times UTC, 2024-07-09\n"
        "- 21:49 alertbot: [FIRING] ProduceLatencyHigh p99=8.2s\n"
        "- 22:09 alertbot: [RESOLVED] ProduceLatencyHigh p99=0.9s\n"
        "- 22:10 that resolved is fake, the producer is buffering to disk\n"
        "- 22:34 tracking updates are live again, lag at 0\n"
        "- 23:02 all clear, closing the incident\n"
    )
    assert _time(s.mitigated) == datetime(2024, 7, 9, 22, 34, tzinfo=UTC)
    assert _time(s.resolved) == datetime(2024, 7, 9, 23, 2, tzinfo=UTC)


def test_a_contact_told_with_its_time_is_the_detection_even_if_posted_after_the_alert() -> None:
    s = _one(
        "All times UTC, 2024-03-05\n"
        "[14:05:11] grafana: [FIRING:1] LabelApiErrorRate 5xx ratio 0.62\n"
        "[14:06:30] hannah: Leeds DC phoned me at 14:03, every label printer fails\n"
        "[14:52:40] hannah: labels are printing again\n",
        "chat.txt",
    )
    assert _time(s.detected) == datetime(2024, 3, 5, 14, 3, tzinfo=UTC)


def test_teams_copy_alert_bot_clearing_and_closing_a_ticket_number() -> None:
    notes = (
        "Incidents channel (copied from Teams)\n\nToday\n\n"
        "[8:02 AM] Azure Monitor\nFired: Sev2 alert queue-age-high on intake-prod\n"
        "Fired time (UTC): 2024-03-21T12:02:08Z\n\n"
        "[8:04 AM] Okafor, Chidi\nack, we're all on Eastern so I'll keep times that way. "
        "oldest message from 7:41 AM\n\n"
        "[9:26 AM] Kowalski, Adam\nfirewall rule restored and pushed at 9:26 AM\n\n"
        "[9:34 AM] Okafor, Chidi\nchecks answering in under a second again, queue down to 3,100\n\n"
        "[10:13 AM] Azure Monitor\nResolved: Sev2 alert queue-age-high on intake-prod\n\n"
        "[10:20 AM] Okafor, Chidi\nClosing INC0077410. 4,870 e-prescriptions delayed.\n"
    )
    summary = _one(notes, "teams.txt")
    assert _time(summary.start) == datetime(2024, 3, 21, 11, 41, tzinfo=UTC)
    assert summary.mitigated is not None and summary.resolved is not None
    assert summary.mitigated.time == datetime(2024, 3, 21, 13, 34, tzinfo=UTC)  # not the fix
    assert summary.resolved.time == datetime(2024, 3, 21, 14, 20, tzinfo=UTC)  # not the bot


def test_recovery_figures_are_metrics_not_settings_or_versions() -> None:
    from postmortem_assist.summarize import cues

    for said in ("success rate back to 98%", "p99 back below 400 ms", "vehicle count back to 100%"):
        assert cues.RECOVERY.search(said), said
    for said in ("HPA max back to 60", "pods rolled back to 24.6", "rolled back at 06:00 today"):
        assert not cues.RECOVERY.search(said), said


def test_report_onset_and_recovery_words_of_the_thirteenth_batches() -> None:
    from postmortem_assist.summarize import cues

    reports = (
        'Posts in #ops-oncall "are texts broken??"',
        "Megha posts screenshots in #exam-live",
        "Accra centre calls the centre helpline: 22 of 30 stuck",
    )
    for said in reports:
        assert cues.REPORT.search(said), said
    for said in ("filed in #vendor-notices, no action", "Zendesk trigger posts in #support-alerts"):
        assert not cues.REPORT.search(said), said
    onsets = (
        "gateway — First `429 Too Many Requests` returned to the webhook",
        'First "Your session has expired" (a student in Jaipur)',
        "watchdesk — First candidate stuck on Connecting",
    )
    for said in onsets:
        assert cues.ONSET.search(said), said
    assert not cues.ONSET.search("Its renewal job had been failing since 2 November.")
    assert cues.ONSET.search("checkout failing since 21:09")
    for said in ("first good pickup at Bern Bahnhof 16:03", "customers get their parcels again"):
        assert cues.RECOVERY.search(said), said
    more_reports = (
        "members have been calling since 7:40 AM",
        "drivers at the Greeley yard calling in: tablets stuck",
        "First teacher message in #teachers-help at 18:04",
        "Tampines front desk got the first WhatsApp from a parent at 11:09 AM",
    )
    for said in more_reports:
        assert cues.REPORT.search(said), said
    assert not cues.REPORT.search("first error message in the logs at 18:04")
    assert cues.ALERT.search("Alert OfflineNotificationSpike linked: 4,126 notices, created 6:47")
    assert cues.RECOVERY.search("parents all check in on the tablet again")
    assert not cues.RECOVERY.search("the parking deck gate is stuck open again")
    assert cues.ONSET.search("First unmatched payment in the matcher log: 10:52 AM")
    for said in ("the hotline gets calls from Zürich HB", "support is getting tickets about it"):
        assert cues.REPORT.search(said), said


def test_an_auto_resolved_alert_is_not_the_recovery_and_resolving_announces_the_close() -> None:
    notes = (
        "All times UTC, 2024-06-18\n"
        "- 08:29 vehicle count in the feed starts dropping\n"
        "- 08:41 alert RealtimeVehicleCountLow fires, pages Tuomas\n"
        "- 09:18 FYI `RealtimeVehicleCountLow` auto-resolved at 09:15. Not fixed: the restart "
        "republished cached positions\n"
        "- 09:53 fix deployed at 09:52\n"
        "- 10:05 vehicle count back to 100% of scheduled at 10:01\n"
        "- 11:19 buses back on the old firmware. Resolving.\n"
        "- 11:21 changed the incident status to Resolved\n"
    )
    summary = _one(notes)
    assert summary.mitigated is not None and summary.resolved is not None
    assert summary.mitigated.time == datetime(2024, 6, 18, 10, 1, tzinfo=UTC)
    assert summary.resolved.time == datetime(2024, 6, 18, 11, 21, tzinfo=UTC)


def test_a_report_told_in_a_notes_bullet_is_detection_but_a_logged_symptom_is_not() -> None:
    head = "scratch notes, all times UTC, 2024-10-08\n- 10:40 broker upgrade restarts all pods\n"
    told = _one(
        head + "- 10:55 Svenja (support) pings me: hotline getting calls\n"
        "- 11:02 alert LockersOfflineHigh fired\n"
    )
    logged = _one(
        head + "- 10:55 first app store review complaining about lockers\n"
        "- 11:02 alert LockersOfflineHigh fired\n"
    )
    assert told.detected is not None and logged.detected is not None
    assert told.detected.time == datetime(2024, 10, 8, 10, 55, tzinfo=UTC)
    assert logged.detected.time == datetime(2024, 10, 8, 11, 2, tzinfo=UTC)


def test_an_inline_impact_label_leads_the_issue_summary_and_durations_stay_whole() -> None:
    notes = (
        "all times UTC, 2024-03-12\n"
        "- 11:12 first message hit the error queue\n"
        "- 12:20 alert fired\n"
        "- 13:49 first new result filed in CareLink\n"
        "- 15:37 calling all clear\n\n"
        "Impact: 1,140 lab results held, longest delay 4 hrs 21 min. No results lost, all 1,140 "
        "were reprocessed.\n"
    )
    summary = _one(notes)
    assert "Impact: 1,140 lab results held, longest delay 4 hrs 21 min" in summary.issue_summary
    assert quantities("longest delay 4 hrs 21 min") == ["longest delay 4 hrs 21 min"]  # whole


def test_a_figure_keeps_the_words_before_it_that_say_what_it_measures() -> None:
    # "longest wait 71 min": the figure alone ("71 min") reads as an infrastructure unit
    assert quantities("- longest wait 71 min (library stop)") == ["longest wait 71 min"]
    assert quantities("1.120 hotline calls about login, average wait 23 min")[-1] == (
        "average wait 23 min"
    )
    assert quantities("- reg paused 25 min for the whole yr3 window")[0] == "reg paused 25 min"
    assert quantities("checkout conversion dropped by 70%") == ["dropped by 70%"]
    assert quantities("we re-queued 86 files by hand")[0] == "re-queued 86 files"
    assert quantities("About 12% of signing requests failed")[0].startswith("About 12%")
    # a subject's auxiliary is not a measure word, and a threshold stays a threshold
    assert quantities("checkout was stalled 40 min") == ["stalled 40 min"]
    assert quantities("page if queue delay > 5 min") == ["5 min"]
    notes = (
        "all times UTC, 2025-02-11\n"
        "- 07:02 first failed ride request\n"
        "- 07:09 alert DispatchIdle fires\n"
        "- 08:15 rides auto-assigned again\n"
        "- 08:40 all clear\n\n"
        "Impact:\n"
        "- 214 ride requests not auto-assigned\n"
        "- longest wait 71 min (library stop)\n"
        "- 38 requests cancelled by riders\n"
    )
    summary = _one(notes)
    assert "longest wait 71 min" in summary.issue_summary


def test_the_summary_quotes_a_figure_with_its_clause_from_a_line_of_several_sentences() -> None:
    notes = (
        "all times UTC, 2024-06-20\n"
        "13:41 first deadline errors on signing-api\n"
        "13:47 paged: SigningLatencyHigh\n"
        "14:24 signing working again\n"
        "14:51 resolved\n"
        "Summary: signing-api could not finalize envelopes for 43 minutes. About 12% of signing "
        "requests failed in that window: 2,318 envelopes failed to finalize. Support received "
        "thirty-seven tickets.\n"
    )
    summary = _one(notes)
    assert "About 12% of signing requests failed in that window" in summary.issue_summary


def test_a_since_time_after_a_recovery_cue_is_not_its_moment() -> None:
    notes = (
        "All times UTC, 2024-12-10\n"
        "- 06:02 slot cache refreshed, from then on every office showed no appointments\n"
        "- 06:26 hotline calls the IT service desk: citizens report the portal is empty\n"
        "- 06:41 alert SlotsBookedZero fires\n"
        "- 07:17 alert SlotsBookedZero resolved automatically, portal still empty\n"
        "- 08:03 first booking through the portal since 06:02\n"
        "- 09:40 Incident INC-2024-118 closed by Jana\n"
    )
    summary = _one(notes)
    assert _time(summary.start) == datetime(2024, 12, 10, 6, 2, tzinfo=UTC)
    assert _time(summary.detected) == datetime(2024, 12, 10, 6, 26, tzinfo=UTC)
    assert _time(summary.mitigated) == datetime(2024, 12, 10, 8, 3, tzinfo=UTC)
    assert _time(summary.resolved) == datetime(2024, 12, 10, 9, 40, tzinfo=UTC)


def test_not_fixed_is_no_mitigation_and_a_blamed_name_is_dropped_everywhere() -> None:
    notes = (
        "[07:41] farah: Grafana paged me, TURN allocation failures. all times UTC, 2024-05-14\n"
        "[08:07] grafana: [RESOLVED] TurnAllocationFailures\n"
        "[08:08] hafiz: That resolved is just the clinics moving to phone. Relay still saturated, "
        "not fixed\n"
        "[08:12] bryan: Desmond's cost-cutting PR again. Someone take away his terraform access\n"
        "[08:22] hafiz: ASG min set back to 4 by hand\n"
        "[08:33] melissa: Tampines says a patient just connected by video\n"
        "[09:10] farah: Closing the incident\n"
        "[09:20] bryan: sorry for the Desmond comment earlier\n"
    )
    summary = _one(notes, "chat.txt")
    assert _time(summary.mitigated) == datetime(2024, 5, 14, 8, 33, tzinfo=UTC)
    assert "Desmond" not in summary.draft and "terraform access" not in summary.draft


def test_a_cause_line_keeps_its_sentences_but_not_the_blame_said_with_it() -> None:
    text = (
        "Notes 2025-02-11, times GMT\n"
        "14:05 ticket machines declining every card\n"
        "14:20 root cause = fares table v88 was built with the Sunday flag on every weekday "
        "fare, so the validator finds no valid fare for any tap. Tariq in Fares again. "
        "It's always Tariq.\n"
        "14:40 re-pushed v87, taps approved again\n"
    )
    summary = _one(text)
    cause = " ".join(c.text for c in summary.cause)
    assert "Sunday flag on every weekday fare" in cause
    assert "Tariq" not in cause


def test_recovery_since_a_time_and_a_monitors_recovery_state_line() -> None:
    text = (
        "All times UTC, 2025-07-16\n"
        "14:02 CRITICAL lb-api tender-api 5xx ratio 38% > 5% triggered\n"
        "14:05 paged the on-call\n"
        "14:31 RECOVERY  lb-api  tender-api 5xx ratio 2% < 5%  -- Incident #4822 resolved\n"
        "14:40 rolled back haproxy role\n"
        "14:46 504s at zero, tenders booking again since 14:42\n"
        "15:24 all clear, closing the incident\n"
    )
    summary = _one(text)
    assert _time(summary.mitigated) == datetime(2025, 7, 16, 14, 42, tzinfo=UTC)
    assert _time(summary.resolved) == datetime(2025, 7, 16, 15, 24, tzinfo=UTC)


def test_how_we_found_out_is_not_the_cause_but_the_root_cause_section_is() -> None:
    text = (
        "# Checkout payments failing\n\n## What happened\n\n"
        "At 09:20 UTC a desk clerk called the on-call. That call is how we found out.\n"
        "At 09:55 we put a banner on the homepage and far fewer people tried to pay.\n\n"
        "## Root cause\n\n"
        "The root cause was the JSON library upgrade writing 20.00 as 2E+1, which the payment "
        "provider rejects as an invalid amount.\n"
    )
    cause = " ".join(c.text for c in _one(text).cause)
    assert "2E+1" in cause
    assert "how we found out" not in cause


def test_resolution_steps_are_the_fixes_before_recovery() -> None:
    """With more fix lines than fit, the steps are the ones nearest before the impact ended,
    not the first attempts of the morning."""
    notes = (
        "[09:02] grafana: [FIRING] checkout-api p99 above 2s\n"
        "[09:05] nadia: restarting checkout-api pods\n"
        "[09:09] nadia: restart done, p99 still 2.4s\n"
        "[09:12] nadia: flushed the session cache\n"
        "[09:15] nadia: scaled checkout-api from 6 to 10 replicas\n"
        "[09:18] nadia: bumped the db pool size to 40\n"
        "[09:31] tomas: found it: the 08:55 deploy turned off the price cache\n"
        "[09:34] tomas: rolled back checkout-api to v2.41\n"
        "[09:36] tomas: re-enabled the price cache flag\n"
        "[09:41] tomas: p99 back to 300ms, checkouts succeeding again\n"
        "[10:15] nadia: all clear, resolved\n"
    )
    steps = _steps(_one(notes, "chat.txt"))
    assert "rolled back checkout-api" in steps and "re-enabled the price cache" in steps
    assert "restarting checkout-api pods" not in steps


def test_service_desk_activity_newest_first_is_read_in_order() -> None:
    """A Jira Service Management ticket pasted with its activity newest first: each
    '**Name** - date time zone - Internal note' header dates the lines under it, a list heading
    inside one entry does not swallow the older entries, and the header fields do not date the
    description."""
    notes = (
        "# OPS-812 Card top-ups failing\n\n"
        "**Status:** Resolved\n**Created:** 2025-03-04 10:20:00 CET\n"
        "**Resolved:** 2025-03-04 12:05:00 CET\n\n"
        "**Description**\nA customer called the hotline at 10:12: top-ups fail with 'card "
        "declined'.\n\n**Activity (newest first)**\n\n"
        "**Iris Vogel** - 2025-03-04 12:05:00 CET - Internal note\n"
        "All clear, closing. Follow-ups:\n1. Pin the gateway client version (Iris, OPS-815)\n\n"
        "**Iris Vogel** - 2025-03-04 11:31:40 CET - Internal note\n"
        "Rollback done. Top-ups are succeeding again, error rate 0.2%.\n\n"
        "**Tom Berger** - 2025-03-04 10:41:00 CET - Internal note\n"
        "Gateway log: first \"card declined\" for a top-up at 10:04:12, right after the 10:02 "
        "release.\n"
    )
    s = _one(notes, "ticket.md")
    assert _time(s.start) == datetime(2025, 3, 4, 9, 4, 12, tzinfo=UTC)
    assert _time(s.detected) == datetime(2025, 3, 4, 9, 12, tzinfo=UTC)
    assert _time(s.mitigated) == datetime(2025, 3, 4, 10, 31, 40, tzinfo=UTC)
    assert _time(s.resolved) == datetime(2025, 3, 4, 11, 5, tzinfo=UTC)


def test_zone_said_in_passing_and_a_fix_proposed_for_recovery() -> None:
    """'almost midnight here in Berlin' gives the zone; 'add a default so inserts work again'
    is a plan, the later 'messages are sending again' is the recovery."""
    notes = (
        "[10:52 PM] Jonas\nsend rate just fell off a cliff on the dashboard\n\n"
        "[11:22 PM] Paul\ngive the column a default so the old app's inserts work again\n\n"
        "[11:31 PM] Sevda\nasking the duty manager, it's almost midnight here in Berlin\n\n"
        "[11:58 PM] Mira\ndefault added on prod. messages are sending again\n\n"
        "[11:59 PM] Mira\nall clear\n"
    )
    s = _one(notes, "teams.txt")
    assert s.mitigated is not None and "sending again" in s.mitigated.text
    assert s.mitigated.time is not None and s.mitigated.time.hour == 22  # 23:58 CET
    assert s.timezone == "Europe/Berlin"


def test_a_suspicion_answered_with_evidence_is_a_misleading_path() -> None:
    """No 'ruled out' wording: a later line names the same thing with evidence against it."""
    notes = (
        "03:04 first guess: the RIP disk is full again, it stops taking files when full\n"
        "03:08 RIP has 412 GB free, and a file dragged onto it by hand plated in 2 min\n"
        "03:11 transfer log: host key verification failed for sftp01\n"
        "03:14 replaced the host key, restarted the transfer agent\n"
        "03:20 pages landing on the plate setter again\n"
    )
    s = _one(notes, "notes.txt")
    assert any("RIP disk is full" in m.text for m in s.misleading_paths)
    assert not any("host key" in m.text for m in s.misleading_paths)
    assert s.mitigated is not None and "landing" in s.mitigated.text


def test_a_kakaotalk_export_is_read_as_chat_on_its_day_lines() -> None:
    notes = (
        "Pawline eng on-call (5) KakaoTalk Chats\n"
        "Date Saved : Jan 18, 2026 at 2:14 AM\n\n"
        "--------------- Saturday, January 17, 2026 ---------------\n"
        "[Jiwoo Han] [9:48 PM] anyone up for the on-call handoff?\n"
        "[Alert Bot] [10:26 PM] [FIRING] EscapeAlertRate 14.2/min service=geofence-eval\n"
        "[Marcus Bell] [10:27 PM] ack. taking it\n"
        "[Jiwoo Han] [11:58 PM] new key in the secrets store, rolling loc-resolver\n"
        "--------------- Sunday, January 18, 2026 ---------------\n"
        "[Marcus Bell] [12:36 AM] loc-resolver rolled, wifi lookups 200 again\n"
        "[Marcus Bell] [1:16 AM] all clear from me, closing the incident\n"
    )
    summary = _one(notes, "chat.txt")
    assert summary.shape == "kakao"
    assert _time(summary.detected) == datetime(2026, 1, 17, 22, 26)  # naive: no zone stated
    assert _time(summary.resolved) == datetime(2026, 1, 18, 1, 16)


def test_a_status_page_update_takes_the_stamp_written_under_it() -> None:
    notes = (
        "Lanternhouse Tickets Status - Incident History\n\n"
        "Resolved - All shows are on sale normally and seat availability is correct again.\n"
        "Mar 4, 14:30 ACDT\n\n"
        "Monitoring - A fix has been deployed. Shows are back on sale. We are monitoring.\n"
        "Mar 4, 13:24 ACDT\n\n"
        "Investigating - We are investigating reports that shows are displayed as Sold out.\n"
        "Mar 4, 12:03 ACDT\n\n"
        "--- my notes, Wed 4 Mar 2026, same clock as the page: ACDT ---\n"
        "12:10 SalesBelowForecast fired\n"
        "12:40 SalesBelowForecast resolved by itself, lunch rush. nothing fixed\n"
        "13:05 4.2.1 deployed (hold TTL in seconds again)\n"
        "13:15 the other 37 shows back on sale, availability matches the venue reports\n"
        "14:30 Resolved posted, all clear\n"
    )
    summary = _one(notes, "status.txt")
    # "We are monitoring.\nMar 4" names no Monday: the year is the notes' 2026
    assert _time(summary.mitigated) == datetime(2026, 3, 4, 2, 45, tzinfo=UTC)
    assert _time(summary.resolved) == datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
    monitoring = next(e for e in summary.timeline if e.text.startswith("Monitoring"))
    assert monitoring.time == datetime(2026, 3, 4, 2, 54, tzinfo=UTC)


def test_a_slack_browser_copy_keeps_its_clock_times() -> None:
    # "Name  17:52" headers are a clock, not an Otter transcript's time since recording
    notes = (
        "copied from Slack (browser), my Slack timezone is UTC, so every time below is UTC\n\n"
        "Sunday, April 12th 2026\n\n"
        "Deploy Bot  APP  17:40\n"
        "pairing-svc 7.2.0 rolled out to prod (6/6 pods)\n"
        "Grafana  APP  18:04\n"
        "[FIRING:1] ArenaPairingWaveSlow (pairing-svc, prod)\n"
        "Lena Okafor  18:05\n"
        "ack, mine\n"
        "Lena Okafor  18:36\n"
        "pairings instant again: last 5 waves 1.6-1.9s\n"
        "Lena Okafor  19:24\n"
        "all clear, closing\n"
    )
    summary = _one(notes, "slack.txt")
    assert summary.shape != "transcript"
    assert _time(summary.detected) == datetime(2026, 4, 12, 18, 4, tzinfo=UTC)
    assert _time(summary.mitigated) == datetime(2026, 4, 12, 18, 36, tzinfo=UTC)


def test_a_uk_night_across_the_spring_jump_is_read_in_london_time() -> None:
    notes = (
        "late shift notes, Sat 28 -> Sun 29 March 2026\n"
        "times are UK time off my phone\n\n"
        "23:50 gateway dashboard fine\n"
        "00:49 Bex (partner support) rings: restaurants say their tablets stopped ringing\n"
        "00:56 PAGE order acceptance rate < 70%. acked\n"
        "02:00 phone jumped from 00:59 to 02:00\n"
        "02:29 orders landing on tablets again, acceptance 96%\n"
        "03:10 all clear, page closed\n"
    )
    summary = _one(notes, "notes.txt")
    assert _time(summary.detected) == datetime(2026, 3, 29, 0, 49, tzinfo=UTC)  # the call
    assert _time(summary.mitigated) == datetime(2026, 3, 29, 1, 29, tzinfo=UTC)  # BST
    assert _time(summary.resolved) == datetime(2026, 3, 29, 2, 10, tzinfo=UTC)


def test_a_device_clock_named_in_the_header_is_not_the_notes_zone() -> None:
    notes = (
        "# merged logs. acu-1 is the antenna controller and logs Arizona time (-07:00)\n"
        "# note: lines are mine, times in them UTC\n"
        "2026-05-19T08:40:00Z INFO planner scheduled pass\n"
        "2026-05-19T01:47:41-07:00 WARN acu-1 rx X: no carrier lock after 30 s\n"
        "# note: 09:21 mail from Kestrel ops: no X-band data from your last two passes\n"
        "2026-05-19T09:28:00Z ALERT alertmanager [FIRING] GroundPassNoLock site=yuma\n"
        "# note: 11:23 X-band downlink works again\n"
        "# note: 12:05 all clear, closing INC-0519-1\n"
    )
    summary = _one(notes, "merged.log")
    assert _time(summary.resolved) == datetime(2026, 5, 19, 12, 5, tzinfo=UTC)


def test_a_fall_back_night_header_with_numeric_dates_dates_the_evening() -> None:
    notes = (
        "card posting - IC notes - Sat 10/31 into Sun 11/1/2026\n"
        "times are Eastern, off my laptop clock. tonight is fall back\n\n"
        "11:40pm  on for the night cover\n"
        "1:15am   nightly-post started on schedule, run 88212\n"
        "1:30am   run 88212 done, 0 exceptions (the FIRST 1:30, still EDT)\n"
        "1:59am   clock went 1:59 -> 1:00. EST from here\n"
        "1:17am   (2nd) first duplicate posted, member 4471-0092\n"
        "1:30am   (2nd) PAGE Overdraft events > 200 in 10m from PagerDuty. acked\n"
        "3:06am   reversal done, recon matches again\n"
        "4:20am   all clear, closing the bridge\n"
    )
    summary = _one(notes, "ic.txt")
    assert _time(summary.detected) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # the 2nd 1:30
    assert _time(summary.resolved) == datetime(2026, 11, 1, 9, 20, tzinfo=UTC)


def test_remarks_typed_into_a_json_log_behind_chevrons_are_notes() -> None:
    notes = (
        ">>> ugne: export for INC-208. all ts are Vilnius local time, EET +02:00\n"
        '{"ts": "2026-02-08T20:00:03.386+02:00", "level": "info", "msg": "rollover: SET menu"}\n'
        '{"ts": "2026-02-08T20:10:05.231+02:00", "level": "warn", "msg": "cache miss menu"}\n'
        '{"ts": "2026-02-08T20:12:00.000+02:00", "level": "info", "msg": "saves failed=388"}\n'
        ">>> 20:16 ugne: saves are going red since about 20:10, no alert yet\n"
        '{"ts": "2026-02-08T20:20:00.000+02:00", "level": "error", "msg": "save failed"}\n'
        '{"ts": "2026-02-08T21:03:12.448+02:00", "level": "info", "msg": "SET menu manual"}\n'
        '{"ts": "2026-02-08T21:05:02.000+02:00", "level": "info", "msg": "selection saved"}\n'
        ">>> 21:40 ugne: all clear. saves ok since 21:05 after I re-SET the menu at 21:03\n"
    )
    summary = _one(notes, "export.jsonl")
    assert _time(summary.resolved) == datetime(2026, 2, 8, 19, 40, tzinfo=UTC)
    # the closing line tells when saves worked again
    assert _time(summary.mitigated) == datetime(2026, 2, 8, 19, 5, tzinfo=UTC)


def test_an_amount_in_a_summary_paragraph_is_impact() -> None:
    notes = (
        "# Postmortem: backers charged twice\n\n## Summary\n\n"
        "2,964 backers were charged twice, $441,636 in duplicate charges, out of 11,870 "
        "backers on the campaign.\n\n## Timeline\n\n"
        "| Time (UTC) | Event |\n|---|---|\n"
        "| 2026-03-28 00:06 | First duplicate charge |\n"
        "| 00:44 | A backer emails support: charged $149 twice |\n"
        "| 01:24 | Charging running again with no duplicates |\n"
        "| 04:05 | All clear, incident closed |\n"
    )
    summary = _one(notes, "pm.md")
    assert "2,964 backers were charged twice" in summary.issue_summary


def test_a_review_written_the_day_after_is_dated_by_its_incident() -> None:
    notes = (
        "# Post-incident review: lesson completions rejected\n\n"
        "Author: Sanne (IC) · written Wednesday 4 November 2026, the day after\n\n"
        "## What happened\n\n"
        "On Tuesday 3 November 2026 at 13:52 UTC the edge team enabled the new WAF ruleset. "
        "The first support ticket came in at 14:12 UTC, from a learner whose lesson did not "
        "count. At 15:21 UTC lesson completions were being accepted again. We closed the "
        "incident at 18:10 UTC.\n"
    )
    summary = _one(notes, "review.md")
    assert _time(summary.detected) == datetime(2026, 11, 3, 14, 12, tzinfo=UTC)


def test_a_wiki_table_row_with_a_monitor_that_fires_is_the_detection() -> None:
    notes = (
        "All times on this page are UTC.\n\n"
        "| Date | Time | Who | What |\n| --- | --- | --- | --- |\n"
        "| Mar 13, 2026 | 13:52 | kiosk-tagsvc | First TAG_NUMBER_UNAVAILABLE, kiosk K-07 |\n"
        "| Mar 13, 2026 | 14:01 | Datadog | Monitor `kiosk.tag_print.failures > 25` fires, "
        "pages Airport Systems on-call. |\n"
        "| Mar 13, 2026 | 14:03 | @Leilani | Acks. Maybe the new tag stock? |\n"
        "| Mar 13, 2026 | 14:55 | @Ryan | Kiosks printing tags again |\n"
        "| Mar 13, 2026 | 15:40 | @Leilani | all clear |\n"
    )
    summary = _one(notes, "page.md")
    assert _time(summary.start) == datetime(2026, 3, 13, 13, 52, tzinfo=UTC)
    assert _time(summary.detected) == datetime(2026, 3, 13, 14, 1, tzinfo=UTC)


def test_a_blameful_request_is_not_kept_as_an_action_item() -> None:
    s = _one(
        "All times UTC, Thu 3 Dec 2026\n"
        "- 14:00 charge job double-charges 688 families\n"
        "- 14:58 support: first customer mail about two charges\n"
        "- 17:15 job disabled, refunds running\n"
        "- Can we agree Bram doesn't ship on a Wednesday night before charge day ever again?\n"
        "- Follow-up: add an idempotency key to the charge job (Jordan, BILL-88, Dec 10)\n"
    )
    assert "Bram" not in s.draft
    assert not any("Bram" in a.text for a in s.action_items)  # nor in the JSON
    assert any("idempotency key" in a.text for a in s.action_items)


def test_follow_ups_in_the_newest_mail_end_with_that_mail() -> None:
    s = _one(
        "Jordan Pike <jordan@farm.example>\n"
        "Thu, Dec 3, 2026, 12:34 PM\n"
        "to Alyssa, Mitch\n\n"
        "All clear from me (times Pacific).\n"
        "Follow-ups:\n"
        "- charge job reads skips through one shared query (Jordan Pike, FARM-318, due Dec 9)\n\n"
        "On Thu, Dec 3, 2026 at 9:21 AM Jordan Pike <jordan@farm.example> wrote:\n"
        "> Working again: the 9:15 AM batch skipped all 44 skippers.\n"
        "> This happens because release 0.19 moved skips into the new box_skips table.\n"
        ">\n"
        "> On Thu, Dec 3, 2026 at 7:34 AM Alyssa Moreno <alyssa@farm.example> wrote:\n"
        ">> A customer wrote at 6:58 that she was charged for a skipped box.\n",
        name="mail.txt",
    )
    assert [a.text[:30] for a in s.action_items] == ["charge job reads skips through"]
    assert _time(s.mitigated) == datetime(2026, 12, 3, 17, 15, tzinfo=UTC)


def test_an_outlook_thread_whose_older_mails_exist_only_as_quotes() -> None:
    s = _one(
        "From: Anja Sommer <anja@cowork.example>\n"
        "Sent: Thu, 3 Dec 2026 13:32:18 +0100\n"
        "Subject: Update 3 - Resolved\n\n"
        "Status: Resolved (as of 13:30). Closing the incident.\n"
        "Follow-ups:\n"
        "- alarm on controller SD card usage above 80% (Kemal, OPS-772, due 11.12.)\n\n"
        "> From: Anja Sommer <anja@cowork.example>\n"
        "> Sent: Thu, 3 Dec 2026 10:48:10 +0100\n"
        "> Subject: Update 2 - Monitoring\n"
        ">\n"
        "> Log cleanup pushed at 10:20 (fix deployed).\n"
        "> Since 10:37 the app opens doors and gates again at all 9 locations.\n"
        ">\n"
        ">> From: Anja Sommer <anja@cowork.example>\n"
        ">> Sent: Thu, 3 Dec 2026 09:14:20 +0100\n"
        ">> Subject: Update 1 - Investigating\n"
        ">>\n"
        ">> Since about 08:45 members can't open doors with the app.\n"
        ">> Fatma (Mitte) called us at 08:52, our alarm came at 09:06.\n",
        name="mail.txt",
    )
    assert _time(s.detected) == datetime(2026, 12, 3, 7, 52, tzinfo=UTC)
    assert _time(s.mitigated) == datetime(2026, 12, 3, 9, 37, tzinfo=UTC)
    assert [a.text[:20] for a in s.action_items] == ["alarm on controller "]



#: Key moments of short notes in the shapes of this session's blind note sets (each case
#: names the shape it stands for): notes, file name, the moments expected (UTC).
KEY_MOMENT_CASES = {
    "a_venue_calling_our_hotline_before_the_alert_is_the_detection": (
        (
            "Timeline, Sun 25 Oct 2026 (all times UTC)\n\n"
            "| Time | What happened |\n"
            "|---|---|\n"
            "| 01:03 | First E_STAMP_FUTURE reject at Hofgarten |\n"
            "| 01:10 | Hofgarten door manager calls our hotline: guests can't get back in |\n"
            "| 01:17 | Grafana alert `reentry_reject_ratio > 15%` fires, pages Can |\n"
            "| 01:52 | Remote config pushed to all 41 scanners |\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 10, 25, 1, 10, tzinfo=UTC),
        },
    ),
    "the_first_failure_someone_can_find_in_the_logs_is_the_start": (
        (
            "All times UTC, 3 Dec 2026\n"
            "- 13:14 locker WAW-114 pickup ok\n"
            "- 13:31 HMAC_MISMATCH at WAW-114, first reject I can find\n"
            "- 13:46 alarm PickupCodeRejectRate fires, paged\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 3, 13, 31, tzinfo=UTC),
        },
    ),
    "a_kibana_alerting_rule_recovering_is_not_the_recovery": (
        (
            "All times UTC, 3 Dec 2026\n"
            "- 18:41 first PKIX handshake failure on rdc-api-03\n"
            "- 18:52 member services: first call, deposits failing\n"
            "- 19:31 Alerting rule RDC vendor submit errors recovered: 14 documents matched\n"
            "- 19:32 recovered only because the app locks the button after 3 failures\n"
            "- 19:36 deregistered rdc-api-03 from the target group\n"
            "- 19:41 deposits going through again\n"
        ),
        "notes.md",
        {
            "mitigated": datetime(2026, 12, 3, 19, 41, tzinfo=UTC),
        },
    ),
    "chat_cues_for_a_mailed_report_a_check_coming_back_and_a_first_failure_in_logs": (
        (
            "#inc, Thu 3 Dec 2026, all times UTC\n"
            "13:31 Azure DevOps: Release-412 deployed to production\n"
            "14:09 Sunita Malik: Email from Jess at ComparePal, sent 14:04: quotes dropped out\n"
            "14:15 Azure Monitor: Fired: Sev2 quote-decline-rate > 40%\n"
            "14:20 Priya Shah: first PCNR decline in our logs is 13:38, right after the release\n"
            "15:40 Tom Ashworth: rolled back to Release-411\n"
            "15:46 Priya Shah: quotes coming back active again on ComparePal\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 12, 3, 14, 4, tzinfo=UTC),
            "start": datetime(2026, 12, 3, 13, 38, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 3, 15, 46, tzinfo=UTC),
        },
    ),
    "follow_ups_listed_one_per_chat_message_are_not_events": (
        (
            "#ops_20261203.log\n"
            "[00:00:01] *** Topic: #ops | all times UTC\n"
            "[07:12:31] <ciel> apt update fails, customers report the repo is expired\n"
            "[08:53:40] <ciel> apt update works again\n"
            "[09:48:33] <hanne> follow-ups, will file them:\n"
            "[09:48:51] <hanne> - a failed nightly publish pages the on-call (piet, INFRA-2292)\n"
        ),
        "ops.log",
        {
            "detected": datetime(2026, 12, 3, 7, 12, 31, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 3, 8, 53, 40, tzinfo=UTC),
        },
    ),
    "a_remark_that_someone_rang_before_the_page_is_the_detection": (
        (
            "Depot notes, Thu 3 Dec 2026, all times UTC\n"
            "11:00 chargers drop to 0 kW after the config push\n"
            "11:34 night supervisor rang at 11:31: no bus in the yard is charging\n"
            "11:45 alertmanager: DepotChargePowerLow firing\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 12, 3, 11, 31, tzinfo=UTC),
        },
    ),
    "quoted_complaints_formats_and_impact_counts_are_not_key_moments": (
        (
            "All times UTC, Thu 3 Dec 2026\n"
            "- 19:42 coverage.csv re-imported, zip 02139 stored as 2139\n"
            '- 20:20 support: chat is filling up with customers, one says "it just beeps and shows '
            'PAY again"\n'
            "- 21:38 coverage re-imported, 0-ZIPs back to 5 digits in the table. fix deployed\n"
            "- 21:52 Northeast orders routing again\n"
            "- 23:10 All clear. Impact: 1,284 orders unassigned, 522 support calls\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 12, 3, 20, 20, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 3, 21, 52, tzinfo=UTC),
        },
    ),
    "a_ticket_thread_with_dated_speaker_lines": (
        (
            "Ticket #58211, all times PST\n\n"
            "Megan Cole (Customer)  Dec 3, 2026, 6:02 AM PST\n"
            "None of our managers can log in, the authenticator code is always invalid.\n\n"
            "Priya Shah  Dec 3, 2026, 7:45 AM PST\n"
            "Internal note\n"
            "Authenticator codes working again, 0 invalid codes for 5 min.\n\n"
            "Priya Shah  Dec 3, 2026, 9:30 AM PST\n"
            "All clear, closing the incident.\n"
            "Impact: 1,847 failed logins between 4:52 and 7:41.\n"
        ),
        "ticket.txt",
        {
            "mitigated": datetime(2026, 12, 3, 15, 45, tzinfo=UTC),
            "resolved": datetime(2026, 12, 3, 17, 30, tzinfo=UTC),
        },
    ),
    "a_school_phoning_support_before_the_alert_is_the_detection": (
        (
            "All times UTC, Tue 18 Mar 2025\n"
            "- 22:10 absence-notifier 3.2 deployed\n"
            "- 22:19 Wattle Creek PS phoned support: parents get absence texts for kids at school\n"
            "- 22:31 Alert: [P2] SMS send volume above baseline (absence-notifier) 6.2x over 15m.\n"
        ),
        "notes.md",
        {
            "detected": datetime(2025, 3, 18, 22, 19, tzinfo=UTC),
        },
    ),
    "settings_moved_and_nobody_noticing_are_not_key_moments": (
        (
            "Timeline (all times UTC)\n\n"
            "| When | What happened |\n|---|---|\n"
            "| 2026-12-04 13:40 | PR #1187 sets the idle timeout from 3600 s to 60 s. Nobody "
            "notices anything |\n"
            "| 2026-12-04 13:52 | First order push that fails in merchant-gateway |\n"
            "| 2026-12-04 14:09 | PagerDuty `OrderAutoCancelRate > 3%` pages Jussi (merchant "
            "on-call) |\n"
            "| 2026-12-04 15:11 | Terraform apply done, idle timeout back to 3600 s. Fix "
            "deployed |\n"
            "| 2026-12-04 15:27 | Working again: 2,911 of 2,930 tablets connected |\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 4, 13, 52, tzinfo=UTC),
            "detected": datetime(2026, 12, 4, 14, 9, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 4, 15, 27, tzinfo=UTC),
        },
    ),
    "explanations_and_questions_are_not_recoveries_or_closes": (
        (
            "#ops, Wed 9 Dec 2026, all times UTC\n"
            "04:00:09 <vroth> first regional subscriber denied\n"
            "04:06:12 <kpetrak> Hartford desk just called. 6 readers waiting on 9:45 deliveries\n"
            "04:31:40 <vroth> every regional subscriber is denied. München has no regional code, "
            "that's why it works\n"
            "04:58:40 <kpetrak> resolved?? did someone fix something\n"
            "05:34:50 <vroth> Working again: regional test accounts open today's issue\n"
            "06:31:05 <vroth> all clear, closing INC-3318\n"
        ),
        "irc.log",
        {
            "detected": datetime(2026, 12, 9, 4, 6, 12, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 9, 5, 34, 50, tzinfo=UTC),
            "resolved": datetime(2026, 12, 9, 6, 31, 5, tzinfo=UTC),
        },
    ),
    "a_first_failure_told_in_brackets_and_a_forwarded_first_complaint": (
        (
            "#billing, Tue 15 Dec 2026, Berlin time\n"
            "09:30 Jonas Weber: nobody saw anything before the mailing started (first letter "
            "08:00:14 per the mail log)\n"
            "09:35 Yvonne Adler: the first of these came in at 08:21, the hotline has more now\n"
            "10:05 alertbot: Call centre queue alarm (> 120 waiting)\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 15, 7, 0, 14, tzinfo=UTC),
            "detected": datetime(2026, 12, 15, 7, 21, tzinfo=UTC),
        },
    ),
    "a_support_ticket_from_a_customer_is_a_report": (
        (
            "Incident log, Wed 9 Dec 2026, all times UTC\n"
            "- 13:07 first stale position at the consumer\n"
            "- 13:24 Support ticket SUP-20931 from Van Leeuwen Shipping: positions frozen\n"
            "- 13:37 [FIRING] StalePositionsRatio api-prod 34.1%\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 12, 9, 13, 24, tzinfo=UTC),
        },
    ),
    "a_rate_climbing_again_and_a_quoted_all_clear_are_recoveries": (
        (
            "pledge drive notes, Thu 15 May 2025, all times pacific\n"
            "- 9:01am donate page returns 502 for every card\n"
            "- 9:12am paged, looking\n"
            "- 9:55am test donation goes through. donations/min climbing again\n"
            '- 10:15am on air: host says "the website is working again, thank you"\n'
        ),
        "notes.md",
        {
            "mitigated": datetime(2025, 5, 15, 16, 55, tzinfo=UTC),
        },
    ),
    "discord_today_stamps_in_the_zone_we_say_we_are_in": (
        (
            "Tern Games staff server > #live-ops, 10 December 2026\n"
            "thabo.dev — Today at 2:40 PM\n"
            "auth-3 is in the LB, 3/3 healthy\n"
            "nomsa_cm — Today at 2:58 PM\n"
            "#bug-reports is filling up: players report Session expired right after login\n"
            "Lookout APP — Today at 3:04 PM\n"
            "DOWN: Login flow (synthetic) alert firing\n"
            "ruan — Today at 3:14 PM\n"
            "we're UTC+2, so 4:00 PM here is 14:00 UTC\n"
            "liesl — Today at 3:49 PM\n"
            "working again: login success 99.6%\n"
        ),
        "chat.txt",
        {
            "detected": datetime(2026, 12, 10, 12, 58, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 10, 13, 49, tzinfo=UTC),
        },
    ),
    "a_mail_that_gives_the_all_clear_without_a_time_is_closed_when_sent": (
        (
            "From: Reto Baumann\n"
            "Date: 03.12.2026 17:30\n"
            "Subject: RE: pickup codes rejected - ALL CLEAR\n\n"
            "All clear from IT, closing INC-4470. The SMS resend finished at 17:05.\n\n"
            "-----Original Message-----\n"
            "From: Sandra Meier\n"
            "Date: 03.12.2026 16:20\n"
            "Subject: RE: pickup codes rejected\n\n"
            "Customers get their parcels again, first good pickup at Bern Bahnhof 16:03.\n\n"
            "-----Original Message-----\n"
            "From: Sandra Meier\n"
            "Date: 03.12.2026 14:38\n"
            "Subject: pickup codes rejected\n\n"
            "Hallo IT, since 14:31 the hotline gets calls: codes rejected at the stations.\n"
            "All times here are Swiss time.\n"
        ),
        "mail.txt",
        {
            "mitigated": datetime(2026, 12, 3, 15, 3, tzinfo=UTC),
            "resolved": datetime(2026, 12, 3, 16, 30, tzinfo=UTC),
        },
    ),
    "a_mail_that_times_its_close_keeps_that_time": (
        (
            "From: Marcus Oyelaran\n"
            "Sent: Monday, November 4, 2024 11:52 PM -0500\n"
            "Subject: RE: [P1] card declines\n\n"
            "Closing this out. We closed the incident at 11:45 PM after the advice file came.\n\n"
            "From: Rita Castellano\n"
            "Sent: Monday, November 4, 2024 10:40 PM -0500\n"
            "Subject: RE: [P1] card declines\n\n"
            "Card approvals back to normal since 10:34 PM.\n"
        ),
        "mail.txt",
        {
            "resolved": datetime(2024, 11, 5, 4, 45, tzinfo=UTC),
        },
    ),
    "a_dispatcher_posting_in_the_channel_before_the_page_is_the_detection": (
        (
            "| Date | Time (local) | Who | What |\n"
            "|---|---|---|---|\n"
            "| Thu Dec 10 | 21:38 | SCADA | Feeder 12 locks out. First big one of the night |\n"
            "| Thu Dec 10 | 21:52 | gateway | First `429 Too Many Requests` returned to the "
            "webhook (found later) |\n"
            '| Thu Dec 10 | 22:20 | Marisol | Posts in #ops-oncall "are texts broken??" |\n'
            "| Thu Dec 10 | 22:41 | PagerDuty | `SmsIntakeErrorRate` triggered, pages Dana |\n"
            "\nAll times are Mountain (Denver), MST.\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 11, 4, 52, tzinfo=UTC),
            "detected": datetime(2026, 12, 11, 5, 20, tzinfo=UTC),
        },
    ),
    "a_renewal_failing_since_a_date_is_history_not_the_start": (
        (
            "Timeline, Saturday 5 December 2026 (all times UTC)\n\n"
            "| Time | Who | What |\n"
            "|---|---|---|\n"
            "| 06:00 | — | TLS certificate expires. Its renewal job had been failing since "
            "2 November. |\n"
            '| 08:03 | watchdesk | First candidate stuck on "Connecting" (found later) |\n'
            "| 08:19 | Helpline | Accra centre calls the centre helpline: 22 of 30 stuck |\n"
            "| 08:34 | Alertmanager | ProctorConnectFailRate firing, pages Ines |\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 5, 8, 3, tzinfo=UTC),
            "detected": datetime(2026, 12, 5, 8, 19, tzinfo=UTC),
        },
    ),
    "a_support_post_wrapped_under_a_bold_time_is_the_detection": (
        (
            "Mock test incident, Sunday 13 December 2026. All times below are IST.\n\n"
            '**14:07** — First "Your session has expired" (a student in Jaipur, found later in\n'
            "the api logs).\n\n"
            "**14:12** — Support WhatsApp: 40 messages in 3 minutes. Megha posts\n"
            "screenshots in #exam-live and calls Ravi.\n\n"
            "**14:21** — Grafana alert `evicted_keys > 0` fires in #alerts.\n"
        ),
        "notes.md",
        {
            "start": datetime(2026, 12, 13, 8, 37, tzinfo=UTC),
            "detected": datetime(2026, 12, 13, 8, 42, tzinfo=UTC),
        },
    ),
    "a_drill_page_is_not_the_detection_and_a_fine_far_off_does_not_veto_a_report": (
        (
            "night ops, all times Pacific, Sun 8 Mar 2026\n"
            "- 1:12am  weekly PagerDuty test page, acked\n"
            "- 1:50am  Dr. Okafor in #vets: her last two video visits never connected, "
            "she called the owners back by phone\n"
            "- 3:04am  PagerDuty: VisitConnectRate < 80% for 15m\n"
        ),
        "notes.md",
        {
            "detected": datetime(2026, 3, 8, 9, 50, tzinfo=UTC),
        },
    ),
    "a_report_in_a_tracker_comment_before_the_alert_comment": (
        (
            "We're in Berlin, times we type are CET, the stamps Linear shows are UTC.\n\n"
            "Activity\n"
            "2026-12-03T17:09:41.000Z  Tobias Brandt commented\n"
            "  First teacher message in #teachers-help at 18:04 (B1.2 Abend), 23 more since. "
            "All on the desktop app, the two web-classroom teachers are fine.\n"
            "2026-12-03T17:12:30.000Z  Grafana commented\n"
            "  [Alerting] Classroom join success rate: 41% (threshold 90%, 5m).\n"
            "2026-12-03T17:57:48.000Z  Lena Fischer commented\n"
            "  Joining works again since 18:57: test student got into the room in 3 s.\n"
        ),
        "linear.txt",
        {
            "detected": datetime(2026, 12, 3, 17, 4, tzinfo=UTC),
            "mitigated": datetime(2026, 12, 3, 17, 57, tzinfo=UTC),
        },
    ),
}


@pytest.mark.parametrize("case", sorted(KEY_MOMENT_CASES))
def test_key_moments_of_notes_in_new_shapes(case: str) -> None:
    text, name, want = KEY_MOMENT_CASES[case]
    s = _one(text, name=name)
    got = {key: _time(getattr(s, key)) for key in want}
    assert got == want
