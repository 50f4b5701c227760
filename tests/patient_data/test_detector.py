"""The detector finds each kind of patient identifier and leaves the hard negatives alone."""

import pytest

from app.services.patient_data.detector import Detector, Directory, Finding


def spans(text: str, detector: Detector | None = None) -> list[tuple[str, str]]:
    """(kind, text) of each finding."""
    return [(f.kind, text[f.start : f.end]) for f in (detector or Detector()).find(text)]


class TestNumbers:
    @pytest.mark.parametrize("written", ["3012345670", "30123 45670", "301 234 56 70", "3012-345-670"])
    def test_tax_number_with_a_valid_check_digit(self, written: str) -> None:
        digits = written.replace(" ", "").replace("-", "")
        check = sum(w * int(d) for w, d in zip((-1, 5, 7, 9, 4, 6, 10, 5, 7), digits, strict=False)) % 11 % 10
        assert int(digits[9]) == check
        assert spans(f"РНОКПП {written}.") == [("tax_number", written)]

    @pytest.mark.parametrize("text", ["РНОКПП 3012345679.", "Сума 1 000 000 000 грн.", "Call 404-639-1075."])
    def test_not_a_tax_number(self, text: str) -> None:
        assert spans(text) == []

    def test_unzr_with_a_real_date(self) -> None:
        assert spans("УНЗР 19850312-01234, не 19851332-01234") == [("unzr", "19850312-01234")]

    @pytest.mark.parametrize(
        ("text", "number"),
        [
            ("паспорт КВ 123456", "КВ 123456"),
            ("серії КВ№123456", "КВ№123456"),
            ("ID-картка № 001234567", "001234567"),
            ("закордонний паспорт FX 123456", "FX 123456"),
            ("passport no. EK123456", "EK123456"),
        ],
    )
    def test_passport(self, text: str, number: str) -> None:
        assert spans(text) == [("passport", number)]

    def test_nine_digits_without_a_passport_word_are_not_a_passport(self) -> None:
        assert spans("Сума 123456789 грн, код 987654321.") == []

    @pytest.mark.parametrize(
        "phone", ["+380501234567", "+38 (050) 987-65-43", "050 987 65 43", "(067) 123-45-67", "380671234567"]
    )
    def test_ukrainian_phone(self, phone: str) -> None:
        assert spans(f"Тел.: {phone}.") == [("phone", phone)]

    @pytest.mark.parametrize("phone", ["8 050 123 45 67", "8(044)234-56-78", "8-067-123-45-67", "80501234567"])
    def test_phone_with_the_old_trunk_prefix(self, phone: str) -> None:
        assert spans(f"Син просив набрати {phone} ввечері.") == [("phone", phone)]

    @pytest.mark.parametrize(
        "text",
        [
            "Гаряча лінія МОЗ 0 800 505 201, швидка 103.",
            "Безкоштовно: 0800500201 або 1505.",
            "Телефон довіри 0-800-500-335; поліція 102, єдиний номер 112.",
        ],
    )
    def test_toll_free_and_public_service_lines_are_not_phones(self, text: str) -> None:
        assert spans(text) == []

    def test_staff_phone_in_another_spelling_is_not_a_finding(self) -> None:
        detector = Detector(Directory(phones=("+380 44 555 12 34",)))
        assert spans("Ординаторська: (044) 555-12-34.", detector) == []

    def test_staff_phone_listed_with_the_old_trunk_prefix_is_not_a_finding(self) -> None:
        detector = Detector(Directory(phones=("8 044 555 12 34",)))
        assert spans("Ординаторська: +380 44 555 12 34 або 8 (044) 555-12-34.", detector) == []

    def test_email_but_not_staff_nor_institution_nor_public(self) -> None:
        detector = Detector(Directory(emails=frozenset({"doc@gmail.com"}), email_domains=frozenset({"hospital.ua"})))
        text = "Пишіть [сюди](mailto:ivan.p@ukr.net), doc@GMAIL.com, x@lab.hospital.ua, info@moz.gov.ua"
        assert spans(text, detector) == [("email", "ivan.p@ukr.net")]

    @pytest.mark.parametrize(
        "record",
        [
            "історія хвороби № 1234/25",
            "в історії хвороби №77",
            "медичної карти № 5678",
            "мед. карта 12-345",
            "амбулаторна картка № 987",
            "карта стаціонарного хворого № 4567",
            "MRN: 00123456",
            "case history no. 2345",
        ],
    )
    def test_record_number_covers_words_and_number(self, record: str) -> None:
        assert spans(f"Див. {record}, будь ласка.") == [("record_number", record.removeprefix("в "))]

    @pytest.mark.parametrize(
        "record",
        [
            "карта № 556/23",
            "у карті №4412",
            "картку # 77-1",
            "карти стаціонарного хворого № 3321",
            "картці хворого № 12",
        ],
    )
    def test_bare_and_inflected_card_with_its_number(self, record: str) -> None:
        assert spans(f"Див. {record}, будь ласка.") == [("record_number", record.removeprefix("у "))]

    @pytest.mark.parametrize(
        "text",
        [
            "Медична карта стаціонарного хворого (форма № 003/о).",
            "Медична карта (форма 025/о) у реєстратурі.",
            "Заповніть карту № 003/о до обіду.",
        ],
    )
    def test_form_codes_are_not_record_numbers(self, text: str) -> None:
        assert spans(text) == []


class TestPersons:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("Пацієнтка Олена Петрівна Коваль, 45 років, скаржиться", "Олена Петрівна Коваль, 45 років"),
            ("Іваненко П. С., 12.03.1985 р.н., оглянутий", "Іваненко П. С., 12.03.1985 р.н."),
            ("хворої Мар’яни Шевчук діагностовано пневмонію", "Мар’яни Шевчук діагностовано пневмонію"),
            ("П.С. Іваненко (палата № 5)", "П.С. Іваненко (палата № 5"),
            ("**Богдан Ткачук**, 67-річний, ліжко 3", "Богдан Ткачук**, 67-річний, ліжко 3"),
            ("Patient John Smith, DOB 03/12/1985, stable", "John Smith, DOB 03/12/1985"),
            ("Oksana Kovalenko, aged 34, with asthma", "Oksana Kovalenko, aged 34, with asthma"),
        ],
    )
    def test_full_name_near_context(self, text: str, span: str) -> None:
        assert spans(text) == [("person", span)]

    @pytest.mark.parametrize(
        "text",
        [
            "Іван Петренко приніс каву.",
            "Міністр О. АНІЩЕНКО, 45 років",
            "Президент України В.ЮЩЕНКО м. Київ, 12 травня 2010 року",
            "Закон від 12 травня 2010 року, стаття 5, ст. 12: особи віком 18 років.",
            "Lou Gehrig's disease is also called ALS.",
            "You may want a biopsy to diagnose cancer.",
        ],
    )
    def test_not_a_patient(self, text: str) -> None:
        assert spans(text) == []

    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("Оглянути Кузьменко С. з 8-ї палати, скарги на біль", "Кузьменко С. з 8-ї палати"),
            ("у 3 палаті Кравчук Ігор, скарги на біль", "3 палаті Кравчук Ігор"),
            ("Мельник Василь Петрович, 6 палата, після стентування", "Мельник Василь Петрович, 6 палата"),
        ],
    )
    def test_ward_or_bed_number_before_its_word(self, text: str, span: str) -> None:
        assert spans(text) == [("person", span)]

    def test_a_room_counts_only_right_beside_the_name(self) -> None:
        assert spans("John Smith, room 12, refuses his tablets") == [("person", "John Smith, room 12")]
        assert spans("Meeting with John Smith in room 12 at noon") == []

    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("Mr David Brown, 70, lives alone", "David Brown, 70"),
            ("Mrs. Smith (82) fell at home", "Smith (82"),
            ("пані Ковальчук, 81, скаржиться на запаморочення", "Ковальчук, 81"),
        ],
    )
    def test_a_bare_number_after_a_courtesy_title_and_name_is_an_age(self, text: str, span: str) -> None:
        assert spans(text) == [("person", span)]

    @pytest.mark.parametrize(
        "text", ["Іван Петренко, 45, приніс каву.", "пані Ковальчук передала торт", "Mr Brown, 70 pages long"]
    )
    def test_a_bare_number_is_an_age_only_after_a_titled_name(self, text: str) -> None:
        assert spans("Mr Brown, 70, lives alone") == [("person", "Brown, 70")]
        assert spans(text) == []

    def test_a_titled_surname_takes_only_context_right_beside_it(self) -> None:
        assert spans("пані Ковальчук з 5 палати просить знеболення") == [("person", "Ковальчук з 5 палати")]
        assert spans("За словами пана Бондаренка, Японія дає кредит на 40 років") == []

    @pytest.mark.parametrize(
        ("text", "span"),
        [
            (
                "Аналізи у Петренко Ганни Іванівни готові, гемоглобін 98",
                "Петренко Ганни Іванівни готові, гемоглобін 98",
            ),
            ("Коваль Олена, тиск 180/100, голова болить", "Коваль Олена, тиск 180/100"),
            ("John Smith SpO2 91% on room air", "John Smith SpO2 91%"),
            ("Олена Коваль, цукор крові 12,4", "Олена Коваль, цукор крові 12,4"),
        ],
    )
    def test_a_lab_value_or_clinical_measure_near_a_name(self, text: str, span: str) -> None:
        assert spans(text) == [("person", span)]
        assert spans("Ольга Ільюхіна: забагато солі й цукру 60%") == []

    @pytest.mark.parametrize(
        "text",
        [
            "лікар Іваненко П. С. проводить семінар про інсульт",
            "медсестра Коваль Олена, 45 років стажу",
            "Завідувачка відділення Ольга Мельник розповість про діабет",
            "д-р Петренко Іван: нове про інсульт",
            "лікаря-інтерна Андрія Бондаренка, 25 років",
            "Dr. John Smith lectures on asthma",
            "нейрохірург Олег Кравчук прооперував 12-річного хлопця",
        ],
    )
    def test_a_clinician_title_before_a_name_is_no_patient(self, text: str) -> None:
        assert spans(text) == []

    def test_staff_name_is_not_a_finding_in_any_case_form(self) -> None:
        detector = Detector(Directory(names=("Оксана Григорівна Мельничук",)))
        assert spans("Оксані Мельничук, 45 років, дякуємо", detector) == []


class TestFind:
    def test_offsets_index_the_original_text_and_spans_do_not_overlap(self) -> None:
        text = "| Петренко\u00a0Іван | 45\u00a0років | тел. +38\u00a0050\u00a0987\u201165\u201143 |"
        found = Detector().find(text)
        assert [f.kind for f in found] == ["person", "phone"]
        assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
        assert text[found[1].start : found[1].end] == "+38\u00a0050\u00a0987\u201165\u201143"

    def test_extra_patterns_are_case_insensitive(self) -> None:
        detector = Detector(extra_patterns={"ward_code": r"hx-\d{4}"})
        assert detector.find("код HX-1234") == [Finding("ward_code", 4, 11)]

    def test_a_table_whose_header_names_the_age_or_ward_makes_each_rows_name_a_patient(self) -> None:
        table = "| ПІБ | Вік | Палата |\n|---|---|---|\n| Шевчук Ганна Петрівна | 71 | 4 |\n| Ткач Олег | 59 | 4 |"
        assert [kind for kind, _ in spans(table)] == ["person", "person"]
        english = "| Patient | Bed | DOB |\n|---|---|---|\n| Mary Carter | 7 | 02.02.1961 |"
        assert [kind for kind, _ in spans(english)] == ["person"]
        staff_list = "| ПІБ | Посада | Кабінет |\n|---|---|---|\n| Шевчук Ганна Петрівна | медсестра | 12 |"
        assert spans(staff_list) == []
