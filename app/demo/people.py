"""Demo departments and accounts."""

from sqlmodel import Session

from app.models.users import Role, UserCreate
from app.services import users as users_service

DEMO_PASSWORD = "kolo-demo-2026"

DEPARTMENTS = [
    "Терапевтичне відділення",
    "Хірургічне відділення",
    "Педіатричне відділення",
    "Приймальне відділення",
    "Адміністрація",
]

# (e-mail, name, role, departments)
PEOPLE = [
    ("admin@kolo.local", "Коваленко Оксана Петрівна", Role.admin, ["Адміністрація"]),
    ("manager@kolo.local", "Бондаренко Ігор Васильович", Role.manager, ["Терапевтичне відділення"]),
    ("nurse@kolo.local", "Шевченко Марія Іванівна", Role.staff, ["Терапевтичне відділення"]),
    ("surgeon@kolo.local", "Ткаченко Андрій Олегович", Role.staff, ["Хірургічне відділення"]),
    ("newhire@kolo.local", "Мельник Юлія Сергіївна", Role.staff, ["Терапевтичне відділення"]),
    ("pediatrician@kolo.local", "Ґудзь Євгенія Миколаївна", Role.manager, ["Педіатричне відділення"]),
]


def load(session: Session) -> list[tuple[str, str, str]]:
    """Create the departments and people that do not exist yet."""
    ids: dict[str, int] = {}
    for department_name in DEPARTMENTS:
        department = users_service.ensure_department(session=session, name=department_name)
        assert department.id is not None  # ensure_department flushes a new one
        ids[department_name] = department.id
    session.commit()
    for email, name, role, departments in PEOPLE:
        if users_service.get_user_by_email(session=session, email=email) is None:
            data = UserCreate(email=email, name=name, role=role, department_ids=[ids[d] for d in departments])
            users_service.create_user(session=session, data=data, actor=None, password=DEMO_PASSWORD)
    return [(email, name, str(role)) for email, name, role, _ in PEOPLE]
