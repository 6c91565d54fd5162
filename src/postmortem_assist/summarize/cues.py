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
ALERT = _cue(
    r"alerts?\b.*\b(?:fire[sd]?|firing|pages?d?|triggered)|FIRING|TRIGGERED|paged|"
    r"pages on-call|pager|uptime check\b.*\bfail\w*|alarm\w*|monitor\w* (?:fired|triggered)",
    end=False,
)
REPORT = _cue(
    r"noticed|reported|report(?:s|ing)? (?:of|that)|tickets? (?:from|about|came)|"
    r"opened tickets|complain\w*|emailed|"
    r"called|customers? (?:are|were) (?:seeing|reporting)|is seeing|are seeing|detect\w*",
    end=False,
)
ONSET = _cue(
    r"start(?:s|ed|ing)?\s+(?:fail\w*|getting|returning|climbing|erroring|timing out|"
    r"dropping|throwing|to fail|seeing)|first\s+(?:\w+\s+){0,2}(?:at|since)|began|"
    r"started climbing|starting\s+(?=\d)|"
    r"^first\s+(?:\w+\s+){0,2}(?:tickets?|reports?|errors?|complaints?|failures?|review)",
    end=False,
)
RANGE = _cue(
    r"between\s+(?P<a>[^,;]{3,25}?)\s+and\s+(?P<b>[^,;]{3,25})|"
    r"from\s+(?P<c>\d{1,2}:\d{2}[^,;]{0,12}?)\s+(?:to|until|till)\s+(?P<d>\d{1,2}:\d{2})",
    end=False,
)
MITIGATED = _cue(
    r"applied|live on|recreated|restored|restarted|disabled|rolled back|reverted|throttled|"
    r"paused|rollback done|"
    r"scaled (?:back|down|up)|hid|hidden|failed over|drained|stable|mitigat\w*|"
    r"(?:signing|committing|serving|working|running|flowing)\b[^.]*\bagain|stopped|stop within|"
    r"blocked by|unblocked|fixed|patched",
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
    r"resolv(?:ed|ing)|declared resolved|incident closed|closed the incident|"
    r"all[- ]clear|end of the incident|back to (?:baseline|normal)|fully recovered|recovered|"
    r"correct again|stand(?:ing)? down",
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
    r"second (?:theory|guess)|(?:we |I )?(?:first )?thought|thinks? it'?s|"
    r"is (?:it|this) (?:a |an |the )?|"
    r"suspect\w*|guess(?:ed)?|hypothes\w*|wondering if",
)
RULED_OUT = _cue(
    r"not (?:it|that|the \w+|dns|an? \w+|our \w+|currency \w+|the release)|ruled out|nvm|"
    r"not that either|dropped that idea|so not|isn'?t (?:it|the)|wasn'?t (?:it|the)|"
    r"red herring|no,? the|checked:",
)
CAUSE = _cue(
    r"root cause|real cause|the cause|our cause|caused by|because|due to|that'?s it|"
    r"got it|turns out|culprit|triggered by|so the|which means|meant",
)
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
    r"deploy(?:ed|s|ment)|launched|rollback|rolled back"
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
