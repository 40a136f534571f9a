"""Ideas from a municipality session in four languages, each with the theme it was meant for, and a score for how
well a grouping matches those themes."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

import numpy as np

# The themes a coordinator would sort these into.
LANGUAGE, WORK, HOUSING, NEIGHBOURS, HEALTH = "language lessons", "work", "housing", "meeting neighbours", "health"
THEMES = (LANGUAGE, WORK, HOUSING, NEIGHBOURS, HEALTH)

# (language, theme, idea): every language speaks to every theme, in its own words.
IDEAS: tuple[tuple[str, str, str], ...] = (
    ("nl", LANGUAGE, "Meer taallessen in de avond, want overdag werk ik."),
    ("nl", LANGUAGE, "Ik wil Nederlands oefenen met een taalmaatje, niet alleen uit een boek."),
    ("nl", WORK, "Help ons sneller aan een baan, ik zit al een jaar thuis."),
    ("nl", WORK, "Een stage bij een bedrijf zou mij helpen om werk te vinden in mijn eigen vak."),
    ("nl", HOUSING, "De wachtlijst voor een sociale huurwoning is veel te lang."),
    ("nl", HOUSING, "Ons huis is vochtig en te klein voor een gezin met vijf kinderen."),
    ("nl", NEIGHBOURS, "Organiseer een straatfeest zodat we onze buren leren kennen."),
    ("nl", NEIGHBOURS, "Een koffieochtend in het buurthuis om nieuwe mensen uit de wijk te ontmoeten."),
    ("nl", HEALTH, "Het is moeilijk om een huisarts te vinden die nog nieuwe patiënten aanneemt."),
    ("nl", HEALTH, "Ik wacht al maanden op een afspraak bij de tandarts."),
    ("ar", LANGUAGE, "نحتاج إلى دروس لغة هولندية مجانية للنساء مع رعاية للأطفال."),
    ("ar", LANGUAGE, "أريد أن أتعلم اللغة بسرعة لكن الدروس قليلة جداً."),
    ("ar", WORK, "أنا مهندس ولا أجد عملاً في مجالي."),
    ("ar", WORK, "ساعدونا في كتابة السيرة الذاتية والتقديم على الوظائف."),
    ("ar", HOUSING, "الإيجار مرتفع جداً ولا نجد بيتاً مناسباً لعائلتنا."),
    ("ar", HOUSING, "ننتظر منذ سنتين للحصول على سكن اجتماعي."),
    ("ar", NEIGHBOURS, "أتمنى أن يكون هناك مكان نلتقي فيه بالجيران ونشرب القهوة معاً."),
    ("ar", NEIGHBOURS, "نشاطات مشتركة في الحي تساعدنا على التعرف على جيراننا الهولنديين."),
    ("ar", HEALTH, "مواعيد الطبيب بعيدة جداً وأطفالي يمرضون كثيراً."),
    ("ar", HEALTH, "لا أعرف كيف يعمل التأمين الصحي هنا ومن يدفع ثمن الدواء."),
    ("en", LANGUAGE, "Conversation classes where we can practise speaking Dutch, not just grammar."),
    ("en", LANGUAGE, "Online Dutch courses for people who work shifts."),
    ("en", WORK, "Employers should look at our skills and experience, not only at our papers."),
    ("en", WORK, "A job fair with local companies that are hiring."),
    ("en", HOUSING, "We have lived in the asylum centre for a year, we need a real home."),
    ("en", HOUSING, "Rents are far too high for a family on a small income."),
    ("en", NEIGHBOURS, "A neighbourhood dinner where everyone brings a dish from their country."),
    ("en", NEIGHBOURS, "Walking groups and sports clubs where we can get to know local people."),
    ("en", HEALTH, "Mental health support for people who lived through war."),
    ("en", HEALTH, "It takes weeks to see a doctor, even when my child is ill."),
    ("uk", LANGUAGE, "Потрібні курси нідерландської мови для дорослих у вечірній час."),
    ("uk", LANGUAGE, "Хочу швидше вивчити мову, але в групі забагато людей."),
    ("uk", WORK, "Допоможіть підтвердити мій диплом, щоб я могла працювати вчителькою."),
    ("uk", WORK, "Потрібна допомога з пошуком роботи за фахом, а не лише на складі."),
    ("uk", HOUSING, "Ми живемо в тимчасовому житлі і не знаємо, куди переїдемо."),
    ("uk", HOUSING, "Знайти квартиру в оренду майже неможливо."),
    ("uk", NEIGHBOURS, "Було б добре влаштовувати спільні свята з сусідами."),
    ("uk", NEIGHBOURS, "Хочу познайомитися з нідерландськими сім'ями в нашому районі."),
    ("uk", HEALTH, "Дуже складно потрапити до сімейного лікаря."),
    ("uk", HEALTH, "Ліки тут важко отримати без рецепта, а записатися до лікаря довго."),
)

# Later ideas, one or two per theme, not among the ideas above.
LATER: tuple[tuple[str, str, str], ...] = (
    ("nl", HOUSING, "Kan de gemeente helpen met een grotere woning? We slapen met z'n zessen in twee kamers."),
    ("ar", WORK, "أبحث عن وظيفة بدوام جزئي بجانب دراستي."),
    ("uk", LANGUAGE, "Чи можна відвідувати уроки нідерландської онлайн?"),
    ("en", HEALTH, "I need a dentist but every practice says the list is full."),
    ("nl", NEIGHBOURS, "Een moestuin in de wijk waar buren samen tuinieren."),
    ("ar", HOUSING, "البيت الذي نسكن فيه قديم وفيه رطوبة."),
    ("en", LANGUAGE, "Dutch lessons for mothers while the children are at school."),
    ("uk", HEALTH, "Потрібен психолог, який розмовляє українською."),
)


def adjusted_rand(truth: Sequence[object], found: Sequence[object]) -> float:
    """The adjusted Rand index of two labellings: 1 when they agree, about 0 for a chance agreement."""
    _, true_codes = np.unique(np.array([str(label) for label in truth]), return_inverse=True)
    _, found_codes = np.unique(np.array([str(label) for label in found]), return_inverse=True)
    table = np.zeros((true_codes.max() + 1, found_codes.max() + 1), dtype=np.int64)
    np.add.at(table, (true_codes, found_codes), 1)
    pairs = sum(comb(int(cell), 2) for cell in table.flat)
    rows = sum(comb(int(total), 2) for total in table.sum(axis=1))
    columns = sum(comb(int(total), 2) for total in table.sum(axis=0))
    expected = rows * columns / comb(len(truth), 2)
    most = (rows + columns) / 2
    return 1.0 if most == expected else (pairs - expected) / (most - expected)
