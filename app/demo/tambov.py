"""Data of the demo region: Tambov region as of order № 3116 of 08.11.2010."""

from datetime import date

from app.auth import roles

SEED = 3116
REGION_CODE = "68"
INSTITUTE_CODE = "68-IPKRO"
COMPUTER_CENTER_CODE = "68-KC"

# Plan item 2.1: responsible persons appointed by order before this date.
APPOINTMENT_DEADLINE = date(2010, 11, 11)
# Share of schools and municipalities that have their responsible person appointed.
APPOINTED_SHARE = 0.8

REGION = {
    "code": REGION_CODE,
    "name": "Тамбовская область",
    "short_name": "Тамбовская область",
    "address": "392000, г. Тамбов, ул. Советская, д. 108",
    "phone": "8 (4752) 72-23-00",
    "email": "info@uon68.opora.test",
}

INSTITUTE = {
    "code": INSTITUTE_CODE,
    "name": "ТОГОАУ ДПО «Институт повышения квалификации работников образования»",
    "short_name": "ИПКРО",
    "address": "392000, г. Тамбов, ул. Сергея Рахманинова, д. 1",
    "phone": "8 (4752) 71-33-20",
    "email": "info@ipkro68.opora.test",
}

COMPUTER_CENTER = {
    "code": COMPUTER_CENTER_CODE,
    "name": "ТОГУ «Компьютерный центр»",
    "short_name": "Компьютерный центр",
    "address": "392000, г. Тамбов, ул. Советская, д. 106",
    "phone": "8 (4752) 79-23-00",
    "email": "info@kc68.opora.test",
}

# (name, short name, administrative centre, adjective for school names); districts in 2010.
DISTRICTS = (
    ("Бондарский район", "Бондарский р-н", "с. Бондари", "Бондарская"),
    ("Гавриловский район", "Гавриловский р-н", "с. Гавриловка 2-я", "Гавриловская"),
    ("Жердевский район", "Жердевский р-н", "г. Жердевка", "Жердевская"),
    ("Знаменский район", "Знаменский р-н", "р. п. Знаменка", "Знаменская"),
    ("Инжавинский район", "Инжавинский р-н", "р. п. Инжавино", "Инжавинская"),
    ("Кирсановский район", "Кирсановский р-н", "г. Кирсанов", "Кирсановская"),
    ("Мичуринский район", "Мичуринский р-н", "г. Мичуринск", "Мичуринская"),
    ("Мордовский район", "Мордовский р-н", "р. п. Мордово", "Мордовская"),
    ("Моршанский район", "Моршанский р-н", "г. Моршанск", "Моршанская"),
    ("Мучкапский район", "Мучкапский р-н", "р. п. Мучкапский", "Мучкапская"),
    ("Никифоровский район", "Никифоровский р-н", "р. п. Дмитриевка", "Никифоровская"),
    ("Первомайский район", "Первомайский р-н", "р. п. Первомайский", "Первомайская"),
    ("Петровский район", "Петровский р-н", "с. Петровское", "Петровская"),
    ("Пичаевский район", "Пичаевский р-н", "с. Пичаево", "Пичаевская"),
    ("Рассказовский район", "Рассказовский р-н", "г. Рассказово", "Рассказовская"),
    ("Ржаксинский район", "Ржаксинский р-н", "р. п. Ржакса", "Ржаксинская"),
    ("Сампурский район", "Сампурский р-н", "п. Сатинка", "Сампурская"),
    ("Сосновский район", "Сосновский р-н", "р. п. Сосновка", "Сосновская"),
    ("Староюрьевский район", "Староюрьевский р-н", "с. Староюрьево", "Староюрьевская"),
    ("Тамбовский район", "Тамбовский р-н", "г. Тамбов", "Тамбовская"),
    ("Токарёвский район", "Токарёвский р-н", "р. п. Токарёвка", "Токарёвская"),
    ("Уваровский район", "Уваровский р-н", "г. Уварово", "Уваровская"),
    ("Умётский район", "Умётский р-н", "р. п. Умёт", "Умётская"),
)

# (name, short name, locality, the city in school names: «СОШ № 5» г. Тамбова); city okrugs.
CITIES = (
    ("город Тамбов", "г. Тамбов", "г. Тамбов", "г. Тамбова"),
    ("город Мичуринск", "г. Мичуринск", "г. Мичуринск", "г. Мичуринска"),
    ("город Котовск", "г. Котовск", "г. Котовск", "г. Котовска"),
    ("город Моршанск", "г. Моршанск", "г. Моршанск", "г. Моршанска"),
    ("город Рассказово", "г. Рассказово", "г. Рассказово", "г. Рассказово"),
    ("город Кирсанов", "г. Кирсанов", "г. Кирсанов", "г. Кирсанова"),
    ("город Уварово", "г. Уварово", "г. Уварово", "г. Уварово"),
)

SCHOOLS_PER_MUNICIPALITY = (5, 10)
STAFF_PER_SCHOOL = (3, 6)

REGION_POSITIONS = (
    "Начальник отдела комплексного анализа, прогнозирования и мониторинга",
    "Главный специалист-эксперт, администратор портала",
    "Консультант отдела общего образования",
    "Ведущий специалист-эксперт отдела комплексного анализа",
)
INSTITUTE_POSITIONS = (
    "Проректор по научно-методической работе",
    "Методист центра информатизации образования",
    "Методист кафедры управления образованием",
    "Старший преподаватель кафедры информационных технологий",
    "Методист центра информатизации образования",
)
COMPUTER_CENTER_POSITIONS = (
    "Директор",
    "Оператор горячей линии",
    "Инженер-программист",
    "Оператор горячей линии",
    "Системный администратор",
)
MUNICIPALITY_POSITIONS = (
    "Начальник отдела образования",
    "Ведущий специалист отдела образования",
)
# Index of the position whose holder is appointed responsible (plan item 2.1).
MUNICIPALITY_APPOINTEE = 1
SCHOOL_HEAD_POSITIONS = ("Директор", "Заместитель директора по УВР")
SCHOOL_APPOINTEE = 1
TEACHER_POSITIONS = (
    "Учитель математики",
    "Учитель русского языка и литературы",
    "Учитель информатики",
    "Учитель физики",
    "Учитель истории и обществознания",
    "Учитель начальных классов",
    "Учитель английского языка",
    "Учитель биологии",
    "Учитель химии",
)
TEACHER_PREFIX = "Учитель"

# Municipality codes are "68-<index>": districts 01–23, then cities 24–30.
TAMBOV_CITY_CODE = "68-24"
MICHURINSK_CODE = "68-25"
MORSHANSK_CODE = "68-27"
BONDARI_CODE = "68-01"
TAMBOV_DISTRICT_CODE = "68-20"

# Who picks the person of a demo user: an exact position, "appointee" or "teacher".
APPOINTEE = "appointee"
TEACHER = "teacher"

# (e-mail, role, organization code, which person of that organization gets the account).
DEMO_USERS = (
    ("admin@opora.test", roles.ADMIN, REGION_CODE, REGION_POSITIONS[1]),
    ("coordinator@opora.test", roles.COORDINATOR, REGION_CODE, REGION_POSITIONS[0]),
    ("operator@opora.test", roles.OPERATOR, COMPUTER_CENTER_CODE, COMPUTER_CENTER_POSITIONS[1]),
    ("methodologist@opora.test", roles.METHODOLOGIST, INSTITUTE_CODE, INSTITUTE_POSITIONS[1]),
    ("municipal@opora.test", roles.MUNICIPAL, TAMBOV_CITY_CODE, APPOINTEE),
    ("school@opora.test", roles.SCHOOL, f"{TAMBOV_CITY_CODE}-01", APPOINTEE),
    ("teacher@opora.test", roles.TEACHER, f"{TAMBOV_CITY_CODE}-01", TEACHER),
    ("teacher2@opora.test", roles.TEACHER, f"{MICHURINSK_CODE}-01", TEACHER),
    ("teacher3@opora.test", roles.TEACHER, f"{BONDARI_CODE}-01", TEACHER),
    ("teacher4@opora.test", roles.TEACHER, f"{TAMBOV_CITY_CODE}-02", TEACHER),
    ("teacher5@opora.test", roles.TEACHER, f"{TAMBOV_DISTRICT_CODE}-01", TEACHER),
    ("teacher6@opora.test", roles.TEACHER, f"{MORSHANSK_CODE}-01", TEACHER),
)

# Organizations whose responsible person is always appointed, so the demo users have one.
ALWAYS_APPOINTED = frozenset(code for _e, _r, code, pick in DEMO_USERS if pick == APPOINTEE)

_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})


def translit(text):
    """Latin spelling of a Russian word, for generated e-mail addresses."""
    return text.lower().translate(_TRANSLIT)
