"""Word lists for the rule-based metadata extractor: places, demonyms, agencies, titles, organization words.

Kept as compact "|"-separated strings so the data stays readable and cheap to extend; everything is
exposed as frozensets or dicts for O(1) lookups in the per-article hot path.
"""

from __future__ import annotations


def word_set(spec: str) -> frozenset[str]:
    return frozenset(item.strip() for item in spec.split("|") if item.strip())


_COUNTRIES = (
    "Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|"
    "Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|"
    "Bosnia and Herzegovina|Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|"
    "Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|"
    "Cuba|Cyprus|Czech Republic|Czechia|Democratic Republic of the Congo|Denmark|Djibouti|Dominica|"
    "Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|"
    "Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|"
    "Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|"
    "Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|"
    "Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|"
    "Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|"
    "Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|"
    "North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|"
    "Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saint Lucia|Samoa|San Marino|Saudi Arabia|"
    "Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|"
    "South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|"
    "Tajikistan|Tanzania|Thailand|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|"
    "Ukraine|United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|"
    "Vietnam|Yemen|Zambia|Zimbabwe|England|Scotland|Wales|Northern Ireland|Hong Kong|Macau|Gaza|West Bank|"
    "Crimea|Kashmir|Greenland|Puerto Rico|Europe|Africa|Asia|Middle East|Latin America"
)
_CITIES = (
    "Abu Dhabi|Abuja|Accra|Addis Ababa|Algiers|Amman|Amsterdam|Ankara|Astana|Athens|Baghdad|Baku|Bamako|"
    "Bangkok|Beijing|Beirut|Belgrade|Berlin|Bern|Bogota|Brasilia|Bratislava|Brussels|Bucharest|Budapest|"
    "Buenos Aires|Cairo|Canberra|Caracas|Colombo|Copenhagen|Dakar|Damascus|Dhaka|Doha|Dublin|Hanoi|Harare|"
    "Havana|Helsinki|Islamabad|Jakarta|Jerusalem|Kabul|Kampala|Kathmandu|Khartoum|Kyiv|Kiev|Kinshasa|"
    "Kuala Lumpur|Kuwait City|La Paz|Lagos|Lima|Lisbon|Ljubljana|London|Luanda|Madrid|Managua|Manila|"
    "Mexico City|Minsk|Mogadishu|Montevideo|Moscow|Muscat|Nairobi|New Delhi|Delhi|Nicosia|Oslo|Ottawa|Paris|"
    "Phnom Penh|Prague|Pretoria|Pyongyang|Quito|Rabat|Riga|Riyadh|Rome|Santiago|Sanaa|Sarajevo|Seoul|"
    "Singapore|Skopje|Sofia|Stockholm|Taipei|Tallinn|Tashkent|Tbilisi|Tehran|Tel Aviv|Tokyo|Tripoli|Tunis|"
    "Ulaanbaatar|Vienna|Vilnius|Warsaw|Washington|Wellington|Yerevan|Zagreb|New York|Los Angeles|Chicago|"
    "Houston|San Francisco|Boston|Miami|Seattle|Toronto|Montreal|Vancouver|Sydney|Melbourne|Shanghai|"
    "Shenzhen|Guangzhou|Mumbai|Bangalore|Kolkata|Chennai|Karachi|Lahore|Istanbul|Dubai|Jeddah|Mecca|"
    "Basra|Mosul|Aleppo|Isfahan|Mashhad|Tabriz|Osaka|Hamburg|Munich|Frankfurt|Milan|Barcelona|Geneva|"
    "Zurich|Manchester|Edinburgh|Marseille|Lyon|Rio de Janeiro|Sao Paulo|Johannesburg|Cape Town|Casablanca|"
    "Alexandria|Odesa|Kharkiv|St Petersburg|Saint Petersburg|Davos|Strait of Hormuz|Persian Gulf|Red Sea|"
    "Black Sea|South China Sea|Gulf of Oman"
)
PLACES: frozenset[str] = word_set(_COUNTRIES) | word_set(_CITIES)

# Last words of multi-word place names that the gazetteer does not list.
PLACE_WORDS: frozenset[str] = word_set(
    "City|Street|Avenue|Road|County|Province|Region|District|Island|Islands|River|Valley|Beach|Airport|"
    "Station|Square|Park|Bay|Mountain|Mountains|Lake|Coast|Peninsula|Strait|Sea|Ocean|Gulf|Desert|Border"
)

# Spellings mapped to one canonical gazetteer name.
PLACE_ALIASES: dict[str, str] = {
    "U.S.": "United States",
    "US": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "United States of America": "United States",
    "America": "United States",
    "U.K.": "United Kingdom",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "UAE": "United Arab Emirates",
    "DRC": "Democratic Republic of the Congo",
    "Republic of Korea": "South Korea",
    "Kiev": "Kyiv",
    "Burma": "Myanmar",
    "Czechia": "Czech Republic",
    "Saint Petersburg": "St Petersburg",
    "New York City": "New York",
    "Delhi": "New Delhi",
    "Turkiye": "Turkey",
    "Türkiye": "Turkey",
}

DEMONYMS: dict[str, str] = {
    key: value
    for pair in [
        "Afghan:Afghanistan",
        "Algerian:Algeria",
        "American:United States",
        "Argentine:Argentina",
        "Armenian:Armenia",
        "Australian:Australia",
        "Austrian:Austria",
        "Azerbaijani:Azerbaijan",
        "Bahraini:Bahrain",
        "Bangladeshi:Bangladesh",
        "Belarusian:Belarus",
        "Belgian:Belgium",
        "Brazilian:Brazil",
        "British:United Kingdom",
        "Bulgarian:Bulgaria",
        "Canadian:Canada",
        "Chilean:Chile",
        "Chinese:China",
        "Colombian:Colombia",
        "Croatian:Croatia",
        "Cuban:Cuba",
        "Czech:Czech Republic",
        "Danish:Denmark",
        "Dutch:Netherlands",
        "Egyptian:Egypt",
        "Emirati:United Arab Emirates",
        "Ethiopian:Ethiopia",
        "Filipino:Philippines",
        "Finnish:Finland",
        "French:France",
        "German:Germany",
        "Ghanaian:Ghana",
        "Greek:Greece",
        "Hungarian:Hungary",
        "Indian:India",
        "Indonesian:Indonesia",
        "Iranian:Iran",
        "Iraqi:Iraq",
        "Irish:Ireland",
        "Israeli:Israel",
        "Italian:Italy",
        "Japanese:Japan",
        "Jordanian:Jordan",
        "Kenyan:Kenya",
        "Kuwaiti:Kuwait",
        "Lebanese:Lebanon",
        "Libyan:Libya",
        "Malaysian:Malaysia",
        "Mexican:Mexico",
        "Moroccan:Morocco",
        "Nigerian:Nigeria",
        "North Korean:North Korea",
        "Norwegian:Norway",
        "Omani:Oman",
        "Pakistani:Pakistan",
        "Palestinian:Palestine",
        "Peruvian:Peru",
        "Polish:Poland",
        "Portuguese:Portugal",
        "Qatari:Qatar",
        "Romanian:Romania",
        "Russian:Russia",
        "Saudi:Saudi Arabia",
        "Serbian:Serbia",
        "Somali:Somalia",
        "South African:South Africa",
        "South Korean:South Korea",
        "Spanish:Spain",
        "Sudanese:Sudan",
        "Swedish:Sweden",
        "Swiss:Switzerland",
        "Syrian:Syria",
        "Taiwanese:Taiwan",
        "Thai:Thailand",
        "Tunisian:Tunisia",
        "Turkish:Turkey",
        "Ugandan:Uganda",
        "Ukrainian:Ukraine",
        "Venezuelan:Venezuela",
        "Vietnamese:Vietnam",
        "Yemeni:Yemen",
        "Zimbabwean:Zimbabwe",
    ]
    for key, value in [pair.split(":")]
}

# Canonical agency names: the form each agency uses in its own datelines ("AP" for the Associated Press,
# lowercase "dpa" as the agency writes itself). Keys are casefolded spellings.
AGENCIES: dict[str, str] = {
    key: canonical
    for canonical, spellings in {
        "Reuters": "reuters|reuter|thomson reuters",
        "AP": "ap|associated press|the associated press",
        "AFP": "afp|agence france-presse|agence france presse|agence france‑presse",
        "IRNA": "irna|islamic republic news agency",
        "Xinhua": "xinhua|xinhua news agency",
        "Anadolu": "anadolu|anadolu agency|anadolu ajansi",
        "ANSA": "ansa",
        "dpa": "dpa|deutsche presse-agentur|deutsche presse agentur",
        "EFE": "efe|agencia efe",
        "Kyodo": "kyodo|kyodo news",
        "TASS": "tass|itar-tass",
        "Bernama": "bernama",
        "PTI": "pti|press trust of india",
        "Yonhap": "yonhap|yonhap news agency",
        "UPI": "upi|united press international",
        "Interfax": "interfax",
        "RIA Novosti": "ria novosti|ria",
        "Tasnim": "tasnim|tasnim news agency",
        "Fars": "fars news agency|fars news",
        "Mehr": "mehr|mehr news agency",
        "ISNA": "isna|iranian students' news agency",
        "WAFA": "wafa",
        "Antara": "antara",
        "KCNA": "kcna|korean central news agency",
        "Bloomberg": "bloomberg|bloomberg news",
    }.items()
    for key in spellings.split("|")
}

# Organizations that are one word or an acronym and so are not caught by the organization-word rule.
KNOWN_ORGS: frozenset[str] = word_set(
    "UN|NATO|OPEC|IMF|EU|WHO|IAEA|WTO|UNESCO|UNICEF|UNHCR|UNRWA|ASEAN|ECB|FBI|CIA|NSA|NASA|IRGC|OECD|"
    "FIFA|IOC|ICC|ICJ|BRICS|G7|G20|SEC|FDA|CDC|Fed|Pentagon|Kremlin|Congress|Parliament|Senate|Hamas|"
    "Hezbollah|Taliban|Houthis|Islamic State|Google|Apple|Microsoft|Amazon|Meta|Tesla|Nvidia|OpenAI|"
    "Boeing|Airbus|"
    "CNN|BBC|NBC|CBS|ABC|Fox News|Al Jazeera|White House|Interpol|Europol|Frontex|Gazprom|Aramco"
)

ORG_WORDS: frozenset[str] = word_set(
    "Ministry|Agency|Bank|Corp|Corp.|Corporation|Inc|Inc.|Ltd|Ltd.|LLC|Plc|PLC|GmbH|AG|Co.|Company|Group|"
    "Council|Organization|Organisation|Party|Commission|Union|Court|University|College|Committee|Fund|"
    "Association|Institute|Authority|Army|Navy|Force|Forces|Guard|Guards|Corps|Reserve|Exchange|Department|"
    "Office|Federation|Foundation|Assembly|Parliament|Congress|Senate|Police|Service|Services|Board|Bureau|"
    "Center|Centre|Church|Front|Movement|Alliance|League|Coalition|Airlines|Airways|Holdings|Industries|"
    "Motors|Electric|Partners|Securities|Trust|Network|Times|Post|Journal|News|Herald|Tribune|Telegraph|"
    "Gazette|Press|Television|Radio|Brigade|Brigades|Battalion|Cabinet|Secretariat|Programme|Program|"
    "Bloc|Consortium|Institution|Laboratory|Hospital|Clinic|Academy|School|Society|Club|Team|Unit|Forum|"
    "Administration|Conference|Command|Directorate|Ministries"
)
# Organization heads that take an "of" complement: "Ministry of Defence", "Bank of England".
ORG_HEADS: frozenset[str] = word_set(
    "Ministry|Bank|Department|University|Council|Organization|Organisation|Court|Office|Institute|Church|"
    "Federation|Union|Association|Academy|Commission|Committee|Board|Bureau|League"
)

# Capitalized words that end a title and precede a name ("Foreign Minister X", "Rear Admiral X").
TITLE_HEADS: dict[str, str] = {
    word: word.rstrip(".").lower()
    for word in word_set(
        "President|Minister|Secretary|Secretary-General|Spokesman|Spokeswoman|Spokesperson|Director|"
        "Director-General|Chairman|Chairwoman|Ambassador|Commander|Governor|Chancellor|Premier|King|Queen|"
        "Prince|Princess|Sheikh|Emir|Sultan|Pope|Ayatollah|Senator|Representative|Congressman|Congresswoman|"
        "Mayor|Envoy|Commissioner|Prosecutor|General|Lieutenant|Colonel|Major|Captain|Sergeant|Admiral|"
        "Brigadier|Commodore|Marshal|Judge|Justice|Professor|Reverend|Bishop|Archbishop|Cardinal|Rabbi|Imam|"
        "Sir|Dame|Lord|Lady|Baroness|Executive|CEO|Officer|Adviser|Advisor|Speaker|Chief|Detective|Inspector|"
        "Sheriff|Coach|Superintendent|Chair|Chairperson|Dean|President-elect|Vice-President|Mr.|Mrs.|Ms.|Miss|Mx.|Dr.|Mr|Mrs|Ms|Dr|Prof.|Rev.|Sen.|Rep.|Gov.|Gen.|Lt.|Col.|"
        "Maj.|Capt.|Sgt.|Adm.|Brig.|Cmdr.|Insp.|Det.|Supt.|Amb."
    )
}
# Abbreviated titles spelled out, so "the general said" can find "Gen. X".
TITLE_HEADS.update(
    pair.split(":")  # type: ignore[misc]
    for pair in word_set(
        "Dr:doctor|Dr.:doctor|Gen.:general|Adm.:admiral|Sen.:senator|Rep.:representative|Gov.:governor|"
        "Col.:colonel|Capt.:captain|Lt.:lieutenant|Maj.:major|Brig.:brigadier|Prof.:professor|"
        "Cmdr.:commander|Amb.:ambassador|Rev.:reverend"
    )
)

# Capitalized words that may open a run before a person's name but are not part of it:
# "Republican Chuck Grassley", "Acting Director Jane Doe", "Cubs fan ..." (parties, rank modifiers, honorifics).
NAME_LEAD_WORDS: frozenset[str] = word_set(
    "Republican|Democrat|Democratic|Labour|Conservative|Liberal|Tory|Green|Former|Ex|Acting|Deputy|Vice|Senior|"
    "Chief|Chair|Dean|Fan|Fans|Veteran|Rookie|Dr|Mr|Mrs|Ms|St|St."
)

# Lowercase role nouns: "spokesman Ali Rezaei", "the minister said", "Jane Doe, an analyst at ...".
ROLE_NOUNS: frozenset[str] = word_set(
    "spokesman|spokeswoman|spokesperson|analyst|economist|lawyer|attorney|minister|president|director|"
    "chairman|chairwoman|executive|officer|adviser|advisor|commander|professor|researcher|official|"
    "ambassador|envoy|governor|mayor|senator|leader|chief|head|secretary|strategist|scientist|expert|"
    "activist|journalist|correspondent|reporter|editor|author|founder|co-founder|candidate|lawmaker|"
    "legislator|diplomat|prosecutor|judge|general|admiral|colonel|captain|doctor|resident|witness|"
    "student|teacher|farmer|worker|member|manager|owner|negotiator|representative|premier|chancellor|"
    "billionaire|tycoon|businessman|businesswoman|entrepreneur|actor|actress|singer|rapper|comedian|"
    "producer|astronaut|presenter|host|designer|veteran|former|star|coach|player|striker|defender"
)

# Capitalized words that start sentences or stand for dates, never names.
NON_NAME_WORDS: frozenset[str] = word_set(
    "The|A|An|But|And|Or|So|Yet|If|In|On|At|By|For|From|To|With|Without|Of|As|After|Before|During|Since|"
    "Until|When|While|Where|What|Who|Why|How|This|That|These|Those|There|Here|It|Its|He|She|They|We|I|You|"
    "His|Her|Their|Our|My|Your|Some|Many|Most|More|Several|All|Both|Each|Every|Other|Another|Such|No|Not|"
    "Also|However|Meanwhile|Still|Although|Though|Because|Despite|Under|Over|Last|Next|Earlier|Later|Now|"
    "Then|Today|Yesterday|Tomorrow|Tonight|According|Asked|Speaking|Officials|Police|Witnesses|Analysts|"
    "Residents|Reporting|Editing|Writing|Additional|Photo|Image|Video|Read|Watch|Monday|Tuesday|Wednesday|"
    "Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August|September|October|"
    "November|December|Jan.|Feb.|Mar.|Apr.|Aug.|Sept.|Sep.|Oct.|Nov.|Dec.|Do|Does|Did|Is|Are|Was|Were|"
    "Will|Would|Can|Could|Should|Let|Please|Thank|Thanks|Yes|Oh|Well|Even|Only|Just|Like|Unlike|Among|"
    "Amid|Against|Between|Through|Following|Including|Instead|Once|Whether|Either|Neither"
)
