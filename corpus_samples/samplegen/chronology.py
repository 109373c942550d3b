"""Generated, theme-neutral chronology entries: routine contacts with varied details."""

from __future__ import annotations

import datetime as dt
import random

_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = _MONTH_NAMES.split()

# Each template is one entry: a list of sentences. Slots come from the directive
# (child, carer, sibling, pronoun, school, nursery) or from the pools below.
TEMPLATES = (
    [
        "On {date} the health visitor carried out a planned home visit.",
        "{Child} was seen with {carer} and the discussion focused on {topic}.",
        "{Carer} asked for information about {action}, and the health visitor agreed to bring "
        "leaflets to the next visit.",
    ],
    [
        "On {date} {child} attended the {clinic} clinic for a routine check.",
        "The appointment was kept and a further check was booked for {weeks} weeks later.",
        "The clinic letter to the GP described {child} as a friendly child who was happy to "
        "be examined.",
    ],
    [
        "On {date} the allocated social worker visited the family home.",
        "{Child} was seen and spoken to and {pronoun} talked about {chat}.",
        "{Sibling} was at school, and the social worker arranged to see {sibling} there the "
        "following week.",
        "The social worker recorded the visit on the same day.",
    ],
    [
        "On {date} {carer} attended a GP appointment about {ailment}.",
        "A prescription was issued and a review was offered in {weeks} weeks.",
        "The GP recorded that {carer} had come to the surgery on foot with {child} in a pushchair.",
    ],
    [
        "On {date} a multi-agency meeting was held at {venue}.",
        "{agencies} agencies attended and actions were agreed about {action}.",
        "{Carer} attended and contributed to the discussion, and the minutes were circulated "
        "within a week.",
    ],
    [
        "On {date} {sibling} was seen by the school nurse for a routine height and weight check.",
        "The measurements were recorded and shared with the GP practice as usual.",
    ],
    [
        "On {date} a housing officer visited to discuss repairs to {repair}.",
        "A contractor appointment was arranged for the following {weekday}.",
        "The housing officer noted that {carer} had reported the problem promptly.",
    ],
    [
        "On {date} {carer} telephoned {nursery} to say that {child} would be absent because of "
        "{absence}.",
        "{Child} returned to {nursery} {weeks} days later.",
    ],
    [
        "On {date} a letter was sent to {carer} confirming an appointment with the {service} "
        "service.",
        "The appointment was attended on the date offered and no further treatment was needed.",
    ],
    [
        "On {date} {sibling} took part in {event} at {school}.",
        "The class teacher described {sibling} as cheerful and keen to join in.",
    ],
    [
        "On {date} the family support worker met {carer} at {venue}.",
        "They talked about {action} and agreed to meet again in {weeks} weeks.",
        "The family support worker helped {carer} to complete a form for {form}.",
    ],
    [
        "On {date} {carer} and {child} attended a session at the {group}.",
        "The group leader noted that {child} played happily with the other children and "
        "joined in with the songs.",
    ],
    [
        "On {date} the social worker and the health visitor made a joint home visit.",
        "{Child} was observed {activity} and the visit lasted about an hour.",
        "Both practitioners recorded that {carer} responded warmly when {child} asked for help.",
    ],
    [
        "On {date} {carer} missed a planned appointment at the {clinic} clinic.",
        "A new appointment was sent by post and was attended {weeks} weeks later.",
    ],
    [
        "On {date} {school} held a parents' evening.",
        "{Carer} attended and heard that {sibling} was making expected progress in reading "
        "and had joined {club}.",
    ],
    [
        "On {date} the social worker completed a statutory visit.",
        "{Child} showed the social worker {toy} and the bedroom {pronoun} shared with {sibling}.",
        "The social worker also spoke to {carer} about {action}.",
    ],
    [
        "On {date} the nursery key worker completed a progress check with {carer}.",
        "{Child} was described as settled, with {skill} developing well.",
        "A copy of the check was sent to the health visitor.",
    ],
    [
        "On {date} {sibling} attended an appointment at the {service} service.",
        "The appointment letter was copied to the school and to the GP.",
    ],
    [
        "On {date} the school's family liaison officer telephoned {carer} about {school_topic}.",
        "{Carer} agreed to come into school the following week, and did so.",
    ],
    [
        "On {date} the health visitor wrote to {carer} offering a developmental review for "
        "{child}.",
        "{Carer} telephoned to change the date because of {absence}, and a new date was agreed.",
    ],
    [
        "On {date} a child in need review meeting was held at {venue}.",
        "The chair recorded the views of {carer}, the nursery, the school and the health "
        "visitor, and the next review was set for {months} months later.",
    ],
    [
        "On {date} {carer} took {child} to the GP surgery with {ailment}.",
        "The GP examined {child}, gave advice and asked {carer} to return if there was no "
        "improvement within {weeks} days.",
    ],
)

POOLS = {
    "topic": [
        "toilet training",
        "nursery places",
        "speech and language development",
        "dental registration",
        "immunisations",
        "weaning",
        "reading together",
        "road safety",
        "a bedtime routine for the older children",
    ],
    "clinic": ["child health", "immunisation", "orthoptic", "audiology", "dental"],
    "chat": [
        "a school trip",
        "a new bicycle",
        "a favourite television programme",
        "a friend's birthday party",
        "the family's pet rabbit",
        "swimming lessons",
    ],
    "ailment": ["a chest infection", "back pain", "a sprained wrist", "eczema", "a sore throat"],
    "venue": ["the family centre", "the school", "the local authority offices", "the GP surgery"],
    "agencies": ["Four", "Five", "Six", "Three"],
    "action": [
        "nursery attendance",
        "a housing transfer application",
        "dental registration",
        "a speech and language referral",
        "help with a benefits claim",
        "school uniform grants",
    ],
    "repair": [
        "the kitchen window",
        "the boiler",
        "a broken fence panel",
        "the bathroom extractor fan",
        "the front door lock",
    ],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "absence": ["a hospital appointment", "a family wedding", "a cold", "an ear infection"],
    "service": ["audiology", "orthoptic", "paediatric dietetic", "community paediatric"],
    "event": ["sports day", "a class assembly", "a class trip to the museum", "a school concert"],
    "club": ["the choir", "a football club", "the art club", "a homework club", "the chess club"],
    "skill": [
        "speech and language",
        "drawing and mark making",
        "counting",
        "sharing and turn taking",
    ],
    "form": ["free school meals", "a bus pass", "a school uniform grant", "a housing transfer"],
    "school_topic": [
        "a forthcoming school trip",
        "a change of class",
        "homework clubs",
        "the school photographs",
    ],
    "months": ["three", "four", "six"],
    "group": ["library rhyme time", "family centre stay and play", "toddler music group"],
    "activity": [
        "playing with building blocks",
        "drawing at the kitchen table",
        "looking at picture books",
        "playing in the garden",
    ],
    "toy": ["a new jigsaw", "a toy garage", "a drawing from school", "a football"],
    "weeks": ["two", "three", "four", "six"],
}


def generate_entries(
    seed: int, start: str, end: str, count: int, names: dict[str, str]
) -> list[list[str]]:
    """Return ``count`` dated entries between ``start`` and ``end`` (ISO dates)."""
    rng = random.Random(seed)
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    span = (last - first).days
    offsets = sorted(rng.sample(range(span + 1), count))
    entries = []
    deck: list[int] = []  # a shuffled deck of templates, so no template repeats soon
    for offset in offsets:
        day = first + dt.timedelta(days=offset)
        day += dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
        slots = {key: rng.choice(pool) for key, pool in POOLS.items()}
        slots.update({k: names[k] for k in ("child", "carer", "sibling", "pronoun", "school")})
        slots["Sibling"] = _cap(slots["sibling"])
        slots["nursery"] = names.get("nursery", "the nursery")
        slots["date"] = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        slots["Child"] = _cap(slots["child"])
        slots["Carer"] = _cap(slots["carer"])
        if not deck:
            deck = list(range(len(TEMPLATES)))
            rng.shuffle(deck)
        template = TEMPLATES[deck.pop()]
        entries.append([sentence.format(**slots) for sentence in template])
    return entries


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
