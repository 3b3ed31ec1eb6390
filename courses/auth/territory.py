"""Who learners are: organisation types and Morocco's twelve regions (2015 division)."""

from flask_babel import lazy_gettext as _l

ORGANISATION_TYPES = {
    "commune": _l("Commune"),
    "province": _l("Province or prefecture"),
    "region": _l("Region"),
    "ministry": _l("Ministry"),
    "media": _l("Media"),
    "school": _l("School or university"),
    "other": _l("Other"),
}

REGIONS = {
    "tanger-tetouan-al-hoceima": _l("Tanger-Tétouan-Al Hoceïma"),
    "oriental": _l("L'Oriental"),
    "fes-meknes": _l("Fès-Meknès"),
    "rabat-sale-kenitra": _l("Rabat-Salé-Kénitra"),
    "beni-mellal-khenifra": _l("Béni Mellal-Khénifra"),
    "casablanca-settat": _l("Casablanca-Settat"),
    "marrakech-safi": _l("Marrakech-Safi"),
    "draa-tafilalet": _l("Drâa-Tafilalet"),
    "souss-massa": _l("Souss-Massa"),
    "guelmim-oued-noun": _l("Guelmim-Oued Noun"),
    "laayoune-sakia-el-hamra": _l("Laâyoune-Sakia El Hamra"),
    "dakhla-oued-ed-dahab": _l("Dakhla-Oued Ed-Dahab"),
}
