"""Question words, synonym groups, titles and ambiguous word forms, on a small index in tmp_path: what a clinician
notices is which document comes first."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from whoosh.searching import Searcher

from app.search.index import SearchDoc, add_documents, create_unwritten, writer
from app.search.query import run_query
from app.search.thesaurus import EMPTY, Thesaurus, group_key, read_groups, shipped_groups

ALL = ["all"]


def _doc(key: str, title: str, body: str) -> SearchDoc:
    return SearchDoc(key=key, kind="article", title=title, body=body, visibility=ALL)


DOCS = [
    _doc(
        "article:leave",
        "Стаття 179. Відпустки у зв'язку з вагітністю та пологами",
        "Жінкам надаються оплачувані відпустки у зв'язку з вагітністю та пологами тривалістю 70 календарних днів.",
    ),
    _doc("article:pay", "Стаття 115. Строки виплати", "Зарплата виплачується працівникам регулярно двічі на місяць."),
    _doc(
        "article:ministry",
        "Стаття 14-1. Повноваження",
        "Міністерство охорони здоров'я України затверджує порядок надання медичної допомоги.",
    ),
    _doc(
        "article:disposal",
        "Стаття 85",
        "Утилізацію прострочених ліків та інших лікарських засобів проводять за правилами, які затверджує уряд.",
    ),
    _doc("article:expired", "Стаття 23", "Лікарські засоби, термін придатності яких закінчився, підлягають знищенню."),
    _doc("article:unpaid", "Стаття 26", "Відпустку за свій рахунок надають за заявою працівника."),
    _doc("news:cold", "Ліки від застуди", "Весна прийшла, а з нею й сезон застуди. Пийте чай з медом."),
    _doc(
        "article:dismissal",
        "Стаття 40. Розірвання трудового договору",
        "Не допускається звільнити медсестру з ініціативи роботодавця в період її хвороби.",
    ),
    _doc("news:can", "Чи можна пити каву", "Можна, кажуть медсестри, але краще чай."),
    _doc("news:robot", "Новий робот у лабораторії", "Робот сортує пробірки."),
    _doc("article:schedule", "Графік", "Графік роботи медсестри затверджує завідувач."),
    _doc("article:hours", "Тривалість", "Тривалість робочого часу та роботи вночі."),
    _doc("article:overtime", "Надурочні", "Надурочна робота медсестри оплачується у подвійному розмірі."),
    _doc("article:aed", "Автоматичний зовнішній дефібрилятор", "Де стоїть дефібрилятор і як ним користуватися."),
    _doc("article:pay-work", "Оплата", "Оплата за роботою, а не за часом."),
    _doc("article:control", "Контроль", "Контроль за роботою відділення."),
    _doc(
        "article:notice",
        "Стаття 14. Повідомлення про випадки інфекційних хвороб",
        "Заклад охорони здоров'я протягом доби надсилає його до центру контролю та профілактики.",
    ),
    _doc(
        "news:flu",
        "Інфекційні хвороби взимку",
        "Інфекційні хвороби взимку поширюються швидше: інфекційні хвороби передаються в закритих приміщеннях.",
    ),
    _doc(
        "article:medics",
        "Стаття 77. Професійні права",
        "Медичні працівники мають право на пільги та на захист професійної честі.",
    ),
    _doc("news:perks", "Донорам крові", "Пільги донорам крові: пільги на проїзд і пільги в аптеках."),
    _doc("article:pupils", "Профілактичні огляди", "Профілактичні огляди учнів проводять у вересні."),
    _doc("article:shifts", "Зміни", "За роботою у нічну зміну стежить старша медсестра; у роботі допомагають колеги."),
]


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., list[str]]]:
    ix = create_unwritten(Path(tmp_path_factory.mktemp("expansion")))
    with writer(ix, last_applied=0) as w:
        add_documents(w, DOCS)
    with ix.searcher() as searcher:

        def keys(q: str, thesaurus: Thesaurus = EMPTY, s: Searcher = searcher) -> list[str]:
            return [h.key for h in run_query(s, q, visibility_keys=ALL, thesaurus=thesaurus).hits]

        yield keys


def test_a_question_finds_what_its_keywords_find(search) -> None:  # type: ignore[no-untyped-def]
    """«чи можна …»: «можна» is a question's word; the news story whose title repeats it must not come before the
    article about dismissing a nurse."""
    question = search("чи можна звільнити медсестру")
    assert question[0] == "article:dismissal"
    assert question[0] == search("звільнити медсестру")[0]


def test_a_word_of_a_synonym_group_finds_the_laws_wording(search) -> None:  # type: ignore[no-untyped-def]
    thesaurus = Thesaurus.from_groups(read_groups("декрет | відпустка у зв'язку з вагітністю та пологами\n"))
    assert search("декрет") == []
    assert search("скільки триває декрет", thesaurus)[0] == "article:leave"


def test_a_phrase_of_a_group_finds_its_one_word_synonym(search) -> None:  # type: ignore[no-untyped-def]
    thesaurus = Thesaurus.from_groups([["зарплата", "заробітна плата"]])
    assert search("строки виплати заробітної плати", thesaurus)[0] == "article:pay"


def test_a_word_inside_a_groups_phrase_still_finds_its_own_synonyms(search) -> None:  # type: ignore[no-untyped-def]
    """«прострочені ліки» names a group whose other term the law never uses; «ліки» alone is «лікарські засоби»."""
    thesaurus = Thesaurus.from_groups(
        [["прострочені ліки", "прострочені лікарські засоби"], ["ліки", "лікарський засіб"]]
    )
    assert "article:expired" in search("що робити з простроченими ліками", thesaurus)


def test_a_groups_term_may_hold_a_question_word(search) -> None:  # type: ignore[no-untyped-def]
    """«без» weighs little in a question, but here it is part of the law's term for unpaid leave."""
    thesaurus = Thesaurus.from_groups([["відпустка за свій рахунок", "відпустка без збереження заробітної плати"]])
    assert search("відпустка без збереження заробітної плати", thesaurus)[0] == "article:unpaid"


def test_a_groups_term_in_its_dictionary_form_finds_the_words_other_forms(search) -> None:  # type: ignore[no-untyped-def]
    """The group says «учень»; the text says «учнів»."""
    assert search("школяр", Thesaurus.from_groups([["школяр", "учень"]]))[:1] == ["article:pupils"]


def test_the_shipped_thesaurus_knows_health_bodies(search) -> None:  # type: ignore[no-untyped-def]
    thesaurus = Thesaurus.from_groups(shipped_groups())
    assert len(thesaurus) >= 300
    assert search("порядок МОЗ", thesaurus)[0] == "article:ministry"


def test_the_shipped_thesaurus_keeps_its_own_rules() -> None:
    """Its header's rules, which a hand edit of 1,200 lines can break unseen: a term in two groups would silently
    belong to the first only; a head named twice would make the synonyms page override the wrong group."""
    owners: dict[str, str] = {}
    clashes = []
    for group in shipped_groups():
        keys = {group_key(t) for t in group}
        assert len(keys) >= 2 and all(keys), group
        clashes += [f"{t!r}: {owners[group_key(t)]} and {group[0]}" for t in group if group_key(t) in owners]
        owners.update(dict.fromkeys(keys, group[0]))
    assert clashes == []
    assert len({g[0] for g in shipped_groups()}) == len(shipped_groups())


@pytest.mark.parametrize(
    "question", ["кому повідомити про інфекційну хворобу", "куди повідомляють про інфекційні хвороби"]
)
def test_a_question_asked_with_a_verb_finds_the_article_titled_with_its_noun(search, question) -> None:  # type: ignore[no-untyped-def]
    """People ask «повідомити» (perfective) or «повідомляють» (imperfective); the law's article says «Повідомлення»."""
    assert search(question)[0] == "article:notice"


def test_a_title_sharing_one_word_does_not_drown_a_body_holding_them_all(search) -> None:  # type: ignore[no-untyped-def]
    assert search("утилізація прострочених ліків")[0] == "article:disposal"


def test_an_ambiguous_word_form_means_the_word_the_index_holds_most(search) -> None:  # type: ignore[no-untyped-def]
    """«роботу» is a form of «робота» (work) and of «робот» (robot); in a hospital's texts it is work."""
    assert search("про роботу")[0] != "news:robot"


def test_a_clipped_compound_finds_its_two_words(search) -> None:  # type: ignore[no-untyped-def]
    """Staff type «медпрацівникам»; the law says «медичні працівники»."""
    assert search("пільги медпрацівникам")[0] == "article:medics"


def test_a_word_typed_in_its_dictionary_form_finds_its_other_forms(search) -> None:  # type: ignore[no-untyped-def]
    """«учень» is also a form of «учення»; the dictionary's first reading must not hide the pupils («учнів»)."""
    assert search("учень")[:1] == ["article:pupils"]


@pytest.mark.parametrize("typed", ["дефібрилятр", "ефібрилятор", "вефібрилятор"])
def test_a_misspelling_finds_the_word_even_when_the_first_letter_is_wrong(search, typed) -> None:  # type: ignore[no-untyped-def]
    """A letter missing inside the word, the first letter dropped, the first letter mistyped."""
    assert search(typed)[:1] == ["article:aed"]
