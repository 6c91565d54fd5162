"""Surface cues shared by the timeline and fact extractors (features and fallback).

The learned sentence-role head (``roles``) decides what a sentence is about; these cues
catch the signals it cannot see: tense ("rolling back" vs "rolled back"), a bot alert,
chat noise, ruled-out hypotheses.
"""

from __future__ import annotations

import re


def _cue(body: str, *, end: bool = True) -> re.Pattern[str]:
    """Case-insensitive ``\\b(?:body)``, plus a closing ``\\b`` unless ``end`` is false."""
    return re.compile(rf"\b(?:{body})" + (r"\b" if end else ""), re.I)


NOISE = re.compile(
    r"^(?:(?:hi|hey|hello|morning|ack|ok|okay|k|yes|yep|yeah|no|nope|sure|thanks|thank you|"
    r"thx|ty|tyvm|cheers|nice|great|cool|lol|\+1|same|looking|looking too|on it|on it too|"
    r"me too|here|i'?m here|i'?m here too|joining|joined|just joined|brb|hmm|hmm maybe|"
    r"will do|sounds good|lgtm|done|nvm|agreed|np|ok thanks|thanks all|thanks everyone|"
    r"yes please|what's up|any update\??|anyone\??|all|too|ish|\(ish\)|please|again)"
    r"[\s,.!?:;()*-]*)+$",
    re.I,
)
#: A monitor's alert. "FIRING" / "TRIGGERED" in capitals, or as a state ("[Triggered]",
#: "Triggered: ...", "Firing since ..."); a lower-case "triggered" in a sentence is a pipeline
#: or a change ("Pipeline triggered to resolve ...", "that triggered a new node").
ALERT = _cue(
    r"alerts?\b.*\b(?:fire[sd]?|firing|pages?d?|triggered)|(?-i:FIRING|TRIGGERED)|"
    r"(?:firing|triggered)(?=\s*(?:[:\]*]|(?:at|since|through)\b))|paged|"
    r"alerted (?:us|me|the (?:[\w-]+ )?team|on-?call)\b|"
    r"(?:team|on-?call|engineers?|we) (?:is |was |were |got |gets )?alerted\b|"
    r"pages (?:the )?(?:[\w-]+ ){0,3}on-?call|pager|uptime check\b.*\bfail\w*|alarm\w*|"
    r"monitor\w* (?:`[^`]{1,80}` )?(?:fires|fired|triggers|triggered)|"  # Monitor `x > 25` fires
    r"(?:alertmanager|pagerduty|opsgenie|datadog|grafana|prometheus|sentry|cloudwatch|icinga|"
    r"nagios|zabbix|uptimerobot|checkly|pingdom) (?:fires|fired|pages|paged|triggers|triggered)|"
    r"(?-i:[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+) (?:fires|fired|firing|triggered)|"
    # a tracker linking the alert: "Alert OfflineNotificationSpike linked: ..., created 6:47 AM"
    r"\balert (?-i:[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+) (?:linked|created|opened|raised)\b|"
    r"(?<=\[)(?:ALERT|ALERTING|ALARM|CRITICAL|CRIT|PROBLEM|FIRING|TRIGGERED)(?=\])|"
    r"page[ds]?\s+(?=[`'\"])|\bpage (?:came in|went out|fired|from)\b|(?-i:PD:)\s|"
    r"\bpage[sd]\s+(?-i:[A-Z][a-z]+)\b(?!\s+(?:\d|of)\b)|"  # "... pages Jussi (merchant on-call)"
    r"(?-i:\bPAGE\b)\s*:|"  # "PAGE: "assignment rate < 85%" from Grafana"
    # an alert mail's body: "Alert: checkin-api match rate below 60%", and its "Triggered:
    # 2024-03-14 06:19:02 UTC" field (the time is the line's stamp; the word is left)
    r"^\W{0,3}(?:alert|alarm)\s*:\s|^\W{0,3}(?:triggered|fired)(?:\s+at)?\W*$",
    end=False,
)
#: A call or message from a named person: "call from Terrence (dispatch):", "forwards a call
#: from Fournos", "WhatsApp from Marco"; not "every API call from Android".
CALL_FROM = (
    r"(?:(?<![\w ])|(?<=\ba )|(?<=\ban )|(?<=\bthe ))(?:phone call|call|WhatsApp|voicemail) "
    r"from (?-i:[A-Z])"
)
#: A desk taking calls or tickets: "the hotline gets calls", "support is getting tickets".
DESK_GETS = (
    r"\b(?:hotline|help ?(?:desk|line)|service desk|support|call cent(?:re|er)|front desk|"
    r"switchboard)s? (?:gets|got|is getting|are getting|has been getting|getting|receives|"
    r"received) (?:\w+ )?(?:calls|tickets|complaints|e-?mails|chats)\b"
)
#: "first" and who told us: "first phone ...", "first teacher ...", "first ..." ("first
#: teacher message in #teachers-help", "first WhatsApp from a parent").
FIRST_WHO = (
    r"first (?:phone |(?:customer|user|teacher|parent|member|guest|patient|student|driver|store|"
    r"client|partner|merchant|dealer)s? )?"
)
#: A person posting to the team's channel: "Megha posts screenshots in #exam-live".
POSTED_IN = r"\b(?:posts?|posted) (?:[\w-]+ ){1,2}in #[\w-]+"
REPORT = _cue(
    # "noticed", not a channel's "#vendor-notices"
    r"(?<![#\w-])notic(?:ed|es)|spot(?:ted|s)|reported|radioed|on the radio:|\brang\b|"
    r"\brings(?: (?:in|us|me))?:|"  # "Bex (partner support) rings: restaurants say ..."
    r"\b(?:have|has|had) been calling\b|\bkeep calling\b|\bcalling (?:in|us|me)\b|"
    # "the hotline gets calls from Zürich HB", "support is getting tickets about ..."
    rf"{DESK_GETS}|"
    # a person's words posted to the team: 'Posts in #ops-oncall "are texts broken??"', "posts
    # screenshots in #exam-live" (not a bot that "posts in #support-alerts")
    r"\b(?:asks?|asked|posts?|posted) in #[\w-]+\s*[:\"“]|"
    rf"{POSTED_IN}|"
    r"flagged (?:to (?:me|us)|it|this)\b|(?:CS|support|help ?desk|service desk) here\b|"
    r"(?:sees|saw|seen|notices) (?:on|in) the [\w -]{0,30}(?:dashboard|graphs?|logs?|monitor)|"
    r"(?:this |the )?(?:issue|incident) (?:was )?opened\b|"
    r"(?:e-?mail|mail|message) (?:reaches|reached) us\b|"
    r"\be-?mail from (?:[\w&'.-]+ ){1,4}(?:at|@|in) [\w&'.-]+|"  # "Email from Jess at ComparePal"
    r"\b(?:transfer(?:s|red)? a call|calls? (?:taken|received) at)\b|"  # "hotline transfers a call"
    r"\bfirst (?:[\w-]+ ){0,3}came in\b|"  # "the first of these came in at 08:21"
    r"(?:on|in) the (?:[\w-]+ ){0,2}(?:dashboards?|graphs?)\b[^.]{0,60}?\b(?:dropped|fell|"
    r"spik\w*|jump\w*|climb\w*|to (?:almost )?zero|stuck|flat)\b|"
    r"(?:dropped|fell|spiked|jumped|climbed|flatlined)\s+on the (?:[\w-]+ ){0,2}"
    r"(?:dashboards?|graphs?)|"
    rf"{FIRST_WHO}(?:call|caller|ticket|report|complaint|chat|email|WhatsApp|DM|text|message)s?"
    r"(?: was| came)? "
    r"(?:at|from|in|on|to)\b|"
    rf"{CALL_FROM}|"
    r"(?<=\()first (?:customer |user )?(?:report|complaint|ticket|call)(?=\))|"
    r"report(?:s|ing)? (?:of|that)|tickets? (?:from|about|came)|"
    r"\bticket [A-Z]+-\d+ (?:from|came in)\b|"  # "Support ticket SUP-20931 from Van Leeuwen"
    r"opened tickets|complain\w*|emailed|"
    r"called(?! it\b)|phoned|calls\s*:|calls (?:in|us|me)\b|"
    r"calls (?:our|the) (?:[\w-]+ )?"
    r"(?:hotline|help ?(?:desk|line)|service desk|support|on-?call)\b|"
    r"customers?\b(?:\s+[\w,-]+){0,4}\s+(?:writes|wrote|says|said|tells us|told us|messaged|"
    r"tweets|tweeted)\b|"
    r"customers? (?:are|were) (?:seeing|reporting)|is seeing|are seeing|"
    r"detect\w*|"
    r"raised (?:it|this|the alarm)|open(?:ed|s) (?:an? |this |the )?(?:incident|INC-?\d+)|"
    r"screenshots? of|"
    r"(?:fails|failing|broken|errors?) for me|(?:anyone|anybody) else (?:seeing|getting|having)|"
    r"(?:support|customers?|users?|sellers?|merchants?) (?:\w+ ){0,2}(?:posts?|posted|reported|"
    r"wrote in)|"
    r"(?:customers?|users?|clients?|stores?|drivers?) (?:are |were |keep )?(?:calling|phoning)|"
    r"(?:filling up|flooded) with|pings? (?:me|us|the (?:channel|team))\b|"
    r"(?:customers?|users?|subscribers?|players?|citizens?|clients?|patients?|merchants?) "
    r"(?:say|said|report|tell us|are telling|(?:are |were )?stuck)\b|(?:is|are) blowing up|"
    r"(?:hotline|help ?desk|support|phones?|stores?) (?:is |are |has had |have had )?"
    r"(?:getting|taking )?calls|phone calls? (?:at )?(?:\d{1,2}[:.]\d{2} )?from\b",
    end=False,
)
#: A timeline row's lead, "watchdesk — First ...", or "First ..." opening the line.
_ROW_FIRST = r"^\W{0,3}(?:[\w@.-]+(?: [\w@.-]+)? — )?first "
#: A clock right ahead: "09:12", "9.12", "14h05", "9 am" (not "3600 s" or "2 November").
_CLOCK_AHEAD = r"(?=\d{1,2}(?:[:.h]\d\d|\s*[ap]\.?m\b))"
ONSET = _cue(
    r"start(?:s|ed|ing)?\s+(?:fail\w*|getting|returning|climbing|erroring|timing out|"
    r"dropping|throwing|to fail|seeing)|first\s+(?:\w+\s+){0,2}(?:at|since)|began|"
    r"\bfirst `?(?:[45]\d\d|[45]xx)\b|"  # "First `429 Too Many Requests` returned to ..."
    r"started climbing|starting\s+(?=\d)|first (?:OOM|OOM-?kill\w*|panic|crash)\b|"
    # an error code's first appearance: "kiosk-tagsvc — First TAG_NUMBER_UNAVAILABLE, ..."
    rf"{_ROW_FIRST}(?-i:[A-Z][A-Z0-9]*_[A-Z0-9_]+)\b|"
    r"from (?:then|that (?:point|moment)) on|first (?:[\w-]+ )?denials?\b|"
    # "first letter 08:00:14 per the mail log", "first reject 13:31"
    r"\bfirst (?:[\w-]+ ){1,2}(?=\d{1,2}:\d{2}\b)|"
    # "First order push that fails in merchant-gateway"
    r"^\W{0,3}first (?:[\w-]+\s+){1,3}(?:that|which) (?:fails?|failed|errors?|errored|"
    r"times? out|timed out|bounced?)\b|"
    # the first of a quoted error: 'First "Your session has expired" (a student in Jaipur)'
    rf"{_ROW_FIRST}[\"“`]|"
    # a table row's "watchdesk — First candidate stuck on ...", "First card declined at Leeds"
    rf"{_ROW_FIRST}(?:[\w-]+ ){{1,2}}(?:stuck|fail(?:s|ed)|"
    r"rejected|declined|bounced|errored|timed out|times out)\b|"
    # "first reject I can find", "the first error we could see in the logs"
    r"first (?:[\w-]+ ){1,2}(?:that )?(?:I|we) (?:can|could) (?:find|see)\b|"
    r"(?:zero|fine|normal|clean|green|ok) until (?:about |around |~)?(?=\d)|"
    r"first (?:[\w-]+\s+){0,2}(?:hit|landed in|reached|showed up in)\s+(?:[\w-]+\s+){0,3}"
    r"(?:at|around)\s+(?=\d)|"  # "First message hit the error queue at 6:12 AM"
    # "first send timeouts in the rx-gateway logs at 2:49 PM", "first 402 in the logs is 9:21pm"
    r"first (?:\S+\s+){0,6}?in (?:the |our )?(?:[\w-]+\s+){0,2}logs?(?:\s+(?:at|is|was)|\s*:)\s*"
    r"(?=\d)|"  # "First unmatched payment in the matcher log: 10:52 AM"
    r"(?:drops?|dropped|dips?|dipped) (?:at|around) (?=\d)|"
    r"oldest (?:queued )?(?:message|item|job|event|entry|record|order)s? (?:is )?(?:from|since) "
    r"(?:about |around |~)?(?=\d)|(?:nothing|none) (?:\w+ )?since (?:about |around |~)?(?=\d)|"
    # "timeouts from 09:12" (a clock), not "idle timeout from 3600 s to 60 s" (a setting)
    r"(?:[45]\d\d|[45]xx|errors?|failures?|timeouts?)s?\s+(?:from|since)\s+"
    rf"{_CLOCK_AHEAD}|"
    # "failing since 21:09", not "its renewal job had been failing since 2 November"
    r"(?:hang\w*|fail\w*|down|broken|slow|erroring|timing out)\s+since\s+"
    rf"{_CLOCK_AHEAD}|"
    r"(?:errors?|failures?|timeouts?|[45]\d\d|[45]xx)s?\b(?:\s+[\w/.-]+){1,8}?\s+"
    r"start(?:s|ed)?\s+(?:at|around)\s+(?=\d)|"
    r"(?:errors?|failures?|timeouts?|problems?|issues?|impact|5xx|outage|degradation|"
    r"(?:empty|failed|failing|broken|blank)\s+\w+)\s+started\s+(?:at\s+|around\s+|~)?(?=\d)|"
    r"first\s+(?:\w+\s+)?(?:[45]\d\d|[45]xx)s?\b|"
    # a start typed as a label: "start ~10:40 maybe earlier", "impact start: 09:12"
    r"^(?:impact\s+)?start\s*[:=]?\s*(?:~|about\s+|around\s+|approx\.?\s*)?(?=\d)|"
    # a quoted error's first sighting: 'first "IBAN unknown" for a QR-IBAN at 07:43:12'
    r"first\s+[\"'`][^\"'`\n]{1,40}[\"'`]\s+(?:(?:[\w-]+\s+){0,4}(?:at|since)\s+(?=\d)|"
    r"(?:errors?|answers?|responses?|replies|messages?|results?|rejections?)\b)|"
    r"first\s+(?:[\w-]+\s+){1,3}(?:is|was)\s+(?:(?:at|around|from)\s+)?(?=\d)|"
    r"first\s+`?[\w.:-]+`?\s+(?:errors?\s+)?(?:in|on)\s+the\s+(?:[\w-]+\s+){0,2}"
    r"(?:logs?|dashboards?|graphs?)\b|"
    r"first\s+(?:[\w-]+\s+)?(?:that\s+|which\s+)?(?:failed|failing|broken|bounced|rejected|"
    r"dropped|timed[- ]out)\b|"
    r"first\s+(?:[\w-]+\s+){0,2}(?:bounces|rejections|timeouts?|crash\w*|outages?|placeholders?|"
    r"failures?|errors?|complaints?|"
    r"(?:[\w-]+\s+){0,6}?(?:show(?:s|ed)? up|appear(?:s|ed)?)\s+(?:at|from|around)\s+(?=\d)|"
    r"spikes?|symptoms?|signs?)\b|"
    r"(?:rate|errors?|latency|5xx|4xx|failures?)\s+(?:jumped|spiked|climbed|rose)\s+"
    r"(?:at|from|since|around)\s+(?=\d)|"
    r"(?:rate|errors?|latency|p\d\d|5xx|4xx|failures?|response times?)\s+"
    r"(?:went|jumped|spiked|climbed|rose)\s+from\s+\S+\s+to\s+\S+\s+(?:at|around)\s+(?=\d)|"
    r"^(?:WARN(?:ING)?|ERROR|FATAL|CRIT\w*)\b(?=.*\b(?:fail\w*|error|mismatch|timeout|"
    r"refused|denied|5\d\d)\b)|"
    r"^first\s+(?:\w+\s+){0,2}(?:tickets?|reports?|errors?|complaints?|failures?|review)",
    end=False,
)
RANGE = _cue(
    r"between\s+(?P<a>[^,;]{3,25}?)\s+and\s+(?P<b>[^,;]{3,25})|"
    r"from\s+(?P<c>\d{1,2}:\d{2}[^,;]{0,12}?)\s+(?:to|until|till)\s+(?P<d>\d{1,2}:\d{2})|"
    # a chat message opening with a clock range: "[10:00] bob: 09:03–09:53 checkout failed"
    r"^\W{0,3}(?P<e>\d{1,2}:\d{2}\s?(?:[ap]\.?m?\.?)?)\s?[–—-]\s?(?P<f>\d{1,2}:\d{2})",
    end=False,
)
MITIGATED = _cue(
    r"applied|live on|recreated|restored|restarted|disabled|rolled back|reverted|throttled|"
    r"paused|rollback done|"
    r"scaled (?:back|down|up)|hid|hidden|failed over|drained|stable|mitigat\w*|"
    r"(?:signing|committing|serving|working|running|flowing)\b[^.]*\bagain|stopped|stop within|"
    r"blocked by|unblocked|fixed|patched",
)
#: Impact has ended (the issue's "mitigated" = the first recovery): service is back, whatever
#: fix did it. "succeeding again", "back to 98%", "back under 400 ms", "200 again", "recovered".
RECOVERY = _cue(
    r"(?:succeed\w*|work\w*|serv\w*|load\w*|print\w*|flow\w*|pass\w*|respond\w*|"
    r"process\w*|connect\w*|returning results|2\d\d|green|healthy|normal|up|live|online|"
    r"available)\s+again|(?:scanning|passing) green\b|"
    r"(?:we'?re|we are|it'?s|it is|everything'?s|everything is) back(?:\s+up)?(?=\s*(?:[.!]|$))|"
    r"(?<!rolled )(?<!rolling )(?<!roll )(?<!scaled )(?<!scale )(?<!dialled )(?<!dialed )"
    r"(?<!moved )(?<!set )(?<!pinned )(?<!reverted )(?<!went )"  # "rolled back to 24.6"
    r"(?<!come )(?<!comes )(?<!came )"  # "coordinates come back in 40 ms": a reply, not a level
    r"back (?:to|under|below|within|at|in) (?:normal|baseline|"
    r"\d[\d.,]*(?=\s?(?:%|percent\b))|\d[\d.,]*\s?(?:ms|s|secs?|seconds|rps|qps)|"
    # not "max 60", not a version ("roster-client back to 2.9"), not a format ("back to 5
    # digits")
    r"\d(?![\d:]|\.\d)(?!\s*(?:digits?|characters?|chars?|columns?|fields?|places?)\b))|"
    r"returned to (?:normal|baseline)|recovered|recovering|error rates? (?:dropped|fell|down)|"
    r"\bback (?:on sale|in stock|in service)\b|"  # "the other 37 shows back on sale"
    # a check's answer: "Prairie checks coming back active again"
    r"\b(?:coming|comes|came) back (?:as )?(?:active|ok|okay|fine|valid|clean|healthy|green|"
    r"eligible)\b|"
    r"no (?:more|new) (?:errors|failures|[45]\d\d|timeouts)|"
    r"(?:errors?|failures?|rejections?|declines?|5xx|timeouts?) (?:are |were |now )?(?:at|back to|"
    r"down to|dropped to|fell to) (?:zero|0)\b|"
    r"(?:errors|[45]\d\d|[45]xx)s? (?:stopped|gone)|\w+ing normally|"
    r"(?:deliver|arriv|accept|(?<!re)(?<!stuck )open|land|reach|appear|offer|show|"
    r"check(?:s|ed)? in\b)\w*"
    r"\s+(?:[\w-]+\s+){0,4}again|"  # "parents all check in on the tablet again"
    r"(?:find|scan|match)\w*\s+(?:(?!(?:errors?|failures?|issues?|problems?|nothing|no)\b)"
    r"[\w-]+\s+){0,2}again|"  # "desks are finding everyone again"
    r"(?<!-)(?:send|sent|sign|render|sync|confirm)\w*\s+again|"
    r"(?:go\w*|went|get\w*|com\w*) through again|(?:go(?:es|ing)?|went) out again|"
    r"(?:getting|going|coming) through(?!\s+(?:again|the|a|an|to|this|that|it|with)\b)|"
    r"(?:serving|working|flowing|processing|loading|succeeding) (?:[\w-]+ ){0,2}since (?=\d)|"
    r"\b(?:ok|okay|fine|normal|green|healthy|clean) since (?=\d)|"  # "saves ok since 21:05"
    r"(?:CI|builds?|checks?|tests?|rerun)\s+(?:\w+\s+)?green|works? (?:again|now|fine)|"
    r"(?!fail|error|crash|break|drop|spik|tim|throw|stall|hang|degrad|los)"
    r"(?!(?:\w*thing|morning|evening|string|ring|king|building|warning|ping)\b)\w+ing again|"
    r"(?:answer|respond)\w*\s+(?:(?!with\b|errors?\b|[45]\d\d)[\w-]+\s+){0,5}again|"
    r"first (?:new |good |successful )(?:[\w-]+\s+){0,2}(?:filed|processed|delivered|received|"
    r"went through|succeeded|completed|arrived|landed)|"
    # "first good pickup at Bern 16:03", "customers get their parcels again"
    r"first (?:good|successful) [\w-]+(?: [\w-]+)? (?:at|on|in|from|since)\b|"
    r"\bget\w*\s+(?:their|the|our|its)\s+(?:[\w-]+\s+){0,2}again\b|"
    r"first (?:[\w-]+ )?(?:booking|order|payment|login|sale|transaction|upload|delivery|checkout|"
    r"approval)s? (?:through|since|succeeded|completed|went through|processed|from)|"
    r"\b(?:just|finally) (?:connected|got in|logged in|went through)\b|"
    # a timeline's own words for it: "All systems verified operational", "Confirmed working",
    # "All ingress traffic working as intended", "Fluentd is now fine", "launches return to
    # normal", "kubectl logs is restored", "User reporting back that the fix works"
    r"(?:verified|confirmed) (?:as )?(?:operational|working)|operational again|"
    r"all systems (?:\w+ )?operational|"
    r"(?<!n't )(?<!not )(?:working|functioning|behaving) as (?:intended|expected)|"
    r"(?:is|are) now (?:fine|ok|healthy|working)\b|return(?:s|ing)? to (?:normal|baseline)|"
    r"(?:is|are|was|were|appears? to be|has been|have been) (?:now )?(?:fully )?restored\b"
    r"(?! from)|(?:that )?(?:it|the fix|this) works\b(?! (?:when|if|only))|"
    r"(?:issue|problem|errors?) (?:goes|went) away|back (?:in )?operation|"
    r"all (?:\d[\d,]* |the |of the )?[\w-]+ (?:were |are |got )?(?:uploaded|transmitted|delivered|"
    r"accepted|went (?:through|out))",  # "all 3 files uploaded" after the re-run
)
#: A monitoring system clearing an alert: "[RESOLVED] HighErrorRate", "alert cleared".
ALERT_CLEARED = re.compile(
    r"\[(?:RESOLVED|RECOVERED|OK)\]|(?-i:\bRECOVERY\b)|"  # VictorOps: "RECOVERY  lb-api ..."
    r"\balerts? (?:[`'\"]?[\w.-]+[`'\"]? )?(?:has |had |was |is |just )?"
    r"(?:resolved|cleared|recovered)\b|"
    r"(?-i:\bRESOLVED\b)(?=.*(?:[Aa]lert|High|Low|Error|Latency|Rate))|"
    r"\balerts? (?:\w+ )?cleared|\bauto-?(?:resolved|closed|cleared)\b|"
    r"\b(?:cleared|resolved|closed) (?:itself|on its own|by itself|automatically)\b|"
    r"\b(?:alarm|alert|monitor|check)s? (?:went|goes|is|was) (?:back to )?(?:ok|green)\b|"
    r"\b(?:alertmanager|alertbot|pagerduty|opsgenie)\b.*\bresolved\b|"
    # Kibana / Elastic: "Alerting rule RDC vendor submit errors recovered: 14 documents ..."
    r"\balerting rule (?:[\w'\"`.-]+ ){0,8}?(?:recovered|resolved|cleared)\b|"
    r"\bclosed by \w+ integration\b|\b(?:monitor|check|probe|synthetic)s? (?:has )?recovered\b|"
    r"^(?:Resolved|Recovered|OK):\s(?=.*\balert\b)|"
    # an alert's CamelCase name and its state: "LockersOfflineHigh resolved"
    r"(?-i:\b[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+\s+(?:resolved|cleared|recovered)\b)",
    re.I,
)
#: Authors that are monitoring bots ("pagerbot", "alertmanager", "PagerDuty").
BOT_AUTHOR = re.compile(
    r"bot\b|^(?:pagerduty|opsgenie|alertmanager|grafana|datadog|azure monitor|cloudwatch|"
    r"new relic|prometheus|sentry|uptimerobot|pingdom|statuscake|checkly|nagios|zabbix|icinga|"
    r"dynatrace|victorops|splunk)",
    re.I,
)
#: A fix that did not help: "rolled back anyway, 403s unchanged", "didn't help", "This does
#: not resolve the issue", "error persists", "(it does not)", "nothing happened".
NO_EFFECT = re.compile(
    r"\bunchanged\b|\bno change\b|\b(?:didn'?t|did not|doesn'?t) help|\bno effect\b|"
    r"\b(?:does(?:n'?t| not)|do(?:n'?t| not)|did(?:n'?t| not))(?: also)? (?:seem to )?"
    r"(?:resolve|fix|help|do anything|mitigate|solve|improve|change anything|"
    r"make (?:a|any) difference)\b|\b(?:error|problem|issue)s? persists?\b|"
    r"\bwill _?not_? fix\b|\bnothing happened\b|^\(it does not\)|\bno improvement\b|"
    r"\bnot possible to\b|"
    r"\battempts? (?:\w+ )?fail(?:s|ed)\b|"  # "Attempt fails due to timeout"
    r"\battempt\w*\b[^.;]{0,80}\bbut\b[^.;]{0,40}\b(?:did(?:n'?t| not)|never|not possible)\b",
    re.I,
)
#: A line that itself rules a path out: "These were red herrings", "eliminated this
#: possibility", "This is verified not to be the case", "Conclude that there is no network
#: problem", "this is unrelated to ...", "turned out to be unrelated".
DISPROVED = re.compile(
    r"\bred herrings?\b|\beliminat\w+ (?:this|that|the) (?:possibility|hypothesis|theory)\b|"
    r"\bverified not to be\b|\bconclud\w* (?:that )?there (?:is|was) no\b|"
    r"\b(?:is|was|are|were) unrelated to\b|\bturned out to be (?:unrelated|a symptom)\b",
    re.I,
)
#: Said of something still broken: "not working again yet", "still failing".
NOT_RECOVERED = re.compile(
    r"\b(?:not|n't|never|still|yet to)\b[^.;]{0,25}\bagain\b|\bstill (?:fail|broken|down)|"
    r"\bnot (?:fixed|resolved|recovered)\b|\bnothing(?:'s| is| was)? (?:fixed|resolved)\b|"
    r"\bagain\b[^.;]{0,30}\b(?:ignore (?:it|that|this)|false (?:alarm|positive)|flapping)\b|"
    # a recovery explained away: "recovered only because the app locks the button"
    r"\b(?:recovered|cleared|resolved|green|ok) only because\b|"
    r"\bonly (?:recovered|cleared) because\b|"
    # an explanation of what was never broken: "that's why iOS works", "that's why it works"
    r"\bwhy\s+(?:[\w-]+\s+){0,2}(?:works?|is fine|still works)\b",
    re.I
)
#: A report that a failure goes on after an action ("Travis deployment fails again",
#: "Everything's still failing", "Memory leak is not fixed"); unlike ``NOT_RECOVERED`` it
#: leaves out "not seen again" (recovered).
STILL_FAILING = re.compile(
    r"\bstill (?:fail\w*|broken|down|erroring|returning (?:errors|[45]\d\d)|timing out|"
    r"crash\w*|hanging|stuck)\b|\bfail(?:s|ed|ing)? again\b|\bnot (?:fixed|resolved)\b",
    re.I,
)
#: An attempt at a fix: "Pipeline attempted rerun", "The travis deployment is restarted",
#: "We attempted to uncordon the nodes", "restart both hub and proxy pods".
ATTEMPT = re.compile(
    r"\b(?:attempt\w*|tr(?:y|ied|ies) to|retr(?:y|ied|ies)|re-?ran|re-?run\w*|restart\w*|"
    r"redeploy\w*|reboot\w*|re-?creat\w+|rolled back|revert\w*|uncordon\w*)\b",
    re.I,
)
FIX_ACTION = _cue(
    r"lowered|raised|increased|reduced|deployed|re-?ran|rerun|re-run|updated the|"
    r"recreated|rolled out|pinned|hid|restored|replaced|re-?enabled|removed the|rollback|"
    r"roll back",
)
IN_PROGRESS = re.compile(
    r"^(?:\S+\s+){0,2}(?:rolling|reverting|setting|doing|restarting|trying|going to|"
    r"pausing|throttling|disabling|draining|scaling|failing over|"
    r"we can|can we|will|should we|so revert|agree to)\b",
    re.I,
)
RESOLVED = _cue(
    r"resolv(?:ed|ing)|declared resolved|incident closed|clos(?:ed|es) the incident|"
    r"all[- ]clear|end of the incident|back to (?:baseline|normal)|fully recovered|recovered|"
    r"correct again|stand(?:ing)? down|"
    r"closing (?:the |this )?(?:incident|inc\b|INC-?\d+|ticket|bridge)|"
    r"closing (?:this|it)(?: one| out| down)?(?=\s*(?:[,.;:!]|$|now\b|at \d|as of\b))|"
    r"incident (?:is )?over|calling it\b|closed (?:the )?(?:INC-?\d+|incident|ticket)|"
    r"incident (?:INC-?[\d-]+ |#\d+ )?(?:is |was )?closed|"
    r"everything (?:is |back to )?normal",
)
#: A recovery or "resolved" called out as not real: "that resolved is fake", "the green is bogus".
FAKE_RECOVERY = re.compile(
    r"\b(?:resolved|resolve|recovery|recovered|green|ok)\b[^.;]{0,15}\b(?:is|was|looks|'s)\s+"
    r"(?:fake|bogus|misleading|not real|a lie|wrong)\b|\bfake (?:resolve|recovery|green)|"
    r"\b(?:that|the|this) (?:resolved?|recovery|green|ok)\b[^.;]{0,15}\b(?:is|was) (?:just|only)\b|"
    # the alert's state named as a thing: "that RESOLVED is the desks working off paper"
    r"\b(?:that|the|this) (?-i:RESOLVED|OK|RECOVERED)\b\s+(?:is|was|means|just)\b",
    re.I,
)
#: A provider's own status telling its side is resolved ("AWS Health now says the packet loss
#: is resolved"): not our incident's end.
PROVIDER_STATUS = re.compile(
    r"\b(?:AWS|Azure|GCP|Google Cloud|Cloudflare|Fastly|Akamai|vendor|provider|status ?page|"
    r"Health)\b[^.;]{0,40}\b(?:says|said|reports?|shows?|marked|posted)\b",
    re.I,
)
#: Resolution words that close an incident (a RESOLVED match without one is weak: "back to
#: normal", "recovered" may only mean the fix took effect).
CLOSING = _cue(
    r"resolv\w*|all[- ]clear|(?:incident|ticket|page|bridge) (?:is )?closed|clos(?:ed|es) the|"
    r"closing|stand(?:ing)? down|end of the incident",
)
ESCALATION = _cue(
    r"escalat\w*|paged (?:the )?\w+ team|pulled in|looping in|loop in|joined by|"
    r"incident commander|declared (?:a )?sev|SEV\s?\d|P[0-4]\b",
    end=False,
)
COMMUNICATION = _cue(
    r"status ?page|comms|customer (?:email|notice|notification)|announce\w*|"
    r"posted (?:an )?update|tweet\w*|correction was sent|take comms",
)
HYPOTHESIS = _cue(
    r"could (?:it )?be|maybe|might be|perhaps|first (?:theory|guess|thought|suspect)|"
    # "Could TeleBote be ...", not "could not be scheduled"
    r"could (?!(?:you|we|i|someone|anyone|not|never|also|only|still|then|easily|now)\b)"
    r"[\w-]+(?: [\w-]+)? be\b|"
    r"(?:initial|first|early) suspicion|working (?:assumption|theory)|"
    r"second (?:theory|guess)|(?:we |I )?(?:first )?thought|thinks? it'?s|"
    r"is (?:it|this) (?:a |an |the )?|"
    r"suspect\w*|guess(?:ed)?|hypothes\w*|wondering if|could (?:this|that) be|"
    r"ask(?:s|ed)? (?:if|whether)|(?:looked|checked) (?:at |into )?whether|first went after|"
    r"pretty sure (?:it'?s|this is)|doubt (?:it|that)|"
    r"looking at the [^.;]{0,40}(?:update|change|deploy|release|upgrade|migration)|"
    r"(?:provider|vendor|upstream)(?:'s)? status|status page(?: says|:)|"
    r"(?-i:[A-Z][\w-]+) status:\s*[\"“]|looked like the (?:problem|cause|culprit)|"
    r"(?:down|ddos\w*|outage|attack\w*|overloaded|throttl\w*)(?=\?)",
)
RULED_OUT = _cue(
    r"not (?:it|that|the \w+|dns|an? \w+|our \w+|currency \w+|the release)|ruled out|nvm|"
    r"ruled (?:that|it|this) out|"
    r"not that either|dropped that idea|so not|isn'?t (?:it|the)|wasn'?t (?:it|the)|"
    r"red herring|dead end|dropped (?:that|the|this) (?:theory|hypothesis)|"
    r"(?:it|this|that) did(?:n'?t| not)\s*[:.;]|no,? the|checked:|(?-i:[Nn]ot [A-Z][\w.-]+)|"
    r"doubt (?:it|that)|moving on|unrelated|(?:has|had) been fine|"
    r"(?:was|is|are|were) (?:fine|clean)\b|(?:doesn|didn)'?t touch|"
    r"never (?:get|gets|got|reach\w*) (?:to )?the|before the (?:switch|change|deploy\w*|release)|"
    r"but no\b|confirms? no\b|no (?:incident|issue|problem|outage)s? on (?:our|their)|"
    r"side effect|turned out to be (?:a symptom|unrelated|fine)|(?:is|are|was|looks?) green\b",
)
CAUSE = _cue(
    r"root cause|real cause|actual cause|the cause|our cause|caused by|because|due to|that'?s it|"
    r"got it|turns out|culprit|triggered by|so the|which means|meant|found it|"
    r"the (?:problem|issue|bug) (?:is|was)|led to|leads to|resulted in|attributed to|"
    r"as a result|(?:is|was|be|reflect\w*) an? (?:known )?(?:bug|regression) in",
)
#: The cause being found, in a timeline's own words, with what it is: "Identified that the
#: issue was ...", "Root cause is identified in StrategyProxy", "It was discovered the ...",
#: "We discover ...", "Problem: ...", "confirming that the update is the root cause". A bare
#: "we have identified the cause" names nothing and is left out.
FOUND = re.compile(
    r"\b(?:identified|discovered|determined|reali[sz]ed|concluded|verified|confirm(?:ed|s|ing))"
    r"\W+(?:that|to be|as|in)\b|"
    r"\b(?:root cause|cause|culprit|problem|issue|exploit|bug)\b (?:is |was |were |has been )?"
    r"(?:successfully |finally )?(?:identified|discovered|found|confirmed|verified|determined)"
    r"(?: (?:to be|as|in|with)\b)|"
    r"\b(?:identified|discovered|found) (?:an? )?(?:problem|issue|bug) (?:with|in)\b|"
    r"\b(?<!how )(?:it was|we|and) (?:discover|found|find|reali[sz])\w*\b|"  # not "how we found"
    r"^(?:identified|discovered|realization|another realization|reali[sz]ed|concluded)\b|"
    r"\b(?:finds|found) that\b|\b(?:initial |first )?findings (?:of|on|show)\b|"
    r"^found (?:an?|that|the)\b|"
    r"^problem:|\bturns? out\b|\bconfirming (?:that|the)\b|"
    r"\bsuspected as the (?:source|cause)|responsible for the (?:outage|incident|issue)",
    re.I,
)
#: A sentence that announces the cause and leaves it to the sentences after it: "The actual
#: cause took us a bit longer to see.", "The root cause turned out to be subtler:", "Root
#: cause:" (``extract.pick_cause`` credits the next sentences of its paragraph).
CAUSE_LEAD_IN = re.compile(
    r"^\W*(?:the |our )?(?:actual|real|root|underlying|true) (?:root )?cause\b[^.:;]{0,50}?"
    r"(?:\b(?:took|was (?:harder|only|not)|turned out|became clear|is (?:below|as follows))\b"
    r"[^.:;]{0,40}[.:]?|:)\s*$",
    re.I,
)
#: A sentence reporting that service is fine or the problem gone ("Verified that new nodes
#: joined cluster and most deployments are up and running again", "We've concluded that
#: everything is running as expected"): what was verified or concluded is not the cause.
ALL_WELL = re.compile(
    r"\b(?:running|working|operating|performing) (?:as expected|normally|fine)\b|"
    r"\b(?:up and running|operational|resolved)\b|\b(?:are|is) (?:now )?back\b",
    re.I,
)
#: Words that name a cause outright (a sentence with one is a cause whatever else it says).
CAUSE_NAMED = re.compile(r"\b(?:root cause|caused by|because|due to|culprit)\b", re.I)
#: A mechanism: a change to something and what it led to, in one sentence ("the migration
#: renamed rate_pct to rate_percent ..., so every override lookup returned a 500").
MECHANISM = re.compile(
    r"\b(?:renamed|expired|deleted|dropped|removed|switched|changed|migrated|rotated|truncated|"
    r"overwr\w+|misconfigured|exhausted|filled up|ran out|leaked|pointed|set to|stopped renewing|"
    r"replaced|treats?|flipped|moved)\b(?:[^.]|\.(?=\S)){0,300}?(?:,|;|\band|\))\s+"
    r"(?:so|which|therefore|meaning)\b",
    re.I,
)
#: A cause mentioned only to be denied: "has not been the cause", "unrelated", "not a capacity
#: thing", "ruled out" (the sentence is a misleading path or an aside, not the cause).
NOT_CAUSE = re.compile(
    r"\bnot (?:been |be )?(?:the|a|our) (?:root )?cause|\bnot (?:it|that|related)\b|\bunrelated\b|"
    r"\bnot an? [\w-]+ (?:thing|issue|problem)\b|\bruled out\b|\bred herring\b|"
    r"\b(?:isn'?t|wasn'?t|is not|was not) (?:the|a) (?:root )?cause|"
    r"\b(?:was|is|be|turned out to be) (?:just |only )?a symptom",
    re.I,
)
#: A consequence of the incident explained, not its cause: "latency high because of the backlog".
AFTERMATH = re.compile(
    r"\b(?:because of|due to) (?:the )?(?:backlog|load|retries|queue|re-?queu\w*)", re.I
)
#: An item of a list written one per line or message: "- add a check", "2) rotate the key".
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[-*•])\s")
ACTION_HEADER = re.compile(
    r"^(?:(?:\d+\)|[-*])\s*)?(?:follow[- ]?ups?|todos?|to ?dos?|action items?|next steps|"
    r"what we'?ll do|what we will do|ais?|corrective actions?|remediation|"
    r"preventative measures|preventive measures|lessons learned)\b[^:]{0,40}:?\s*",
    re.I,
)
ACTION_INLINE = re.compile(
    r"^(?:AI|TODO|action item|follow[- ]?up)\s*:\s*(?P<text>.+)$|"
    r"\bwe (?:should|need to|must|will)\s+(?P<we>.{10,})$",
    re.I,
)
TICKET = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,6}\b|#\d{2,6}\b")
HANDLE = re.compile(r"(?<![\w.])@[\w.-]{2,30}")


NOISE_PHRASE = _cue(
    r"anything I can help with|second pair of eyes|can I help|need a hand|just joined|"
    r"^(?:nice|great|thanks|ty|cheers),? (?:thanks )?\w+$|^\+1\b",
    end=False,
)


#: Incident-state words that make a one- or two-word line a key moment of a timeline table
#: ("Detected", "Service restored", "Incident declared"), not chat noise.
KEY_MOMENT = _cue(
    r"detect(?:ed|s)?|aware|alert(?:ed|s)|paged|report(?:ed|s)?|declared|escalated|"
    r"repair(?:ed|s)?|restor(?:ed|es)|recover(?:ed|s|y)|resolved|closed|mitigated|fixed|"
    r"identified|occur(?:s|red)?|start(?:s|ed)|beg(?:an|ins)|operational|outage|"
    r"deploy(?:ed|s|ment)|launched|rollback|rolled back|triggered|fired|firing|closing"
)


def is_noise(text: str) -> bool:
    """Chat noise: greetings, acknowledgements, "+1", "looking", "thanks" (a short line with
    an incident-state word, ``KEY_MOMENT``, is not noise unless it is a known chat phrase)."""
    t = text.strip()
    if NOISE_PHRASE.search(t) and len(t.split()) <= 8:
        return True
    return (
        not t
        or bool(NOISE.match(t))
        or (
            len(t.split()) <= 2
            and not re.search(r"\d", t)
            and not re.search(r"\b(?:resolv|revert|roll|fix)", t, re.I)
            and not KEY_MOMENT.search(t)
        )
    )
