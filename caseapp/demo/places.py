"""Where demo persons live: district weights, postcodes and streets of Osnabrück, shelter operators."""
from __future__ import annotations

# district number -> (relative share of the migrant population, postcode, streets).
# Shares are uneven on purpose: Schinkel, Innenstadt and the Wüste hold many, Pye or Sutthausen few.
DISTRICTS: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "01": (9.0, "49074", ("Johannisstraße", "Hasestraße", "Krahnstraße", "Große Straße", "Kamp", "Lohstraße",
                          "Möserstraße", "Neuer Graben", "Redlingerstraße")),
    "02": (7.5, "49076", ("Lotter Straße", "Martinistraße", "Katharinenstraße", "Bramstraße",
                          "Rheiner Landstraße", "Saarplatz", "Augustenburger Straße")),
    "03": (4.0, "49076", ("Albrechtstraße", "Barbarastraße", "Sedanstraße", "Caprivistraße",
                          "Artilleriestraße", "Am Westerberg")),
    "04": (4.5, "49090", ("Atterstraße", "Landwehrstraße", "Wersener Straße", "Eversburger Platz",
                          "Büren Esch")),
    "05": (3.0, "49090", ("Hafenringstraße", "Römereschstraße", "Fürstenauer Weg", "Am Hafen")),
    "06": (4.0, "49088", ("Bramscher Straße", "Sonnenhügelstraße", "Vehrter Landstraße", "Dodeshausweg")),
    "07": (3.5, "49090", ("Haster Weg", "Bramscher Straße", "Hasemauer", "Am Gut Haste")),
    "08": (5.5, "49088", ("Ellerstraße", "Lerchenstraße", "Dodeshausweg", "Hasenkamp", "Finkenweg")),
    "09": (4.0, "49084", ("Knollstraße", "Buersche Straße", "Liebigstraße", "Gartlager Weg")),
    "10": (11.0, "49084", ("Bremer Straße", "Schinkelstraße", "Tannenburgstraße", "Oststraße",
                           "Buersche Straße", "Ebertallee", "Rosenburg", "Heiligenweg")),
    "11": (3.0, "49086", ("Widukindstraße", "Am Widukindland", "Atroper Straße")),
    "12": (5.0, "49086", ("Mindener Straße", "Wesereschstraße", "Schinkeler Höhe", "Belmer Straße")),
    "13": (4.5, "49084", ("Hamburger Straße", "Schellenbergstraße", "Fledder Kirchweg", "Franz-Lenz-Straße")),
    "14": (3.0, "49082", ("Am Schölerberg", "Meller Straße", "Klinikumstraße")),
    "15": (3.5, "49080", ("Iburger Straße", "Kiwittstraße", "Kalkhügelstraße", "Am Riedenbach")),
    "16": (8.0, "49080", ("Sutthauser Straße", "Rehmstraße", "Blumenhaller Weg", "Martinsburg",
                          "Lotter Straße", "Kollegienwall", "Kurt-Schumacher-Damm")),
    "17": (1.2, "49082", ("Malberger Straße", "Hauswörmannsweg", "Sutthauser Straße")),
    "18": (3.0, "49078", ("Hellerner Straße", "Lengericher Landstraße", "Pagenstecherstraße")),
    "19": (2.0, "49078", ("Leyer Straße", "Atterstraße", "Am Ziegenbrink")),
    "20": (1.0, "49090", ("Pyer Kirchweg", "Fürstenauer Weg", "Pyer Bach")),
    "21": (4.0, "49086", ("Mindener Straße", "Gretescher Weg", "Lüstringer Straße", "Darumer Straße")),
    "22": (2.5, "49086", ("Voxtruper Straße", "Meller Landstraße", "Sandforter Straße")),
    "23": (2.3, "49082", ("Iburger Straße", "Nahner Straße", "Am Nahner Feld")),
}

CITY = "Osnabrück"

# Shelters stand where the city found buildings: weighted differently from housing.
SHELTER_DISTRICT_WEIGHTS = {
    "01": 2, "02": 2, "03": 1, "04": 2, "05": 3, "06": 2, "07": 1, "08": 2, "09": 1, "10": 3, "11": 1,
    "12": 2, "13": 2, "14": 1, "15": 1, "16": 2, "17": 1, "18": 2, "19": 1, "20": 1, "21": 2, "22": 1,
    "23": 1,
}

OPERATORS = (
    "Stadt Osnabrück, Fachbereich Soziales",
    "Caritasverband für die Diözese Osnabrück",
    "Diakonie Osnabrück Stadt und Land",
    "DRK Kreisverband Osnabrück-Stadt",
    "Arbeiterwohlfahrt Region Osnabrück",
    "Johanniter-Unfall-Hilfe, Regionalverband Weser-Ems",
)

SHELTER_KINDS = ("Gemeinschaftsunterkunft", "Übergangswohnheim", "Notunterkunft")


def district_numbers() -> list[str]:
    return list(DISTRICTS)


def district_weights() -> list[float]:
    return [DISTRICTS[d][0] for d in DISTRICTS]
