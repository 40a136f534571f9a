"""What synthetic participants write: ideas of realistic length in the languages newcomers use."""

from __future__ import annotations

import random

# A few sentences per language; an idea is one to three of them, so lengths run from ~40 to ~400 characters.
SENTENCES: dict[str, tuple[str, ...]] = {
    "ar": (
        "أتمنى أن تكون هناك دروس لغة هولندية في المساء لمن يعمل في النهار 📚",
        "نحتاج إلى مكان نلتقي فيه بالجيران ونشرب القهوة معاً ☕",
        "المعلومات من البلدية تصلنا متأخرة وباللغة الهولندية فقط، وهذا صعب جداً.",
        "ساعدونا في إيجاد تدريب عملي يناسب شهاداتنا من سوريا 🙏",
    ),
    "fa": (
        "کلاس زبان برای مادرانی که بچه کوچک دارند خیلی لازم است 👶",
        "لطفاً نامه‌های اداری را به زبان ساده‌تر بنویسید.",
        "یک مرکز ورزشی ارزان برای جوانان در محله ما وجود ندارد ⚽",
        "پیدا کردن خانه برای خانواده‌های بزرگ تقریباً غیرممکن است.",
    ),
    "uk": (
        "Було б добре мати розмовний клуб нідерландською для дорослих 🇳🇱",
        "Нам потрібна допомога з визнанням дипломів медсестер.",
        "Транспорт до центру міста ввечері майже не ходить 🚌",
        "Дякую за підтримку! Хотілося б більше заходів для дітей.",
    ),
    "ru": (
        "Хорошо бы открыть консультацию по налогам на русском или украинском.",
        "Не хватает бесплатных курсов по работе с компьютером 💻",
        "Соседи не знают, кто мы, — давайте устроим общий праздник 🎉",
    ),
    "ti": (
        "ናይ ቋንቋ ትምህርቲ ምሸት እንተዝህሉ ጽቡቕ ነይሩ 📖",
        "ንስራሕ ንምድላይ ሓገዝ የድልየና እዩ።",
        "ምስ ጎረባብቲ ንምርኻብ ቦታ የለን ☕",
    ),
    "so": (
        "Waxaan u baahanahay fasallo luqadda Nederlandka ah oo habeenkii ah 📚",
        "Caruurteena waxay u baahan yihiin caawimaad xagga casharrada guriga.",
        "Macluumaadka dowladda hoose ha lagu qoro luqado badan 🙏",
    ),
    "tr": (
        "Mahallede kadınlar için bir buluşma yeri olsa çok iyi olur 🌷",
        "Belediyenin mektuplarını anlamak için yardıma ihtiyacımız var.",
        "Gençler için staj imkânları artırılmalı 💼",
    ),
    "nl": (
        "Een taalcafé op zaterdagochtend in de bibliotheek, met koffie en vrijwilligers ☕",
        "Maak de brieven van de gemeente korter en in eenvoudige taal.",
        "Statushouders willen graag sneller aan het werk: koppel ze aan een buddy uit de buurt 🤝",
        "Meer sportactiviteiten voor jongeren in de wijk, ook in de winter ⚽",
    ),
    "en": (
        "A weekly walk-in hour at the town hall with interpreters would help a lot 🗣️",
        "Please let us know earlier when the rules for housing change.",
        "Volunteers could help new families with their first month: school, doctor, bank 🏦",
    ),
}
# Markup characters and mixed direction turn up in real messages; the bot must keep them byte-exact.
ODD = ("<b>مهم</b> & *belangrijk* `code` 1 < 2", "‏Taal זה חשוב — language 🤷🏽‍♀️")

# The languages people pick, roughly as a Dutch municipality sees newcomers (with a few Dutch residents).
LANGUAGES: tuple[tuple[str, int], ...] = (
    ("ar", 25),
    ("uk", 20),
    ("ti", 12),
    ("fa", 8),
    ("fa_AF", 5),
    ("tr", 8),
    ("so", 6),
    ("ru", 4),
    ("nl", 8),
    ("en", 4),
)


def language(rng: random.Random) -> str:
    """A participant's language, drawn with realistic weights."""
    codes = [code for code, _ in LANGUAGES]
    return rng.choices(codes, [weight for _, weight in LANGUAGES])[0]


def idea(rng: random.Random, locale: str) -> str:
    """One idea as a person would type it in their language."""
    own = SENTENCES.get(locale.split("_")[0], SENTENCES["en"])
    if rng.random() < 0.03:
        return ODD[rng.randrange(len(ODD))]
    return " ".join(rng.sample(own, k=min(len(own), rng.choice((1, 1, 2, 3)))))
