"""A labelled set of synthetic clinical texts with planted patient identifiers (deterministic by seed).

Each text is a few Ukrainian or English clinical sentences; identifiers are planted with their kind and span, and
look-alikes that are not identifiers (a РНОКПП or УНЗР with a wrong check digit or date, form codes, dates of laws,
article numbers, amounts, the staff's own phone and name) are planted as negatives."""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pymorphy3

STAFF_NAME = "Оксана Григорівна Мельничук"
STAFF_PHONE = "+380 44 555 12 34"

UK_GIVEN_M = ["Іван", "Петро", "Тарас", "Олег", "Андрій", "Микола", "Богдан", "Василь", "Юрій", "Степан", "Ярослав"]
UK_GIVEN_F = ["Олена", "Марія", "Ганна", "Ірина", "Наталія", "Оксана", "Тетяна", "Людмила", "Мар'яна", "Софія"]
UK_SURNAMES = [
    "Петренко",
    "Коваленко",
    "Шевчук",
    "Бондаренко",
    "Ткачук",
    "Кравчук",
    "Мороз",
    "Лисенко",
    "Романюк",
    "Савчук",
    "Гнатюк",
    "Олійник",
    "Поліщук",
    "Марченко",
    "Зінченко",
    "Рудь",
    "Костенко",
    "Левчишин",
]
EN_GIVEN = [
    "John",
    "Mary",
    "Robert",
    "Linda",
    "Michael",
    "Sarah",
    "David",
    "Emily",
    "James",
    "Laura",
    "Oksana",
    "Taras",
    "Iryna",
    "Dmytro",
    "Olena",
]
EN_SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Kovalenko",
    "Shevchuk",
    "Bondarenko",
    "Melnyk",
    "Tkachenko",
    "Lysenko",
]
DIAGNOSES_UK = [
    "пневмонія",
    "гострий інфаркт міокарда",
    "цукровий діабет 2 типу",
    "перелом стегна",
    "інсульт",
    "гіпертонічна хвороба",
    "бронхіальна астма",
    "гострий панкреатит",
]
DIAGNOSES_EN = [
    "pneumonia",
    "acute myocardial infarction",
    "type 2 diabetes",
    "a hip fracture",
    "stroke",
    "hypertension",
    "asthma",
    "acute pancreatitis",
]
OPERATORS = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]
MONTHS_UK = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]


@dataclass
class Sample:
    """One text, its planted identifiers (kind, start, end) and its planted look-alikes (start, end)."""

    text: str
    lang: str
    planted: list[tuple[str, int, int]] = field(default_factory=list)
    decoys: list[tuple[int, int]] = field(default_factory=list)


class _Maker:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.morph = pymorphy3.MorphAnalyzer(lang="uk")

    def pick(self, items: list[str]) -> str:
        return self.r.choice(items)

    def birth(self) -> date:
        return date(1930, 1, 1) + timedelta(days=self.r.randrange(80 * 365))

    def tax(self, valid: bool = True) -> str:
        days = (self.birth() - date(1899, 12, 31)).days
        digits = f"{days:05d}" + "".join(str(self.r.randrange(10)) for _ in range(4))
        weights = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
        check = sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 % 10
        digits += str(check if valid else (check + self.r.randrange(1, 10)) % 10)
        shape = self.r.choice(["plain", "plain", "5-5", "3-3-2-2", "4-3-3", "space"])
        if shape == "5-5":
            return f"{digits[:5]}-{digits[5:]}"
        if shape == "3-3-2-2":
            return f"{digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
        if shape == "4-3-3":
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        return digits if shape == "plain" else f"{digits[:5]} {digits[5:]}"

    def unzr(self, valid: bool = True) -> str:
        b = self.birth()
        serial = f"{self.r.randrange(100000):05d}"
        if valid:
            return f"{b:%Y%m%d}{self.r.choice(['-', '-', '–'])}{serial}"
        return f"{b.year}{self.r.randrange(13, 20)}{self.r.randrange(32, 40)}-{serial}"

    def phone(self) -> str:
        op, n = self.pick(OPERATORS), f"{self.r.randrange(10**7):07d}"
        a, b, c = n[:3], n[3:5], n[5:]
        return self.pick(
            [
                f"+380{op}{n}",
                f"+38 (0{op}) {a}-{b}-{c}",
                f"0{op} {a} {b} {c}",
                f"0{op}{n}",
                f"0{op}-{a}-{b}-{c}",
                f"(0{op}) {a}-{b}-{c}",
                f"380{op}{n}",
                f"+380 {op} {a} {b} {c}",
                f"0{op}.{a}.{b}.{c}",
                f"+38\u00a00{op}\u00a0{a}\u00a0{b}\u00a0{c}",
            ]
        )

    def passport(self, lang: str) -> tuple[str, str]:
        digits6, digits9 = f"{self.r.randrange(10**6):06d}", f"{self.r.randrange(10**9):09d}"
        series = self.pick(list("АВЕКМНСТ")) + self.pick(list("АВЕКМНОРСТ"))
        latin = self.pick(list("FEKMNT")) + self.pick(list("ABCEKMX"))
        if lang == "en":
            return self.pick(
                [
                    ("passport no. ", f"{latin}{digits6}"),
                    ("ID card ", digits9),
                    ("Ukrainian passport ", f"{series} {digits6}"),
                ]
            )
        return self.pick(
            [
                ("паспорт ", f"{series} {digits6}"),
                ("паспорт серії ", f"{series} № {digits6}"),
                ("паспорт ", f"{series}№{digits6}"),
                ("ID-картка № ", digits9),
                ("паспорт (ID) ", digits9),
                ("закордонний паспорт ", f"{latin} {digits6}"),
                ("паспорт громадянина України ", digits9),
            ]
        )

    def email(self) -> str:
        user = self.pick(["ivan.petrenko", "olena_k", "taras1985", "m.shevchuk", "john.smith", "sarah.b77"])
        return f"{user}@{self.pick(['gmail.com', 'ukr.net', 'i.ua', 'outlook.com', 'meta.ua', 'yahoo.com'])}"

    def record(self, lang: str) -> str:
        n = self.pick(
            [
                f"{self.r.randrange(1, 99999)}",
                f"{self.r.randrange(1, 9999)}/{self.r.randrange(20, 26)}",
                f"{self.r.randrange(10, 99)}-{self.r.randrange(100, 999)}",
            ]
        )
        if lang == "en":
            return self.pick(
                [f"MRN {n}", f"MRN: {n}", f"medical record number {n}", f"case history no. {n}", f"medical record #{n}"]
            )
        return self.pick(
            [
                f"історія хвороби № {n}",
                f"історії хвороби №{n}",
                f"медична карта № {n}",
                f"медичної карти № {n}",
                f"мед. карта {n}",
                f"амбулаторна картка № {n}",
                f"карта стаціонарного хворого № {n}",
                f"іст. хв. № {n}",
                f"Історія хвороби №{n}",
            ]
        )

    def inflect(self, word: str, case: str) -> str:
        for parse in self.morph.parse(word):
            if {"Name", "Surn"} & parse.tag.grammemes:
                form = parse.inflect({case})
                if form:
                    return form.word.capitalize() if "'" not in word else form.word[0].upper() + form.word[1:]
        return word

    def uk_name(self, case: str = "nomn") -> str:
        female = self.r.random() < 0.5
        given = self.pick(UK_GIVEN_F if female else UK_GIVEN_M)
        surname = self.pick(UK_SURNAMES)
        patronymic = self.pick(["Іванівна", "Петрівна", "Миколаївна"] if female else ["Іванович", "Петрович"])
        g, s, p = (self.inflect(w, case) if case != "nomn" else w for w in (given, surname, patronymic))
        if female and case != "nomn" and surname.endswith(("ук", "юк", "ишин", "оз", "удь")):
            s = surname
        return self.pick(
            [f"{g} {s}", f"{s} {g} {p}", f"{s} {g[0]}. {p[0]}.", f"{g[0]}.{p[0]}. {s}", f"{g} {p} {s}", f"{s} {g}"]
        )

    def en_name(self) -> str:
        g, s = self.pick(EN_GIVEN), self.pick(EN_SURNAMES)
        return self.pick(
            [f"{g} {s}", f"{g} {self.pick(list('ABCJMR'))}. {s}", f"{s} {g}" if s[-1] in "ok" else f"{g} {s}"]
        )

    def uk_context(self) -> str:
        b = self.birth()
        return self.pick(
            [
                f"{b:%d.%m.%Y} р.н.",
                f"{b.year} р.н.",
                f"дата народження {b:%d.%m.%Y}",
                f"{self.r.randrange(18, 95)} років",
                f"{self.r.randrange(18, 95)}-річна",
                f"діагноз: {self.pick(DIAGNOSES_UK)}",
                f"палата № {self.r.randrange(1, 40)}",
                f"ліжко {self.r.randrange(1, 40)}",
                f"{b.day} {MONTHS_UK[b.month - 1]} {b.year} р.н.",
            ]
        )

    def en_context(self) -> str:
        b = self.birth()
        return self.pick(
            [
                f"DOB {b:%d/%m/%Y}",
                f"born {b:%B %d, %Y}",
                f"{self.r.randrange(18, 95)}-year-old",
                f"aged {self.r.randrange(18, 95)}",
                f"{self.r.randrange(18, 95)} y.o.",
                f"diagnosed with {self.pick(DIAGNOSES_EN)}",
                f"bed {self.r.randrange(1, 40)}",
                f"ward {self.r.randrange(1, 12)}",
                f"date of birth {b:%Y-%m-%d}",
            ]
        )


_UK_TEMPLATES = {
    "tax_number": [
        "Для направлення потрібен РНОКПП пацієнта: {tax_number}.",
        "ІПН {tax_number}, оплата за програмою медичних гарантій.",
        "У виписці вказано податковий номер {tax_number} — прибрати?",
    ],
    "unzr": ["Запис у реєстрі: УНЗР {unzr}, декларацію підписано.", "Номер УНЗР {unzr} не збігається з паспортом."],
    "passport": [
        "Пацієнт надав {passport_word}{passport} для госпіталізації.",
        "Копію документа ({passport_word}{passport}) залишено у відділенні.",
    ],
    "phone": [
        "Родичі просять передзвонити на {phone} після обходу.",
        "Мобільний пацієнтки: {phone}, дзвонити після 14:00.",
        "Контакт доньки — {phone}.",
    ],
    "email": ["Результати аналізів надіслати на {email}.", "Пацієнт просить писати на [пошту]({mailto}) або {email}."],
    "record_number": [
        "Хто бачив {record_number}? Потрібна для виписки.",
        "Передайте {record_number} у хірургічне відділення.",
        "У {record_number} немає результатів КТ.",
    ],
    "person": [
        "Колеги, {person}, потрібна консультація кардіолога.",
        "Вчора надійшла {person}, стан середньої тяжкості.",
        "Хто вів {person}? Родичі питають про результати.",
        "| {person} | очікує на КТ |",
    ],
}
_EN_TEMPLATES = {
    "tax_number": ["Please add the tax number {tax_number} to the referral."],
    "unzr": ["The registry record is UNZR {unzr}."],
    "passport": ["The patient showed {passport_word}{passport} at admission."],
    "phone": ["Call the family at {phone} after rounds.", "Her mobile is {phone}."],
    "email": ["Send the discharge summary to {email}.", "Reach the son via [email]({mailto})."],
    "record_number": ["Where is {record_number}? The scan results are missing.", "Attach it to {record_number}."],
    "person": [
        "Colleagues, {person}, needs a cardiology consult.",
        "Admitted last night: {person}.",
        "Who saw {person}? The family is asking.",
        "| {person} | awaiting CT |",
    ],
}
_FILLER_UK = [
    "Обхід о 9:00, зміна до 20:00.",
    "Згідно зі статтею 5 Закону від 12 травня 2010 року № 123 дані захищено.",
    "Бланк — форма № 003/о (медична карта стаціонарного хворого).",
    "Вартість 1 500 грн.",
    "Див. ст. 12 Основ законодавства.",
    f"Чергова медсестра — Оксана Григорівна Мельничук, тел. {STAFF_PHONE}.",
    "Форма 025/о заповнюється у реєстратурі.",
    "Повторний огляд через 2 тижні.",
]
_FILLER_EN = [
    "Rounds start at 9:00.",
    "Per section 5 of the 2010 regulation, see form 025/o.",
    "The fee is $1,500.",
    "Follow-up in 2 weeks.",
    "Charge nurse: Oksana Melnychuk.",
]


def _fill(template: str, values: dict[str, str]) -> tuple[str, list[tuple[str, int, int]]]:
    out, spans = "", []
    for i, part in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            if part not in ("passport_word", "mailto"):
                spans.append((part, len(out), len(out) + len(values[part])))
            out += values[part]
        else:
            out += part
    return out, spans


def _sample(m: _Maker, lang: str) -> Sample:
    kind = m.pick(list(_UK_TEMPLATES))
    templates = _UK_TEMPLATES if lang == "uk" else _EN_TEMPLATES
    word, passport = m.passport(lang)
    email = m.email()
    if lang == "uk":
        name = m.uk_name(m.pick(["nomn", "nomn", "gent"]) if kind == "person" else "nomn")
        person = m.pick([f"{name}, {m.uk_context()}", f"{m.uk_context().capitalize()}: {name}"])
    else:
        person = m.pick([f"{m.en_name()}, {m.en_context()}", f"{m.en_name()} ({m.en_context()})"])
    values = {
        "tax_number": m.tax(),
        "unzr": m.unzr(),
        "passport_word": word,
        "passport": passport,
        "phone": m.phone(),
        "email": email,
        "mailto": f"mailto:{email}",
        "record_number": m.record(lang),
        "person": person,
    }
    body, spans = _fill(m.pick(templates[kind]), values)
    filler = _FILLER_UK if lang == "uk" else _FILLER_EN
    text, planted = "", []
    pieces = [m.pick(filler), body] if m.r.random() < 0.5 else [body, m.pick(filler)]
    for piece in pieces:
        if piece == body:
            planted = [(k, len(text) + a, len(text) + b) for k, a, b in spans]
        text += piece + " "
    sample = Sample(text.rstrip(), lang, planted)
    if m.r.random() < 0.3:  # a look-alike that is no identifier
        decoy = m.pick([m.tax(valid=False), m.unzr(valid=False)])
        prefix = " Номер у старій системі: " if lang == "uk" else " Legacy number: "
        sample.decoys.append((len(sample.text) + len(prefix), len(sample.text) + len(prefix) + len(decoy)))
        sample.text += prefix + decoy + "."
    return sample


def generate(seed: int, count: int = 400) -> list[Sample]:
    """`count` texts, Ukrainian and English (about 2:1), deterministic by `seed`."""
    m = _Maker(seed)
    return [_sample(m, "uk" if m.r.random() < 0.67 else "en") for _ in range(count)]


DIRECTORY_NAMES = (STAFF_NAME, "Oksana Melnychuk")
DIRECTORY_PHONES = (STAFF_PHONE,)


def post_sized(body: str, low: int = 300, high: int = 600) -> list[str]:
    """`body` cut at paragraph (then sentence) ends into pieces of about `low`–`high` characters, like posts."""
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[.!?:;\n])\s+", body):
        if current and len(current) + len(sentence) > high:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
        if len(current) >= low:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return [p for p in pieces if len(p) >= 100]
