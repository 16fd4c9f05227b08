"""The second-hand market's demo content, in French: listings, talks, offers, ratings.

Each `Item` is one listing and the story it went through (`story`, below), told in
days before the demo's now; resale.py replays it through the resale services. The
sellers are named by their display name (members.py) and publish at once when
their trust level is 2 or more (trust.py); the pending and refused listings are
by members of level 1, whose listings wait for a moderator. `owned` ties a listing
to the seller's own purchase of its product in the demo sales (sales.py): the
"verified owner" mark. `look` names the catalog category whose drawing the
photos show when the listing is not a catalog product.

`SMALL_SALES` are the cheap things two sellers sold all year long: one past the
EU DAC7 threshold (30 sales), one nearing it (25 to 29). Five of them are the
catalog's oscillating sprinkler, so its product page tells its residual value.
"""

from __future__ import annotations

from dataclasses import dataclass

CAM = "Camille du potager"
LEA = "Léa bricole"
CHL = "Chloé et ses roses"
GAB = "Gabriel l'électro"
JUL = "Jules Moreau"
ART = "Arthur au jardin"
LOU = "Louise verte"
ALI = "Alice V."
EMM = "Emma Morel"
NOA = "Noah plombier"
# Trust level 1: their listings wait for a moderator.
HUG = "Hugo Thomas"
MAN = "Manon P."
RAP = "Raphaël M."
VIC = "Victor Dupont"
ETI = "Étienne B."

LYON = "lyon-part-dieu"
BORDEAUX = "bordeaux-merignac"
LILLE = "lille-centre"
NANTES = "nantes-atlantis"
TOULOUSE = "toulouse-blagnac"
MARSEILLE = "marseille-valentine"
STRASBOURG = "strasbourg-etoile"
RENNES = "rennes-cesson"

# What happened to a listing; resale.py knows each.
DRAFT = "draft"  # kept as a draft
PENDING = "pending"  # submitted today, waiting in the moderation queue
PUBLISHED = "published"  # on sale
RESERVED = "reserved"  # reserved at full price for a coming day
TODAY = "today"  # an accepted offer: handed over today
SOLD = "sold"  # reserved, handed over at the store, rated
WITHDRAWN = "withdrawn"  # taken off sale by the seller
EXPIRED = "expired"  # not sold in time: the daily pass expired it
REJECTED = "rejected"  # refused by the moderator for a prohibited thing
LAPSED = "lapsed"  # reserved, nobody came: on sale again
BUYBACK = "buyback"  # the shop's buy-back accepted, not yet brought in
CREDITED = "credited"  # bought back, inspected and credited today


@dataclass(frozen=True)
class Item:
    """One listing and its story."""

    key: str
    seller: str
    title: str
    description: str
    price: int  # cents
    condition: str
    stores: tuple[str, ...]
    tags: tuple[str, ...]
    story: str
    days: float  # created this many days ago
    sku: str = ""  # the catalog product it is
    owned: bool = False  # listed from the seller's own purchase of it
    look: str = ""  # category prefix of the drawing, without a product
    photos: int = 1
    buyer: str = ""  # who reserved or bought it
    store: str = ""  # the hand-off store
    handoff: float = 0  # reserved: days from today; sold: days ago
    reasons: tuple[str, ...] = ()  # why the moderator refused it
    store_credit: bool = False  # the seller took store credit
    ratings: str = "both"  # sold: "both", "buyer" (the seller has not yet)


ITEMS = [
    # --- On sale ------------------------------------------------------------------
    Item(
        "taille-haie", CAM, "Taille-haie électrique 600 W, deux saisons",
        "Acheté chez Comptoir, il a taillé deux fois par an une haie de troènes de "
        "quinze mètres. Lames nettoyées et huilées, carter sans fissure, câble "
        "d'origine impeccable.\n\nJe passe à un modèle sur batterie : celui-ci "
        "cherche un nouveau jardin. Fourreau de lame fourni.",
        4500, "very_good", (LYON,), ("jardin", "taille", "haie"), PUBLISHED, 9,
        sku="JAR-00013", owned=True, photos=3,
    ),
    Item(
        "etagere", LEA, "Étagère métallique 5 niveaux, démontée",
        "Elle rangeait mon garage avant la rénovation : 180 × 90 × 40 cm, cinq "
        "tablettes, toutes les pièces et la notice. Quelques rayures sur les "
        "montants, rien de grave.\n\nDémontée et sanglée, elle tient dans un coffre "
        "de break.",
        2500, "good", (STRASBOURG, LYON), ("rangement", "atelier"), PUBLISHED, 12,
        sku="RAN-00071", owned=True, photos=2,
    ),
    Item(
        "mitigeur", NOA, "Mitigeur d'évier bec haut, neuf dans sa boîte",
        "Acheté pour un chantier où le client a finalement choisi un autre modèle. "
        "Jamais posé, flexibles et joints dans le sachet d'origine, notice "
        "comprise.\n\nJe peux expliquer la pose à l'acheteur, c'est mon métier.",
        5500, "new_with_tags", (TOULOUSE,), ("plomberie", "cuisine"), PUBLISHED, 6,
        sku="PLO-00061", owned=True, photos=2,
    ),
    Item(
        "colonne", ALI, "Colonne de douche thermostatique jamais posée",
        "Achetée pour la salle de bain de ma mère, qui a préféré garder sa "
        "baignoire. Carton ouvert pour vérifier les pièces, tout est là : barre, "
        "pommeau, douchette, flexible et visserie.",
        9500, "new_with_tags", (NANTES, RENNES), ("plomberie", "salle de bain"),
        PUBLISHED, 15, sku="PLO-00062", owned=True,
    ),
    Item(
        "grelinette", GAB, "Grelinette 5 dents, manche en frêne",
        "L'outil qui m'a réconcilié avec le bêchage : on aère sans retourner la "
        "terre. Dents droites, soudures saines, un peu de rouille de surface "
        "que j'ai brossée.\n\nJ'ai maintenant un potager surélevé, elle ne me "
        "sert plus.",
        3800, "good", (MARSEILLE,), ("jardin", "potager"), PUBLISHED, 20,
        look="JAR",
    ),
    Item(
        "tondeuse", ART, "Tondeuse thermique tractée 46 cm, révisée",
        "Révisée au printemps : vidange, bougie, filtre à air et lame affûtée. "
        "Elle démarre au deuxième coup de lanceur. Bac de ramassage un peu "
        "décoloré par le soleil.\n\nJe vends parce que je passe au robot pour "
        "mes 800 m².",
        16000, "good", (NANTES, RENNES), ("jardin", "tondeuse"), PUBLISHED, 18,
        sku="JAR-00011", photos=3,
    ),
    Item(
        "nichoirs", JUL, "Nichoirs à mésanges en chêne, faits main (lot de 2)",
        "Fabriqués dans mes chutes de chêne, assemblés sans vis ni colle, trou "
        "d'envol de 28 mm pour les mésanges charbonnières. Toit amovible pour le "
        "nettoyage d'automne.",
        2800, "very_good", (NANTES,), ("jardin", "oiseaux", "bois"), PUBLISHED, 4,
        look="RAN",
    ),
    Item(
        "jarres", CHL, "Grandes jarres en terre cuite d'Anduze (lot de 2)",
        "Deux jarres de 60 cm de haut, émaillées vert et miel à l'intérieur du "
        "col. Une petite ébréchure au pied de l'une, invisible une fois posée.\n\n"
        "Très lourdes : prévoir deux personnes et des couvertures.",
        12000, "good", (TOULOUSE, BORDEAUX), ("jardin", "poterie"), PUBLISHED, 25,
        look="PLA", photos=2,
    ),
    Item(
        "recuperateur", EMM, "Récupérateur d'eau de pluie 300 L avec robinet",
        "Servi trois étés sur la descente de gouttière du garage, rincé et "
        "vidé pour l'hiver. Robinet en laiton changé l'an dernier, couvercle "
        "anti-moustiques fourni.",
        4500, "good", (BORDEAUX, TOULOUSE), ("arrosage", "eau de pluie"),
        PUBLISHED, 14, sku="ARR-00026",
    ),
    Item(
        "monstera", LOU, "Monstera deliciosa de 4 ans, 1,10 m",
        "Bouture devenue grande : neuf feuilles bien découpées, tuteur en fibre "
        "de coco, rempotée en mars. Elle a besoin de plus de place que mon salon "
        "n'en a.",
        3500, "very_good", (LYON,), ("plantes", "intérieur"), PUBLISHED, 3,
        look="PLA",
    ),
    Item(
        "scie-sauteuse", GAB, "Scie sauteuse pendulaire 650 W et 10 lames",
        "Très peu servie : deux plans de travail et une étagère. Mouvement "
        "pendulaire à 4 positions, semelle inclinable, souffleur de copeaux qui "
        "marche. Coffret d'origine et dix lames bois et métal.",
        3500, "good", (MARSEILLE, TOULOUSE), ("outillage", "bois"), PUBLISHED, 30,
        sku="OUT-00009",
    ),
    Item(
        "escabeau", LEA, "Escabeau aluminium 5 marches",
        "Escabeau léger avec tablette porte-pot, patins antidérapants en bon "
        "état. Il a repeint toute la longère, il lui reste des taches de "
        "peinture blanche sur les marches.",
        3000, "good", (STRASBOURG,), ("bricolage", "peinture"), PUBLISHED, 40,
        look="OUT",
    ),
    Item(
        "perforateur", NOA, "Perforateur SDS+ 800 W en coffret",
        "Perforateur burineur, trois modes, butée de profondeur et poignée "
        "latérale. Charbons changés cette année. Livré avec cinq forets SDS+ de "
        "6 à 12 mm.",
        6000, "very_good", (TOULOUSE,), ("outillage", "maçonnerie"), PUBLISHED, 22,
        look="OUT",
    ),
    Item(
        "chaises", CHL, "Paire de chaises de jardin en fer forgé",
        "Deux chaises des années 50 trouvées chez ma grand-tante. Solides et "
        "stables, mais la peinture verte s'écaille et la rouille pointe aux "
        "pieds : un ponçage et une couche d'antirouille leur rendront leur "
        "allure.",
        7000, "fair", (TOULOUSE,), ("jardin", "mobilier", "ancien"), PUBLISHED, 33,
        look="JAR",
    ),
    Item(
        "devidoir", ART, "Dévidoir mural automatique 30 m",
        "Enrouleur automatique avec son tuyau de 30 m et le pistolet. Le "
        "support mural pivote à 180°. Je l'ai remplacé par un robinet près du "
        "potager, il ne sert plus.",
        6000, "very_good", (NANTES,), ("arrosage",), PUBLISHED, 8, sku="ARR-00022",
    ),
    Item(
        "ponceuse", ALI, "Ponceuse orbitale 300 W et 40 abrasifs",
        "Ma ponceuse de chantier, remplacée par une plus grosse : plateau "
        "auto-agrippant refait à neuf, sac à poussière, et quarante disques du "
        "grain 80 au grain 240.",
        3000, "good", (NANTES,), ("peinture", "outillage"), PUBLISHED, 11,
        look="PEI",
    ),
    Item(
        "guirlande", GAB, "Guirlande guinguette 10 m, jamais sortie du carton",
        "Achetée pour une fête qui s'est finalement tenue ailleurs. Dix ampoules "
        "LED, câble extérieur IP44, emballage d'origine.",
        2200, "new_with_tags", (MARSEILLE,), ("électricité", "jardin"), PUBLISHED,
        2, sku="ELE-00057", owned=True,
    ),
    Item(
        "composteur", EMM, "Composteur 400 L en plastique recyclé",
        "Composteur à trappe basse, avec son aérateur. Il a produit trois ans "
        "d'un compost magnifique ; je passe au lombricomposteur dans mon nouvel "
        "appartement.",
        2500, "good", (BORDEAUX,), ("jardin", "compost"), PUBLISHED, 27, look="JAR",
    ),
    Item(
        "plafonnier", ALI, "Plafonnier LED rond 24 W, neuf",
        "Acheté en double par erreur pour un chantier. Jamais posé, dans sa "
        "boîte, lumière blanche neutre.",
        1500, "new_with_tags", (NANTES,), ("électricité", "éclairage"), PUBLISHED,
        5, sku="ELE-00060", owned=True,
    ),
    Item(
        "broyeur", ART, "Broyeur de végétaux 2 500 W",
        "Broyeur à lames réversibles, pour les branches jusqu'à 4 cm. Parfait "
        "après la taille des haies. Bac de 50 L fourni, lames retournées une "
        "fois.",
        9000, "good", (NANTES, RENNES), ("jardin", "broyage"), PUBLISHED, 35,
        look="JAR",
    ),
    Item(
        "caillebotis", EMM, "Caillebotis en pin, 9 dalles de 50 × 50 cm",
        "Restes de la terrasse de l'an dernier, traitées autoclave. Stockées "
        "à l'abri, jamais posées dehors.",
        1800, "very_good", (BORDEAUX,), ("jardin", "terrasse", "bois"), PUBLISHED,
        55, look="RAN",
    ),
    Item(
        "nettoyeur", LEA, "Nettoyeur haute pression 130 bar",
        "Il a décapé la cour et les volets avant peinture. Lance, buse rotative "
        "et brosse pour terrasse, flexible de 8 m. Je le vends parce que j'en "
        "emprunte un à mon voisin.",
        7000, "good", (STRASBOURG,), ("bricolage", "nettoyage"), LAPSED, 16,
        look="OUT", buyer="Zoé L.", store=STRASBOURG,
    ),
    # --- Reserved -------------------------------------------------------------------
    Item(
        "rabot", JUL, "Rabot à main n°4 restauré",
        "Un vieux rabot en fonte que j'ai démonté, dérouillé et réglé : "
        "semelle dressée, fer affûté au grain 8000, poignées en hêtre huilées. "
        "Il prend des copeaux fins comme du papier.",
        3500, "very_good", (LYON,), ("outillage", "bois", "menuiserie"), TODAY, 10,
        look="OUT", photos=2, buyer=CAM, store=LYON,
    ),
    Item(
        "souffleur", JUL, "Souffleur-aspirateur de feuilles 2 500 W",
        "Il souffle, aspire et broie les feuilles dans son sac de 40 L. Servi "
        "deux automnes pour la cour de l'atelier, en très bon état de marche.",
        3500, "good", (NANTES,), ("jardin", "feuilles"), RESERVED, 13,
        sku="JAR-00018", owned=True, buyer="Nathan R.", store=NANTES, handoff=2,
    ),
    Item(
        "salon", CHL, "Salon de jardin en acacia 4 places",
        "Table et quatre chaises pliantes en acacia, huilées chaque printemps. "
        "Le bois a pris une belle patine grise sur le plateau. Je le remplace "
        "par un banc de jardinier.",
        18000, "good", (BORDEAUX, TOULOUSE), ("jardin", "mobilier"), RESERVED, 19,
        sku="JAR-00020", photos=2, buyer="Adam D.", store=BORDEAUX, handoff=1,
    ),
    Item(
        "perceuse", LEA, "Perceuse-visseuse 18 V, deux batteries",
        "Deux batteries 2 Ah, chargeur rapide et coffret. Elle a monté toute ma "
        "cuisine. Je passe à une gamme pro, elle reste parfaite pour un "
        "appartement.",
        5000, "good", (LYON, STRASBOURG), ("outillage",), RESERVED, 7,
        sku="OUT-00001", buyer="Inès L.", store=LYON, handoff=3,
    ),
    # --- Sold -------------------------------------------------------------------------
    Item(
        "meuleuse-gab", GAB, "Meuleuse d'angle 125 mm 900 W",
        "Avec son carter, sa poignée latérale et trois disques neufs. Servie "
        "pour découper un portail, rien d'autre.",
        3200, "very_good", (MARSEILLE, LYON), ("outillage", "métal"), SOLD, 48,
        sku="OUT-00006", owned=True, buyer="Paul G.", store=LYON, handoff=40,
    ),
    Item(
        "brouette", EMM, "Brouette 100 L roue gonflable",
        "Cuve acier sans trou, roue regonflée et graissée, poignées neuves. "
        "Elle a charrié le gravier de toute l'allée.",
        4000, "good", (BORDEAUX,), ("jardin",), SOLD, 30, sku="JAR-00015",
        owned=True, buyer="Juliette A.", store=BORDEAUX, handoff=20,
    ),
    Item(
        "pompe", CHL, "Pompe de surface 800 W",
        "Elle arrosait le jardin depuis le puits, jusqu'à ce que la commune "
        "nous raccorde. Amorçage facile, clapet anti-retour neuf.",
        6500, "very_good", (BORDEAUX,), ("arrosage", "pompe"), SOLD, 70,
        sku="ARR-00029", owned=True, buyer="Théo F.", store=BORDEAUX, handoff=60,
    ),
    Item(
        "armoire", ART, "Armoire haute en résine 2 portes",
        "Armoire de garage, quatre tablettes réglables, fermeture à cadenas. "
        "Un peu poussiéreuse, un coup d'éponge et elle repart.",
        4500, "good", (NANTES, BORDEAUX), ("rangement", "garage"), SOLD, 90,
        sku="RAN-00079", buyer="Sarah S.", store=BORDEAUX, handoff=75,
    ),
    Item(
        "arrosoir", CAM, "Arrosoir galvanisé 10 L",
        "Mon fidèle arrosoir, remplacé par un plus grand pour le potager. Pomme "
        "en laiton, aucune fuite, la patine du galvanisé en plus.",
        1200, "good", (LYON,), ("arrosage", "potager"), SOLD, 38, sku="ARR-00028",
        owned=True, buyer="Manon P.", store=LYON, handoff=30,
    ),
    Item(
        "bistrot", LEA, "Table de bistrot en chêne massif",
        "Table ronde de 70 cm restaurée : plateau poncé et ciré, pied en fonte "
        "repeint. Elle a trouvé sa place dans ma cuisine, puis plus du tout.",
        5500, "good", (LYON, STRASBOURG), ("mobilier", "bois", "ancien"), SOLD, 33,
        look="RAN", photos=2, buyer="Mathis M.", store=LYON, handoff=25,
    ),
    Item(
        "onglet", NOA, "Scie à onglet radiale 1 800 W",
        "Lame carbure 60 dents presque neuve, rallonges de table, serre-joint. "
        "Des coupes d'équerre du premier coup.",
        11000, "very_good", (BORDEAUX, TOULOUSE), ("outillage", "bois"), SOLD, 58,
        look="OUT", buyer=GAB, store=BORDEAUX, handoff=50,
    ),
    Item(
        "bac-peinture", ALI, "Bac à peinture pro et 3 rouleaux",
        "Bac de 10 L avec sa grille, un rouleau anti-gouttes et deux manchons "
        "laqueurs lavés. Parfait pour un premier chantier.",
        1000, "good", (LYON,), ("peinture",), SOLD, 18, look="PEI",
        buyer="Lina M.", store=LYON, handoff=12, ratings="buyer",
    ),
    Item(
        "microporeux", EMM, "Tuyau microporeux 15 m et programmateur",
        "Le kit qui arrosait mes tomates pendant les vacances. Programmateur à "
        "piles, tuyau rincé, raccords rapides fournis.",
        2000, "good", (BORDEAUX,), ("arrosage", "potager"), SOLD, 14,
        look="ARR", buyer=HUG, store=BORDEAUX, handoff=8,
    ),
    Item(
        "serre", JUL, "Serre de jardin en polycarbonate 4 m²",
        "Démontée proprement, chaque pièce numérotée, plaques sans fêlure. "
        "Porte coulissante et lucarne d'aération. Notice de montage fournie.",
        15000, "good", (LYON,), ("jardin", "serre", "potager"), SOLD, 21,
        look="PLA", photos=2, buyer=ART, store=LYON, handoff=0,
        store_credit=True, ratings="",
    ),
    # --- Off sale -------------------------------------------------------------------
    Item(
        "chauffe-eau", NOA, "Chauffe-eau électrique 200 L déposé",
        "Déposé lors d'un passage au thermodynamique, il a six ans et "
        "fonctionne parfaitement. Anode changée l'an dernier.",
        9000, "good", (TOULOUSE,), ("plomberie", "chauffe-eau"), WITHDRAWN, 26,
        sku="PLO-00068",
    ),
    Item(
        "projecteur", GAB, "Projecteur LED extérieur à détecteur 20 W",
        "Déposé quand j'ai refait l'éclairage de la façade. Détecteur réglable, "
        "boîtier étanche sans fissure.",
        1500, "good", (MARSEILLE,), ("électricité", "éclairage"), WITHDRAWN, 17,
        sku="ELE-00055", owned=True,
    ),
    Item(
        "meuleuse-art", ART, "Meuleuse d'angle 125 mm, très peu servie",
        "Servie une seule fois pour couper des fers à béton. Carter, clé et "
        "poignée fournis.",
        3500, "very_good", (NANTES,), ("outillage", "métal"), BUYBACK, 6,
        sku="OUT-00006", owned=True,
    ),
    Item(
        "composteur-bois", LEA, "Composteur en bois 600 L",
        "Composteur à lattes en pin, monté sur une dalle. Couvercle à "
        "charnières, trappe de vidange. Je déménage en appartement.",
        3000, "very_good", (LYON, STRASBOURG), ("jardin", "compost"), CREDITED,
        10, sku="JAR-00016", owned=True, photos=2,
    ),
    Item(
        "cache-pots", LOU, "Cache-pots en zinc, lot de 3",
        "Trois cache-pots en zinc vieilli, 14, 18 et 22 cm de diamètre. Parfaits "
        "pour des aromatiques sur un rebord de fenêtre.",
        1500, "good", (LYON,), ("plantes", "déco"), EXPIRED, 70, look="PLA",
    ),
    Item(
        "echelle", GAB, "Échelle transformable 3 × 7 marches",
        "Échelle aluminium trois plans, utilisable en escabeau ou déployée à "
        "4,70 m. Barreaux sans choc, patins neufs.",
        8000, "good", (MARSEILLE,), ("bricolage", "échelle"), EXPIRED, 64,
        look="OUT",
    ),
    Item(
        "scarificateur", ART, "Scarificateur électrique 1 500 W",
        "Deux cylindres, lames et griffes, bac de 45 L. Il a sauvé ma pelouse "
        "moussue deux printemps de suite.",
        4500, "good", (NANTES,), ("jardin", "pelouse"), EXPIRED, 80, look="JAR",
    ),
    Item(
        "lavabo", NOA, "Lavabo en céramique avec sa colonne",
        "Lavabo blanc de 60 cm et sa colonne, déposés sans un éclat. Vendu sans "
        "robinetterie.",
        3000, "very_good", (TOULOUSE,), ("plomberie", "salle de bain"), EXPIRED, 66,
        look="PLO",
    ),
    # --- Refused by the moderator ---------------------------------------------------
    Item(
        "desherbant", HUG, "Désherbant total, 3 bidons de 1 L entamés",
        "Je nettoie l'abri : trois bidons de désherbant concentré, deux à moitié "
        "pleins. À venir chercher, je ne les garde pas.",
        1500, "good", (LILLE,), ("jardin", "désherbant"), REJECTED, 6, look="PEI",
        reasons=("hazardous",),
    ),
    Item(
        "perceuse-copie", VIC, "Perceuse sans fil 21 V façon grande marque",
        "Perceuse 21 V au logo d'une grande marque, achetée sur un marché, deux "
        "batteries. Jamais servie.",
        3500, "new_with_tags", (LILLE, STRASBOURG), ("outillage",), REJECTED, 8,
        look="OUT", reasons=("counterfeit",),
    ),
    Item(
        "echelle-rappel", ETI, "Échelle télescopique 3,80 m",
        "Échelle télescopique compacte, rangée au garage. C'est le modèle qui a "
        "fait l'objet d'un rappel l'an dernier pour son verrouillage, mais la "
        "mienne n'a jamais posé de problème.",
        4000, "good", (RENNES,), ("bricolage", "échelle"), REJECTED, 4, look="OUT",
        reasons=("recalled",),
    ),
    # --- Waiting in the moderation queue --------------------------------------------
    Item(
        "citronnier", MAN, "Citronnier 4 saisons en pot de 30 L",
        "Il a donné une dizaine de citrons cette année, mais mon balcon lyonnais "
        "est trop petit pour lui. Pot en terre cuite compris.",
        4000, "good", (LYON,), ("plantes", "agrumes"), PENDING, 0.25, look="PLA",
    ),
    Item(
        "table-palettes", RAP, "Table basse en palettes, faite main",
        "Palettes marquées HT (traitement thermique), poncées, vernies et "
        "montées sur roulettes. 100 × 60 cm, plateau en verre en option.",
        6000, "very_good", (LILLE,), ("mobilier", "palettes", "bois"), PENDING, 0.15,
        look="RAN", photos=2,
    ),
    Item(
        "bac-sable", VIC, "Bac à sable en bois avec couvercle-bancs",
        "Les enfants ont grandi : le couvercle se replie en deux bancs. Bois "
        "traité, une planche remplacée cet été.",
        3500, "good", (LILLE,), ("jardin", "enfants"), PENDING, 0.1, look="RAN",
    ),
    Item(
        "servante", ETI, "Servante d'atelier 5 tiroirs",
        "Tiroirs sur glissières à billes, plateau en bois, fermeture à clé. "
        "Je réorganise l'atelier avec des tableaux muraux.",
        9000, "good", (RENNES,), ("rangement", "atelier"), PENDING, 0.08, look="RAN",
    ),
    Item(
        "pistolet-peinture", HUG, "Pistolet à peinture électrique 650 W",
        "Servi pour une clôture et un portail. Buse nettoyée, godet de 800 ml, "
        "viscosimètre fourni.",
        3000, "good", (LILLE,), ("peinture", "outillage"), PENDING, 0.05, look="PEI",
    ),
    # --- Drafts ---------------------------------------------------------------------
    Item(
        "godets", CAM, "Lot de godets et plaques de semis",
        "Une cinquantaine de godets de 8 cm et six plaques alvéolées, lavés.",
        800, "good", (LYON,), ("potager", "semis"), DRAFT, 1, look="PLA",
    ),
    Item(
        "cumulus", NOA, "Ballon d'eau chaude 100 L vertical",
        "Déposé chez un client, à vérifier avant de mettre en vente.",
        6000, "good", (TOULOUSE,), ("plomberie",), DRAFT, 2, look="PLO",
    ),
    Item(
        "plantoirs", CHL, "Vieux plantoirs en bois tourné",
        "Trois plantoirs en buis et en frêne, à photographier au jardin.",
        1200, "good", (TOULOUSE,), ("jardin", "ancien"), DRAFT, 3, look="JAR",
    ),
    Item(
        "chutes-chene", JUL, "Chutes de chêne pour petites menuiseries",
        "Un carton de chutes de chêne sec, de 20 à 60 cm, à trier encore.",
        2000, "good", (NANTES,), ("bois", "menuiserie"), DRAFT, 1, look="RAN",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Talk:
    """A conversation about a listing: `(who, text, hours after the one before)`,
    who being "b" (the buyer) or "s" (the seller)."""

    listing: str
    buyer: str
    days: float  # the first message, this many days ago
    messages: tuple[tuple[str, str, float], ...]


TALKS = [
    Talk("taille-haie", HUG, 5.2, (
        ("b", "Bonjour Camille, le taille-haie coupe encore bien les branches de "
              "2 cm ? J'ai une haie de laurier qui a pris ses aises.", 0),
        ("s", "Bonjour Hugo ! Oui, jusqu'à 2 cm sans forcer. Au-delà je passais "
              "un coup de sécateur avant.", 3.5),
        ("b", "Parfait. Et les lames, elles ont été affûtées ?", 1.2),
        ("s", "Je les ai fait affûter au printemps, et je les huile après chaque "
              "usage. Elles sont comme neuves.", 5),
        ("b", "Je vous fais une offre, dites-moi si ça vous va.", 20),
    )),
    Talk("etagere", "Lucas B.", 8.5, (
        ("b", "Bonjour, l'étagère est toujours dispo ? Je peux vous appeler pour "
              "en parler : 06 12 34 56 78", 0),
        ("s", "Bonjour Lucas, oui elle est disponible. Je préfère qu'on échange "
              "ici, et on se retrouve au magasin pour la remise.", 2),
        ("b", "D'accord. Elle tient combien par tablette ?", 6),
        ("s", "150 kg par tablette d'après la notice, je l'ai chargée de pots de "
              "peinture sans souci.", 1.5),
    )),
    Talk("mitigeur", "Sarah S.", 4.5, (
        ("b", "Bonjour, ce mitigeur va-t-il sur un évier sous fenêtre ? Le bec "
              "haut me fait peur.", 0),
        ("s", "Bonjour Sarah, le bec pivote, donc vous le tournez de côté pour "
              "ouvrir la fenêtre. Il faut 35 cm sous l'appui.", 1),
        ("b", "J'ai 38 cm, ça passe ! Je vous fais une offre.", 4),
        ("s", "Je vous ai répondu avec une contre-proposition.", 20),
        ("b", "Je regarde ça ce soir.", 2),
    )),
    Talk("rabot", CAM, 3, (
        ("b", "Bonjour Jules, ce rabot me fait de l'œil pour mes bacs de potager "
              "en douglas. Il convient à un débutant ?", 0),
        ("s", "Bonjour Camille, oui : il est réglé, il suffit d'ajuster la "
              "sortie du fer. Je vous montrerai au magasin.", 2.5),
        ("b", "Super. Je vous propose 30 € pour une remise à Part-Dieu ?", 1),
        ("s", "Offre acceptée, à bientôt à Part-Dieu !", 22),
        ("b", "Merci ! J'apporte de quoi l'emballer.", 1.5),
        ("s", "Pensez à votre code de remise, l'équipe du magasin le demande.", 3),
    )),
    Talk("colonne", "Inès L.", 6, (
        ("b", "Bonjour Alice, la colonne est compatible avec un mitigeur "
              "existant ou il faut tout changer ?", 0),
        ("s", "Bonjour Inès, elle remplace le mitigeur : elle se fixe sur les "
              "deux arrivées murales (entraxe 15 cm).", 4),
        ("b", "Très bien, j'ai fait une offre à 85 €.", 26),
    )),
    Talk("brouette", "Juliette A.", 26, (
        ("b", "Bonjour Emma, la brouette peut-elle monter des marches ?", 0),
        ("s", "Avec la roue gonflable, oui, elle encaisse bien. Elle passe les "
              "portillons de 70 cm.", 2),
        ("b", "Je propose 35 €, remise à Mérignac ?", 1),
        ("s", "Ça marche pour 35 €, c'est accepté.", 5),
    )),
    Talk("nettoyeur", "Zoé L.", 8, (
        ("b", "Bonjour, je réserve le nettoyeur pour samedi, ça vous va ?", 0),
        ("s", "Très bien, à samedi à l'Étoile.", 3),
    )),
    Talk("monstera", "Margaux L.", 1.5, (
        ("b", "Bonjour Louise, quelle hauteur sous plafond faut-il pour votre "
              "monstera ?", 0),
        ("s", "Bonjour Margaux, 1,10 m avec le pot. Comptez 2,20 m si vous "
              "voulez la laisser pousser au tuteur.", 3),
        ("b", "C'est bon pour moi, je réfléchis au jour de remise.", 2),
    )),
]  # fmt: skip


@dataclass(frozen=True)
class Bid:
    """An offer on a listing and how it ended."""

    listing: str
    buyer: str
    amount: int  # cents
    days: float  # made this many days ago
    outcome: str  # open, declined, countered, accepted, withdrawn
    counter: int = 0  # the seller's answer, when countered (left open)
    hours: float = 6  # hours before the seller answered


BIDS = [
    Bid("taille-haie", HUG, 3500, 3.9, "open"),
    Bid("etagere", "Lucas B.", 1500, 8, "declined", hours=3),
    Bid("mitigeur", "Sarah S.", 4000, 4.3, "countered", counter=4800, hours=20),
    Bid("colonne", "Théo F.", 7000, 10, "declined", hours=20),
    Bid("colonne", "Inès L.", 8500, 4.9, "open"),
    Bid("grelinette", "Juliette A.", 3000, 12, "withdrawn", hours=10),
    Bid("tondeuse", "Paul G.", 12000, 9, "declined", hours=30),
    Bid("rabot", CAM, 3000, 2.8, "accepted", hours=22),
    Bid("brouette", "Juliette A.", 3500, 25.8, "accepted", hours=5),
    Bid("jarres", "Lina M.", 9000, 3, "open"),
]

# What each side says of the other after a hand-off: (stars, comment).
BUYER_SAYS = [
    (5, "Objet conforme à l'annonce, vendeur ponctuel au magasin. Parfait !"),
    (5, "Très bon échange, l'objet est encore mieux que sur les photos."),
    (5, "Vendeur de bon conseil, il m'a montré comment l'entretenir."),
    (4, "Bon état général, quelques traces d'usage en plus de ce qui était dit."),
    (5, "Remise rapide à l'accueil, rien à redire."),
    (4, "Un peu d'attente au magasin, mais l'objet est nickel."),
    (5, "Emballé avec soin, merci !"),
    (3, "Ça fonctionne, mais l'usure est plus marquée que sur la photo."),
]
SELLER_SAYS = [
    (5, "Acheteur à l'heure, échange très sympathique."),
    (5, "Parfait, code prêt à l'accueil et paiement rapide."),
    (5, "Acheteur courtois, je recommande."),
    (4, "Un peu en retard, mais prévenu à l'avance."),
    (5, "Très bon contact, merci !"),
]


@dataclass(frozen=True)
class Small:
    """A cheap thing sold in a store; `{}` in the title takes each variant."""

    title: str
    description: str
    price: int  # cents, the first variant's; each next one a little more
    condition: str
    look: str
    tags: tuple[str, ...]
    variants: tuple[str, ...] = ("",)
    sku: str = ""


# Chloé clears out her roses' cuttings and the old tools she collects.
CHLOE_SMALL = [
    Small("Bouture enracinée de rosier ancien « {} »",
          "Bouturée l'automne dernier à partir de mes rosiers, enracinée en godet "
          "de 9 cm. À planter avant les gelées ou au printemps.",
          600, "very_good", "PLA", ("plantes", "rosier", "bouture"),
          ("Cuisse de nymphe", "Madame Hardy", "Rose de Resht", "Chapeau de "
           "Napoléon", "Félicité et Perpétue", "Reine des violettes",
           "Jacques Cartier", "Tuscany Superb")),
    Small("Serpette ancienne, manche en {}",
          "Lame forgée affûtée, manche d'origine nettoyé et huilé. Un bel outil "
          "de greffe et de taille.",
          1400, "good", "JAR", ("jardin", "ancien", "outil"),
          ("buis", "corne", "hêtre")),
    Small("Arrosoir en zinc ancien {}",
          "Soudures saines, pomme d'origine. Il ne fuit pas, il a juste l'âge "
          "qu'il a.",
          1800, "fair", "ARR", ("arrosage", "ancien"), ("5 L", "8 L", "10 L")),
    Small("Lot de {} pots en terre cuite",
          "Pots lavés et brossés, de 12 à 20 cm. Quelques traces de calcaire.",
          500, "good", "PLA", ("jardin", "poterie"), ("6", "10", "12")),
    Small("Cloche à melon en verre {}",
          "Cloche de jardin en verre soufflé, sans fêlure. Elle protège les semis "
          "au printemps.",
          1500, "good", "PLA", ("jardin", "ancien"), ("", "soufflé bouche")),
    Small("Greffoir Opinel n°{}",
          "Lame bien affûtée, virole qui tourne sans jeu.",
          900, "very_good", "JAR", ("jardin", "greffe"), ("8", "10")),
    Small("Étiquettes de jardin en zinc, lot de {}",
          "Étiquettes à graver, jamais utilisées, avec leur pointe de "
          "marquage.",
          400, "new_with_tags", "JAR", ("jardin", "potager"), ("10", "20")),
    Small("Graines de rose trémière « {} », récolte maison",
          "Un sachet d'une centaine de graines séchées et triées cet été.",
          300, "new_with_tags", "PLA", ("plantes", "graines"),
          ("noire", "rose pâle", "jaune")),
    Small("Arroseur oscillant 16 buses",
          "Le jardin partagé passe au goutte-à-goutte : nous vendons ses "
          "arroseurs. Il couvre une pelouse de 200 m², débit réglable, nettoyé.",
          900, "good", "ARR", ("arrosage", "pelouse"), ("", "", ""),
          sku="ARR-00027"),
]  # fmt: skip

# Louise thins out her jungle: cuttings, pots and the odd watering gadget.
LOUISE_SMALL = [
    Small("Bouture de {} en pot de 9 cm",
          "Bouture bien enracinée, issue de ma plante mère de plus de cinq ans. "
          "Facile, elle aime la lumière sans soleil direct.",
          500, "very_good", "PLA", ("plantes", "intérieur", "bouture"),
          ("pothos doré", "philodendron scandens", "tradescantia zebrina",
           "pilea peperomioides", "monstera adansonii", "hoya carnosa",
           "ceropegia woodii", "peperomia obtusifolia", "syngonium rose")),
    Small("Cache-pot en céramique {}",
          "Cache-pot sans trou de drainage, émail intact.",
          800, "good", "PLA", ("plantes", "déco"),
          ("vert d'eau", "terracotta", "blanc mat", "bleu nuit")),
    Small("Suspension en macramé {}",
          "Faite main en coton recyclé, pour un pot jusqu'à 18 cm.",
          700, "new_with_tags", "PLA", ("plantes", "déco"), ("naturel", "moutarde")),
    Small("Terrarium en verre {}",
          "Verre sans éclat, lavé. Parfait pour des plantes grasses.",
          1200, "good", "PLA", ("plantes", "déco"), ("géométrique", "boule")),
    Small("Brumisateur en laiton {}",
          "Pulvérise une brume fine, joint changé.",
          900, "very_good", "ARR", ("plantes", "arrosage"), ("", "250 ml")),
    Small("Arroseur oscillant 16 buses",
          "Servi un été pour la pelouse de mes parents, il marche très bien.",
          1000, "good", "ARR", ("arrosage", "pelouse"), ("", ""), sku="ARR-00027"),
    Small("Lot de {} sachets d'engrais pour plantes vertes",
          "Engrais organique en bâtonnets, sachets fermés.",
          400, "new_with_tags", "PLA", ("plantes", "engrais"), ("3", "5")),
]  # fmt: skip

# (seller, items, how many sales this year)
SMALL_SALES = [(CHL, CHLOE_SMALL, 31), (LOU, LOUISE_SMALL, 26)]
