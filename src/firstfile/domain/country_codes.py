"""Which two-letter codes name a country or a patent office.

Countries are the officially assigned ISO 3166-1 alpha-2 codes (249 of them, as of ISO/TC 46
N1108 of 2023-04-05, the list the IANA time zone database ships as iso3166.tab). Regional and
international offices use their WIPO Standard ST.3 codes, none of which is an assigned country
code.
"""

from __future__ import annotations

_ASSIGNED_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_3166_ALPHA_2: frozenset[str] = frozenset(_ASSIGNED_CODES.split())

# Offices that are not countries (WIPO ST.3). EP, EA, AP, OA and GC grant regional patents
# enforceable in their member states; WO is an international application under the PCT, a
# route to national and regional patents rather than a right of its own.
OFFICES: dict[str, str] = {
    "EP": "European Patent Office",
    "WO": "WIPO (PCT international application)",
    "EA": "Eurasian Patent Office",
    "AP": "African Regional Intellectual Property Organization (ARIPO)",
    "OA": "African Intellectual Property Organization (OAPI)",
    "GC": "Patent Office of the Gulf Cooperation Council",
}

# An international application protects nothing by itself: it cannot be a market or a site.
ROUTE_ONLY: frozenset[str] = frozenset({"WO"})


def is_country(code: str) -> bool:
    """True for an officially assigned ISO 3166-1 alpha-2 code, in upper case."""
    return code in ISO_3166_ALPHA_2


def is_jurisdiction_code(code: str) -> bool:
    """True for a country code or a known office code (EP, WO, ...), in upper case."""
    return code in ISO_3166_ALPHA_2 or code in OFFICES


def describe_code_problem(code: str) -> str:
    """Why code is not a jurisdiction code, in words that say what to write instead."""
    if code.upper() != code and is_jurisdiction_code(code.upper()):
        return f"{code!r} must be written in capitals: {code.upper()!r}"
    offices = ", ".join(sorted(OFFICES))
    return (
        f"{code!r} is not an ISO 3166-1 alpha-2 country code or a known office ({offices}); "
        "for example the United Kingdom is GB, Germany DE, South Korea KR"
    )
