"""Starting points for new articles: a clinical protocol, a how-to and a policy, with their sections."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleSkeleton:
    key: str
    name: str  # English msgid, translated on display
    body: str  # written in Ukrainian: staff write their articles in Ukrainian


SKELETONS = [
    ArticleSkeleton(
        "protocol",
        "Clinical protocol",
        """## Мета

Для чого цей протокол і якого результату для пацієнта він має досягти.

## Сфера застосування

Кого стосується (відділення, посади) і для яких пацієнтів чи ситуацій.

## Показання та протипоказання

- Показання:
- Протипоказання:

## Необхідне обладнання та матеріали

-

## Порядок дій

1.
2.
3.

## Документування

Що і де записати після виконання.

## Відповідальність і контроль

Хто виконує, хто перевіряє, як часто.

## Джерела

- Уніфікований клінічний протокол / наказ МОЗ України №
""",
    ),
    ArticleSkeleton(
        "howto",
        "How-to",
        """## Коли це потрібно

Коротко: у якій ситуації ця інструкція знадобиться.

## Що підготувати

-

## Кроки

1.
2.
3.

## Якщо щось пішло не так

- Проблема → що робити.

## До кого звертатися

Ім’я, посада, внутрішній телефон.
""",
    ),
    ArticleSkeleton(
        "policy",
        "Policy",
        """## Загальні положення

Мета положення та нормативні підстави.

## Сфера дії

На кого поширюється положення.

## Терміни та визначення

-

## Основні вимоги

1.
2.

## Права та обов’язки

## Відповідальність за порушення

## Прикінцеві положення

Дата набрання чинності, порядок перегляду.
""",
    ),
]


def get_skeleton(key: str | None) -> ArticleSkeleton | None:
    """The template with this key, if any."""
    return next((t for t in SKELETONS if t.key == key), None)
