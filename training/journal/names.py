"""Generated names of pupils and parents: consistent in gender, the patronymic from the father's name.

Surnames come from Faker ru_RU; first names from lists of names common among today's schoolchildren
and their parents (Faker's own lists hold many old church names no child in a class would have).
"""

# Father's name → (son's patronymic, daughter's patronymic).
FATHERS = {
    "Александр": ("Александрович", "Александровна"), "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"), "Антон": ("Антонович", "Антоновна"),
    "Артём": ("Артёмович", "Артёмовна"), "Владимир": ("Владимирович", "Владимировна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"), "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"), "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"), "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"), "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"), "Никита": ("Никитич", "Никитична"),
    "Николай": ("Николаевич", "Николаевна"), "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"), "Роман": ("Романович", "Романовна"),
    "Сергей": ("Сергеевич", "Сергеевна"), "Юрий": ("Юрьевич", "Юрьевна"),
}
BOYS = ("Александр", "Алексей", "Артём", "Арсений", "Богдан", "Владислав", "Глеб", "Даниил", "Егор",
        "Иван", "Илья", "Кирилл", "Лев", "Марк", "Матвей", "Максим", "Михаил", "Никита", "Роман",
        "Тимофей", "Ярослав", "Фёдор", "Степан", "Савелий")
GIRLS = ("Алиса", "Алёна", "Анастасия", "Анна", "Арина", "Варвара", "Вероника", "Виктория", "Дарья",
         "Ева", "Екатерина", "Елизавета", "Кира", "Ксения", "Мария", "Милана", "Полина", "София",
         "Ульяна", "Валерия", "Таисия", "Василиса", "Злата", "Маргарита")
MOTHERS = ("Анна", "Екатерина", "Елена", "Ирина", "Наталья", "Ольга", "Светлана", "Татьяна", "Юлия",
           "Марина", "Мария", "Анастасия", "Оксана", "Людмила", "Надежда", "Евгения", "Галина", "Вера")
MOTHER_SHARE = 0.7  # the diary's parent is more often the mother


def female_surname(surname):
    """The feminine form of a Russian surname (Иванов → Иванова, Ильин → Ильина, Толстой → Толстая)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname  # Шевчук, Дурново: the same for both


def pupil(rng, fake):
    """A generated pupil: surname, name, patronymic and one parent's full name, all consistent."""
    surname = fake.last_name_male()
    father = rng.choice(sorted(FATHERS))
    is_girl = rng.random() < 0.5
    patronymic = FATHERS[father][1 if is_girl else 0]
    if rng.random() < MOTHER_SHARE:
        grandfather = FATHERS[rng.choice(sorted(FATHERS))][1]
        parent = f"{female_surname(surname)} {rng.choice(MOTHERS)} {grandfather}"
    else:
        grandfather = FATHERS[rng.choice(sorted(FATHERS))][0]
        parent = f"{surname} {father} {grandfather}"
    return {
        "last_name": female_surname(surname) if is_girl else surname,
        "first_name": rng.choice(GIRLS if is_girl else BOYS),
        "middle_name": patronymic,
        "parent_name": parent,
    }
