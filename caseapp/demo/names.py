"""Given and family names per name tradition, for synthetic demo persons (common names, combined at random).

Each group lists common male and female given names and common family names of one tradition.
Family names written "stem|male|female" take a gendered ending (Polish -ski/-ska, Russian -ov/-ova).
Combinations are drawn at random, so no entry describes a real person.
"""
from __future__ import annotations

NAME_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "tr": {
        "m": ("Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre", "Yusuf",
              "Ömer", "Burak", "Kemal", "Serkan", "Oğuz", "Eren", "Furkan", "Berat", "Emir", "Mert", "Kerem",
              "Onur", "Volkan", "Selim", "Halil", "Yunus Emre", "Çağlar", "Tolga"),
        "w": ("Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife", "Zehra", "Sultan",
              "Merve", "Esra", "Büşra", "Derya", "Hülya", "Gül", "Selin", "Ecrin", "Defne", "Azra", "Nisa",
              "Sevgi", "Özlem", "Gülsüm", "Yasemin", "Tuğba", "Ebru"),
        "family": ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
                   "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
                   "Şimşek", "Polat", "Korkmaz", "Erdem", "Güneş", "Aksoy", "Tekin", "Acar", "Bulut",
                   "Keskin", "Ünal", "Karakaya", "Bozkurt", "Taş", "Altun"),
    },
    "ku": {
        "m": ("Rojhat", "Baran", "Azad", "Serhat", "Welat", "Şervan", "Rênas", "Dilşad", "Hozan", "Zana",
              "Kawa", "Rezan", "Berzan", "Jiyan", "Aras", "Delil"),
        "w": ("Rojda", "Berfin", "Helin", "Zozan", "Nûda", "Hêvî", "Dilan", "Ronahî", "Bêrîvan", "Avesta",
              "Jînda", "Roza", "Sosin", "Rûken", "Evîn", "Viyan"),
        "family": ("Ahmad", "Hussein", "Khalil", "Murad", "Bakr", "Haji", "Omar", "Rashid", "Abdo", "Sheikho",
                   "Mamo", "Hasso", "Ibo", "Kurdi", "Zaxoyi", "Berwari", "Amedi", "Xelîl", "Silo", "Hamo"),
    },
    "ar": {
        "m": ("Mohammad", "Ahmad", "Mahmoud", "Khaled", "Omar", "Ali", "Hussein", "Youssef", "Ibrahim",
              "Abdullah", "Hassan", "Mustafa", "Samer", "Bilal", "Amjad", "Rami", "Tarek", "Karim", "Adam",
              "Ammar", "Fadi", "Walid", "Anas", "Hamza", "Majd", "Taim", "Mohammad Ali", "Abdulrahman"),
        "w": ("Fatima", "Aisha", "Maryam", "Rania", "Noor", "Lina", "Rasha", "Huda", "Samira", "Amira",
              "Hala", "Yasmin", "Rim", "Sara", "Dana", "Layla", "Ghada", "Hanan", "Salma", "Mays", "Sham",
              "Joud", "Rahaf", "Nour Alhuda", "Batoul", "Aya", "Lamar"),
        "family": ("Al-Ahmad", "Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Ibrahim",
                   "Hamdan", "Darwish", "Khoury", "Al-Ali", "Al-Khatib", "Al-Masri", "Hussein", "Yousef",
                   "Abdallah", "Suleiman", "Othman", "Kassem", "Al-Jaber", "Aziz", "Zaher", "Qasim", "Farouk",
                   "Najjar", "Shami", "Halabi", "Al-Tamimi", "Al-Obaidi", "Al-Jubouri", "Hamoud", "Sabbagh"),
    },
    "fa": {
        "m": ("Ahmad", "Mohammad", "Ali", "Reza", "Hamid", "Farid", "Javad", "Mahmood", "Sayed", "Nasir",
              "Jawad", "Hossein", "Mehdi", "Omid", "Wahid", "Sohrab", "Bashir", "Rahim", "Arash", "Navid",
              "Ehsan", "Mustafa", "Morteza", "Zabihullah", "Habib", "Shafiq"),
        "w": ("Zahra", "Fatima", "Maryam", "Parisa", "Shabnam", "Mahsa", "Nasrin", "Laila", "Sakina",
              "Marzia", "Nargis", "Somaya", "Farzana", "Roya", "Shirin", "Setareh", "Yalda", "Nilofar",
              "Sima", "Tahmina", "Negin", "Fereshta", "Masouma", "Hadia"),
        "family": ("Ahmadi", "Mohammadi", "Hosseini", "Rahimi", "Karimi", "Rezaei", "Sultani", "Haidari",
                   "Jafari", "Nazari", "Noori", "Sadat", "Amiri", "Sharifi", "Wardak", "Popal", "Rasuli",
                   "Hashemi", "Azizi", "Hakimi", "Safi", "Qaderi", "Mirzaei", "Ghafoori", "Akbari", "Rahmani",
                   "Sahak", "Mohmand", "Mousavi", "Alizada"),
    },
    "uk": {
        "m": ("Oleksandr", "Andrii", "Serhii", "Volodymyr", "Dmytro", "Mykola", "Ivan", "Vasyl", "Yurii",
              "Oleh", "Maksym", "Artem", "Bohdan", "Denys", "Taras", "Vitalii", "Roman", "Danylo", "Matvii",
              "Nazar", "Yaroslav", "Ihor"),
        "w": ("Olena", "Tetiana", "Nataliia", "Iryna", "Oksana", "Svitlana", "Yuliia", "Mariia", "Anastasiia",
              "Kateryna", "Viktoriia", "Liudmyla", "Halyna", "Sofiia", "Anna", "Daryna", "Polina",
              "Valentyna", "Khrystyna", "Zlata", "Alina", "Veronika"),
        "family": ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Boiko", "Melnyk",
                   "Kovalchuk", "Oliinyk", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko", "Rudenko",
                   "Savchenko", "Moroz", "Tkachuk", "Kravets", "Honcharuk", "Ponomarenko", "Pavlenko",
                   "Levchenko", "Petrenko", "Koval", "Klymenko", "Savchuk", "Vasylenko", "Hrytsenko",
                   "Kovalsk|yi|a", "Hnatyshyn", "Zaporozhets", "Sydorenko"),
    },
    "ru": {
        "m": ("Aleksandr", "Sergei", "Dmitri", "Andrei", "Aleksei", "Vladimir", "Ivan", "Mikhail", "Nikolai",
              "Yevgeni", "Artyom", "Maksim", "Pavel", "Denis", "Igor", "Timur"),
        "w": ("Yelena", "Olga", "Tatyana", "Natalya", "Irina", "Svetlana", "Anna", "Mariya", "Yekaterina",
              "Anastasiya", "Darya", "Yuliya", "Polina", "Kseniya", "Alina", "Valeriya"),
        "family": ("Ivanov|", "Smirnov|", "Kuznetsov|", "Popov|", "Vasilyev|", "Petrov|", "Sokolov|",
                   "Mikhailov|", "Novikov|", "Fyodorov|", "Morozov|", "Volkov|", "Lebedev|", "Kozlov|",
                   "Orlov|", "Belov|", "Tarasov|", "Zaitsev|", "Pavlov|", "Semyonov|"),
    },
    "pl": {
        "m": ("Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil",
              "Łukasz", "Mateusz", "Adam", "Wojciech", "Szymon", "Bartosz", "Antoni", "Jan", "Filip",
              "Dawid"),
        "w": ("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Magdalena", "Joanna",
              "Monika", "Aleksandra", "Natalia", "Zofia", "Julia", "Maja", "Hanna", "Zuzanna", "Oliwia",
              "Lena"),
        "family": ("Nowak", "Kowalsk|i|a", "Wiśniewsk|i|a", "Wójcik", "Kowalczyk", "Kamińsk|i|a",
                   "Lewandowsk|i|a", "Zielińsk|i|a", "Szymańsk|i|a", "Woźniak", "Dąbrowsk|i|a",
                   "Kozłowsk|i|a", "Jankowsk|i|a", "Mazur", "Kwiatkowsk|i|a", "Krawczyk", "Piotrowsk|i|a",
                   "Grabowsk|i|a", "Pawlak", "Michalsk|i|a", "Król", "Wieczorek", "Jabłońsk|i|a",
                   "Nowakowsk|i|a", "Majewsk|i|a"),
    },
    "ro": {
        "m": ("Andrei", "Alexandru", "Ion", "Mihai", "Gheorghe", "Constantin", "Vasile", "Florin", "Cristian",
              "Adrian", "Ionuț", "Marius", "Daniel", "Bogdan", "Ștefan", "Luca", "David", "Matei", "Răzvan"),
        "w": ("Maria", "Elena", "Ioana", "Ana", "Andreea", "Mihaela", "Gabriela", "Cristina", "Alexandra",
              "Daniela", "Florentina", "Georgiana", "Ionela", "Sofia", "Bianca", "Denisa", "Larisa",
              "Ilinca"),
        "family": ("Popescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
                   "Ciobanu", "Constantin", "Ionescu", "Rusu", "Mihai", "Munteanu", "Lungu", "Florea", "Dinu",
                   "Sârbu", "Marin", "Tudor", "Moldovan", "Ursu", "Cojocaru", "Lazăr", "Barbu", "Niculescu"),
    },
    "bg": {
        "m": ("Georgi", "Ivan", "Dimitar", "Nikolay", "Petar", "Hristo", "Stoyan", "Todor", "Kaloyan",
              "Martin", "Aleksandar", "Yordan", "Stefan", "Boris", "Valentin", "Plamen"),
        "w": ("Maria", "Ivanka", "Elena", "Yordanka", "Desislava", "Petya", "Gergana", "Nikol", "Viktoria",
              "Radoslava", "Teodora", "Milena", "Iva", "Kalina", "Rositsa", "Galina"),
        "family": ("Ivanov|", "Georgiev|", "Dimitrov|", "Petrov|", "Nikolov|", "Hristov|", "Stoyanov|",
                   "Todorov|", "Iliev|", "Vasilev|", "Atanasov|", "Angelov|", "Yordanov|", "Kolev|",
                   "Marinov|", "Asenov|", "Mladenov|"),
    },
    "sq": {
        "m": ("Arben", "Besnik", "Driton", "Fatmir", "Agron", "Valon", "Ilir", "Blerim", "Artan", "Leutrim",
              "Arian", "Dren", "Liridon", "Enis", "Ardit", "Gentrit", "Albion", "Florent"),
        "w": ("Albana", "Arta", "Besa", "Blerta", "Drita", "Fjolla", "Teuta", "Vjosa", "Mimoza", "Shqipe",
              "Rina", "Elira", "Donika", "Edona", "Jehona", "Ariana", "Lirije", "Vlora"),
        "family": ("Krasniqi", "Gashi", "Berisha", "Morina", "Shala", "Hoxha", "Bytyqi", "Hasani", "Kelmendi",
                   "Rexhepi", "Ahmeti", "Kastrati", "Zeqiri", "Mustafa", "Osmani", "Sylejmani", "Beqiri",
                   "Halili", "Kryeziu", "Musliu", "Jashari", "Rama"),
    },
    "sr": {
        "m": ("Nikola", "Marko", "Stefan", "Milan", "Aleksandar", "Dragan", "Zoran", "Nemanja", "Emir",
              "Adnan", "Haris", "Amar", "Goran", "Dejan", "Kenan", "Edin"),
        "w": ("Milica", "Jelena", "Ana", "Marija", "Ivana", "Dragana", "Jovana", "Amra", "Lejla", "Emina",
              "Selma", "Ajla", "Snežana", "Vesna", "Merima", "Azra"),
        "family": ("Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
                   "Stanković", "Pavlović", "Hodžić", "Hadžić", "Begić", "Delić", "Kovačević", "Mehmedović",
                   "Babić", "Popović", "Mujić", "Salihović", "Tomić"),
    },
    "ti": {
        "m": ("Daniel", "Yonas", "Samuel", "Tesfaye", "Berhane", "Mehari", "Filmon", "Dawit", "Yohannes",
              "Habtom", "Kidane", "Amanuel", "Efrem", "Michael", "Robel", "Senay", "Tekle", "Biniam",
              "Natnael"),
        "w": ("Helen", "Selam", "Senait", "Saba", "Tsega", "Ruta", "Mebrat", "Luwam", "Hiwet", "Yordanos",
              "Rahel", "Feven", "Winta", "Semhar", "Eden", "Abeba", "Lidia", "Meron"),
        "family": ("Tesfay", "Gebremedhin", "Haile", "Tekle", "Kidane", "Berhe", "Weldu", "Mehari", "Habte",
                   "Asmerom", "Yemane", "Andemariam", "Kahsay", "Tewelde", "Abraha", "Fitsum", "Negash",
                   "Zerai", "Ghirmay", "Okbazghi", "Tesfamariam"),
    },
    "so": {
        "m": ("Abdi", "Mohamed", "Ahmed", "Abdirahman", "Hassan", "Abdullahi", "Ismail", "Yusuf", "Omar",
              "Farah", "Liban", "Hamza", "Abdiaziz", "Khalid"),
        "w": ("Fadumo", "Hodan", "Amina", "Ayan", "Hibo", "Sahra", "Ubah", "Asha", "Nimco", "Ifrah", "Hawa",
              "Idil", "Deeqa", "Sagal"),
        "family": ("Abdi", "Ali", "Mohamed", "Hassan", "Farah", "Warsame", "Jama", "Osman", "Nur", "Hussein",
                   "Aden", "Yusuf", "Ahmed", "Ismail", "Gedi", "Dirie", "Egal", "Hersi"),
    },
    "ka": {
        "m": ("Giorgi", "Davit", "Levan", "Nikoloz", "Irakli", "Luka", "Zurab", "Lasha", "Sandro", "Tornike",
              "Vakhtang", "Beka"),
        "w": ("Nino", "Tamar", "Mariam", "Ana", "Salome", "Ketevan", "Natia", "Eka", "Nana", "Sopho", "Maka",
              "Teona"),
        "family": ("Beridze", "Kapanadze", "Gelashvili", "Maisuradze", "Giorgadze", "Lomidze", "Tsiklauri",
                   "Bolkvadze", "Nozadze", "Chikhladze", "Abashidze", "Mamaladze", "Khutsishvili",
                   "Tabatadze", "Gogoladze", "Jgharkava"),
    },
    "it": {
        "m": ("Marco", "Luca", "Giuseppe", "Antonio", "Francesco", "Alessandro", "Matteo", "Lorenzo",
              "Andrea", "Giovanni", "Salvatore", "Davide"),
        "w": ("Giulia", "Francesca", "Sara", "Chiara", "Anna", "Martina", "Valentina", "Alessia", "Maria",
              "Laura", "Federica", "Elisa"),
        "family": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
                   "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini", "Rizzo",
                   "Lombardi", "Moretti"),
    },
    "el": {
        "m": ("Georgios", "Ioannis", "Konstantinos", "Dimitrios", "Nikolaos", "Panagiotis", "Vasileios",
              "Christos", "Athanasios", "Michail"),
        "w": ("Maria", "Eleni", "Aikaterini", "Vasiliki", "Sofia", "Angeliki", "Georgia", "Dimitra",
              "Konstantina", "Paraskevi"),
        "family": ("Papadopoul|os|ou", "Georgiou", "Oikonomou", "Papadak|is|i", "Vlach|os|ou",
                   "Nikolaid|is|ou", "Dimitriou", "Konstantinid|is|ou", "Ioannou", "Karagiann|is|i",
                   "Makr|is|i", "Antoniou"),
    },
    "vi": {
        "m": ("Minh", "Tuan", "Hung", "Duc", "Long", "Nam", "Quang", "Thanh", "Huy", "Khanh", "Van Thanh"),
        "w": ("Linh", "Lan", "Huong", "Mai", "Thu", "Trang", "Ngoc", "Hoa", "Phuong", "Anh", "Thi Lan"),
        "family": ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do"),
    },
    "ng": {
        "m": ("Chinedu", "Emeka", "Oluwaseun", "Ibrahim", "Musa", "Samuel", "Daniel", "Godwin", "Uche",
              "Tunde", "Ifeanyi", "Kelechi"),
        "w": ("Chioma", "Ngozi", "Blessing", "Funmilayo", "Amaka", "Aisha", "Grace", "Joy", "Adaeze",
              "Esther", "Precious", "Favour"),
        "family": ("Okafor", "Okeke", "Adeyemi", "Ogunleye", "Eze", "Nwosu", "Ibrahim", "Bello", "Adebayo",
                   "Okonkwo", "Chukwu", "Obi", "Balogun", "Afolabi", "Uche", "Nnamdi"),
    },
}


def gendered(raw: str, sex: str) -> str:
    if "|" not in raw:
        return raw
    stem, male, *female = raw.split("|")
    if not female:  # Russian/Bulgarian style: "Ivanov|" -> Ivanov / Ivanova
        return stem + ("a" if sex == "w" else "")
    return stem + (female[0] if sex == "w" else male)


def given_name(group: str, pick, sex: str) -> str:
    key = sex if sex in ("m", "w") else ("m" if pick((0, 1)) else "w")
    return pick(NAME_GROUPS[group][key])
