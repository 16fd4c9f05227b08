"""The forum's demo content, in French: five categories and eighty topics.

A garden and DIY chain's community: seasonal questions, product questions about
demo catalog products answered by members who bought them, the shop's news,
one pinned welcome, one closed seed swap and one long harvest thread (its replies
are drawn from sentence parts, `harvest_replies`).

Authors are named by their display name (members.py, trust.py). Only members of
trust level 2 and above, and the staff, post in the past: below that a post
waits for a moderator (see forum.py for today's waiting ones). `OWNER` stands
for a member who bought the topic's product, chosen when loading from the
`owners` named first, then any other buyer. Members are mentioned by their
profile slug (`@lea-bricole`), which the forum's mentions read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

OWNER = "owner"
STAFF = "Service client Comptoir"
MODERATOR = "Modération Comptoir"
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


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str
    colour: str
    staff_only_start: bool = False


CATEGORIES = [
    CategorySpec(
        "jardinage",
        "Jardinage",
        "Massifs, pelouse, haies, arbres et plantes d'intérieur : les questions "
        "de saison, les réussites et les ratés.",
        "#2f7d32",
    ),
    CategorySpec(
        "potager",
        "Potager",
        "Semis, plants, récoltes, rotations et compost : tout ce qui se mange, "
        "du balcon au grand jardin.",
        "#8a6d1f",
    ),
    CategorySpec(
        "outillage",
        "Outillage",
        "Choisir, entretenir et réparer ses outils à main, électroportatifs et "
        "de jardin.",
        "#455a64",
    ),
    CategorySpec(
        "bricolage",
        "Bricolage",
        "Peinture, plomberie, électricité, menuiserie : vos chantiers, vos "
        "questions, vos astuces.",
        "#b3541e",
    ),
    CategorySpec(
        "actualites",
        "La vie du magasin",
        "Les nouvelles de Comptoir : ateliers, arrivages, horaires et concours. "
        "Seule l'équipe y ouvre des sujets ; tout le monde peut répondre.",
        "#1f4e79",
        staff_only_start=True,
    ),
]


@dataclass(frozen=True)
class Reply:
    author: str
    body: str
    quote: tuple[int, str] | None = None  # (post number, words quoted from it)


@dataclass(frozen=True)
class TopicSpec:
    category: str
    author: str
    days: float  # started this many days before the demo's now
    title: str
    body: str
    replies: tuple[Reply, ...] = ()
    tags: tuple[str, ...] = ()
    product: str = ""  # SKU of the catalog product asked about
    owners: tuple[str, ...] = ()  # who answers as OWNER, first who bought it
    accepted: int = 0  # post number of the answer the author accepts
    pinned: bool = False
    closed: bool = False
    long: bool = False  # the harvest thread: replies drawn by harvest_replies


def R(author: str, *lines: str, quote: tuple[int, str] | None = None) -> Reply:
    return Reply(author, "\n".join(lines), quote)


def T(category, author, days, title, body, *replies, **options) -> TopicSpec:
    return TopicSpec(category, author, days, title, body, tuple(replies), **options)


def _p(*parts: str) -> str:
    return " ".join(parts)


TOPICS: list[TopicSpec] = [
    # --- La vie du magasin ---------------------------------------------------------
    T(
        "actualites",
        MODERATOR,
        150,
        "Bienvenue sur le forum Comptoir : les règles de la maison",
        _p(
            "Bienvenue ! Ce forum est celui des clients des magasins Comptoir :",
            "on y parle jardin, potager, outils et bricolage, entre voisins.",
        )
        + "\n\nQuelques règles simples :\n\n"
        "- **Soyez aimables** : tout le monde a commencé un jour.\n"
        "- **Un sujet par question**, dans la bonne catégorie, avec un titre clair.\n"
        "- **Questions produits** : liez le produit du catalogue, les membres qui "
        "l'ont acheté répondent avec le badge « propriétaire vérifié ».\n"
        "- **Pas de publicité** ni de liens vers d'autres boutiques.\n"
        "- **Signalez** plutôt que de répondre à un message déplacé.\n\n"
        "Les nouveaux membres passent par la modération pour leurs premiers "
        "messages : ils paraissent après relecture, souvent dans l'heure.",
        R(CAM, "Merci pour ce bel espace ! Hâte d'échanger nos graines ici."),
        R(
            GAB,
            "Très bonne idée le badge pour ceux qui ont vraiment acheté le produit.",
            "Ça évite les avis de ceux qui n'ont jamais ouvert la boîte.",
        ),
        pinned=True,
    ),
    T(
        "actualites",
        STAFF,
        120,
        "Les ateliers du samedi reprennent : taille des arbres fruitiers",
        _p(
            "Les ateliers gratuits du samedi matin reprennent dans tous les",
            "magasins. Premier thème : **la taille des fruitiers** (pommiers,",
            "poiriers, pruniers), de 10 h à 11 h 30, au rayon jardin.",
            "Apportez vos sécateurs : on les affûte sur place.",
        ),
        R(CAM, "J'y serai à Nantes ! L'an dernier l'atelier greffe était super."),
        R(ART, "Est-ce qu'il faut s'inscrire ou on vient directement ?"),
        R(
            STAFF,
            "On vient directement, @arthur-au-jardin. Il y a quinze places par",
            "atelier, premiers arrivés, premiers servis.",
        ),
        R(CHL, "Un atelier sur les rosiers anciens serait le bienvenu au printemps !"),
    ),
    T(
        "actualites",
        STAFF,
        75,
        "Nouveau : vos questions produits s'affichent sur les fiches",
        _p(
            "Quand vous ouvrez un sujet sur un produit du catalogue, il apparaît",
            "désormais sur la fiche du produit, dans « Questions de la",
            "communauté ». Les réponses des membres qui l'ont acheté portent le",
            "badge **propriétaire vérifié**, et l'auteur de la question peut",
            "marquer la meilleure réponse.",
        ),
        R(LEA, "Génial, ça m'aurait évité de rapporter une ponceuse l'an dernier."),
        R(
            JUL,
            "Comment le site sait que j'ai acheté le produit ? Avec la carte de",
            "fidélité ?",
        ),
        R(
            STAFF,
            "Oui : les achats en magasin avec votre carte et les commandes en ligne",
            "avec votre adresse e-mail sont reliés à votre compte.",
        ),
        R(GAB, "Parfait. J'ai déjà répondu à deux questions sur les projecteurs."),
    ),
    T(
        "actualites",
        STAFF,
        40,
        "Arrivage de rosiers anciens à Lyon Part-Dieu",
        _p(
            "Une centaine de rosiers anciens arrivent cette semaine à Lyon",
            "Part-Dieu : 'Cuisse de Nymphe', 'Madame Alfred Carrière', 'Old",
            "Blush'… en racines nues, à planter jusqu'en mars.",
        ),
        R(CHL, "Je cours ! 'Madame Alfred Carrière' est parfait contre un mur nord."),
        R(LOU, "@chloe-et-ses-roses tu me conseilles lequel pour un grand pot ?"),
        R(
            CHL,
            "'Old Blush', sans hésiter : compact, presque toujours en fleurs, et il",
            "ne craint pas grand-chose.",
        ),
    ),
    T(
        "actualites",
        STAFF,
        25,
        "Inventaire : fermeture anticipée des magasins le samedi 13",
        _p(
            "Pour l'inventaire annuel, les magasins fermeront à 17 h le samedi 13.",
            "Le retrait des réservations reste possible jusqu'à 16 h 30.",
        ),
        R(ART, "Merci de prévenir, je passerai le matin."),
    ),
    T(
        "actualites",
        STAFF,
        4,
        "Concours du plus beau potager : les résultats",
        _p(
            "Merci aux quarante participants ! Le jury a primé le potager en",
            "carrés de @camille-du-potager, le jardin de pluie d'@emma-morel et le",
            "potager de balcon de Mathis. Un bon d'achat de 50 € les attend en",
            "magasin.",
        ),
        R(CAM, "Quelle surprise ! Merci au jury, et bravo à Emma et Mathis."),
        R(
            EMM,
            "Trop contente ! Le jardin de pluie a bien mérité ses deux ans d'essais.",
        ),
        R(ART, "Bravo à vous ! L'an prochain, je participe avec mes potirons."),
        R(LOU, "Félicitations, ça donne des idées pour le printemps."),
    ),
    # --- Jardinage -------------------------------------------------------------------
    T(
        "jardinage",
        LOU,
        110,
        "Quand tailler mes rosiers grimpants ?",
        _p(
            "J'ai hérité d'un rosier grimpant sur la façade, très touffu, qui a",
            "peu fleuri cette année. On me dit de tailler en hiver, d'autres",
            "après la floraison. Qui a raison ?",
        ),
        R(
            CHL,
            "Les deux, en fait ! Pour un grimpant remontant :",
            "",
            "- **après la première floraison**, on supprime les fleurs fanées ;",
            "- **en fin d'hiver** (février), on raccourcit les rameaux latéraux à",
            "  deux ou trois yeux et on retire le bois mort.",
            "",
            "Surtout, on palisse les longues tiges à l'horizontale : c'est ce qui",
            "fait fleurir tout du long.",
        ),
        R(
            LOU,
            "Merci Chloé, je n'avais jamais entendu parler de palissage !",
            quote=(2, "on palisse les longues tiges à l'horizontale"),
        ),
        R(CAM, "Et un peu de compost au pied en mars, il te le rendra."),
    ),
    T(
        "jardinage",
        ART,
        95,
        "Pelouse jaunie après la canicule : je ressème ou j'attends ?",
        _p(
            "Mon gazon est tout jaune depuis juillet, par plaques entières.",
            "Est-ce qu'il va repartir avec la pluie ou faut-il tout ressemer en",
            "septembre ?",
        ),
        R(
            EMM,
            "Attends les premières pluies : un gazon jauni est souvent en",
            "dormance, pas mort. Tire sur une touffe : si les racines tiennent,",
            "il repartira.",
        ),
        R(CAM, "Et tonds haut l'an prochain, 7 ou 8 cm, il souffre beaucoup moins."),
        R(
            ART,
            "Vous aviez raison, trois semaines de pluie et c'est reparti. Je ne",
            "ressème que les deux plaques vraiment pelées.",
        ),
        R(GAB, "Pense à griffer avant de ressemer, sinon les graines ne prennent pas."),
    ),
    T(
        "jardinage",
        LOU,
        88,
        "Hortensias qui ne fleurissent plus",
        _p(
            "Mes hortensias font de belles feuilles mais plus une seule fleur",
            "depuis deux ans. Je les taille pourtant bien court chaque hiver.",
        ),
        R(
            CHL,
            "C'est justement la taille ! Les hortensias macrophylla fleurissent sur",
            "le bois de l'an passé : en coupant court, tu enlèves les boutons.",
            "Coupe seulement les fleurs fanées, juste au-dessus de la première",
            "paire de gros bourgeons.",
        ),
        R(LOU, "Aïe, je me sens bête. Merci, je laisse tout tranquille cet hiver."),
    ),
    T(
        "jardinage",
        CHL,
        70,
        "Taille-haie électrique 600 W : assez puissant pour du laurier ?",
        _p(
            "J'ai 25 mètres de laurier-palme à tailler deux fois par an, avec des",
            "branches d'un bon centimètre. Le taille-haie 600 W du magasin s'en",
            "sort-il, ou faut-il un thermique ?",
        ),
        R(
            OWNER,
            "Je l'ai depuis le printemps pour une haie de laurier du même genre.",
            "Il coupe net jusqu'à 15 mm environ ; au-delà je finis au sécateur.",
            "Comptez une heure et demie pour 25 m, sans bruit de thermique pour",
            "les voisins. Seul défaut : le câble, prenez une rallonge enrouleur.",
        ),
        R(GAB, "Et branche-le sur une prise protégée par un différentiel 30 mA !"),
        R(CHL, "Merci, c'est exactement ce que je voulais savoir. Je le prends."),
        tags=("haie", "taille"),
        product="JAR-00013",
        owners=(ART, CAM, NOA),
        accepted=2,
    ),
    T(
        "jardinage",
        ART,
        45,
        "Souffleur-aspirateur : le broyage des feuilles vaut-il le coup ?",
        _p(
            "Trois grands chênes, des montagnes de feuilles chaque automne.",
            "Le souffleur-aspirateur 2 500 W broie-t-il assez pour faire du",
            "paillage directement ?",
        ),
        R(
            OWNER,
            "Oui, le sac se remplit de feuilles réduites d'environ dix fois.",
            "Sur des feuilles sèches c'est parfait pour pailler les massifs.",
            "Mouillées, ça bourre vite : attendez un après-midi sec.",
        ),
        R(CAM, "Le broyat de feuilles de chêne, c'est de l'or pour le potager."),
        R(ART, "Super, merci ! Je le prends pour le week-end prochain."),
        tags=("feuilles", "automne"),
        product="JAR-00018",
        owners=(EMM, JUL, NOA),
        accepted=2,
    ),
    T(
        "jardinage",
        ALI,
        60,
        "Rosier 'Pierre de Ronsard' en pot sur une terrasse ?",
        _p(
            "Je rêve d'un 'Pierre de Ronsard' mais je n'ai qu'une terrasse.",
            "Quelqu'un le cultive en bac ? Quelle taille de pot ?",
        ),
        R(
            OWNER,
            "Le mien est dans un bac de 60 litres depuis deux ans, contre un",
            "treillage. Il fait 2 m et fleurit très bien. Arrosage deux fois par",
            "semaine l'été, et un engrais rosier en mars et en juin.",
        ),
        R(
            CHL,
            "Pense au drainage : billes d'argile au fond, il déteste l'eau stagnante.",
        ),
        R(ALI, "Merci à vous deux, je me lance au printemps."),
        tags=("rosier", "terrasse"),
        product="PLA-00033",
        owners=(LOU, LEA, GAB, NOA),
        accepted=2,
    ),
    T(
        "jardinage",
        LOU,
        50,
        "Olivier en pot : le rentrer l'hiver à Lyon ?",
        _p(
            "Mon olivier de 1,20 m passe son premier hiver sur le balcon, à Lyon.",
            "Je le rentre dans le salon ou je le protège dehors ?",
        ),
        R(
            OWNER,
            "Surtout pas dans le salon : trop chaud, il perd ses feuilles.",
            "Le mien reste dehors contre le mur, avec un voile d'hivernage quand",
            "il gèle sous -5 °C, et le pot emballé dans du papier bulle. Il a",
            "passé l'hiver dernier sans souci.",
        ),
        R(EMM, "Et arrosage très réduit en hiver : c'est l'humidité qui le tue."),
        R(LOU, "Merci ! Je lui achète un voile ce week-end."),
        tags=("olivier", "hiver"),
        product="PLA-00031",
        owners=(EMM, ALI),
        accepted=2,
    ),
    T(
        "jardinage",
        ART,
        85,
        "Récupérateur 300 L : comment le raccorder à la gouttière ?",
        _p(
            "J'ai acheté le récupérateur de 300 litres mais je ne sais pas",
            "comment le brancher sur une descente en zinc. Il faut couper le",
            "tuyau ?",
        ),
        R(
            OWNER,
            "Il faut un collecteur filtrant (vendu à côté) : on perce la descente",
            "à la scie cloche à la hauteur du haut de la cuve, on glisse le",
            "collecteur, et un tuyau le relie à la cuve. Quand la cuve est pleine,",
            "l'eau repart dans la descente.",
        ),
        R(EMM, "Et mets la cuve sur un socle : avec 30 cm de plus, l'arrosoir passe."),
        R(ART, "Installé en une heure, merci ! Déjà pleine après l'orage d'hier."),
        tags=("eau de pluie", "arrosage"),
        product="ARR-00026",
        owners=(GAB, LOU),
        accepted=2,
    ),
    T(
        "jardinage",
        EMM,
        65,
        "Programmateur connecté : la portée suffit-elle au fond du jardin ?",
        _p(
            "Mon robinet est à 25 m de la maison. Le programmateur d'arrosage",
            "connecté se pilote-t-il depuis le salon, ou faut-il être à côté ?",
        ),
        R(
            OWNER,
            "Chez moi, à 20 m avec un mur entre les deux, l'appli le trouve une",
            "fois sur deux depuis la maison. Mais on règle le programme une fois",
            "pour toutes, ensuite il tourne seul, même sans téléphone.",
        ),
        R(NOA, "Prévois un réducteur de pression si ta pression dépasse 4 bars."),
        R(EMM, "Parfait, c'est le programme qui m'intéresse, pas la télécommande."),
        tags=("arrosage",),
        product="ARR-00024",
        owners=(NOA, CHL),
        accepted=2,
    ),
    T(
        "jardinage",
        JUL,
        100,
        "De la mousse partout dans la pelouse à l'ombre",
        _p(
            "Le coin sous les tilleuls est devenu un tapis de mousse. Scarifier",
            "ne sert à rien, elle revient chaque automne.",
        ),
        R(
            ART,
            "La mousse dit que le sol est acide, tassé et à l'ombre. Un peu de",
            "chaux, aérer, et ressemer un gazon spécial ombre. Sinon, j'ai",
            "abandonné et planté des fougères : c'est très joli.",
        ),
        R(CAM, "Ou laisse la mousse, les oiseaux s'en servent pour leurs nids !"),
    ),
    T(
        "jardinage",
        CAM,
        130,
        "Paillage : BRF, paille ou tontes de gazon ?",
        _p(
            "On parle beaucoup de BRF en ce moment. Vous paillez avec quoi, et",
            "pour quelles cultures ?",
        ),
        R(ART, "Tontes séchées au potager, en couche fine, sinon ça fermente."),
        R(
            EMM,
            "BRF sous les arbustes et les haies : après deux ans le sol est",
            "méconnaissable, plein de vers.",
        ),
        R(CHL, "Paille de lin pour les rosiers, elle est belle et dure longtemps."),
        R(
            LOU,
            "Et le carton brun pour démarrer un massif sur une pelouse, sans",
            "bêcher. Testé ce printemps, ça marche.",
        ),
        R(CAM, "Merci à tous, je note : un paillage par usage !"),
        tags=("paillage", "sol vivant"),
    ),
    T(
        "jardinage",
        JUL,
        80,
        "Haie champêtre : quelles essences pour les oiseaux ?",
        _p(
            "Je veux remplacer mes thuyas par une haie libre. Vous conseillez",
            "quoi pour les oiseaux et un peu d'intimité ?",
        ),
        R(
            CAM,
            "Mon mélange préféré :",
            "",
            "- noisetier et charme pour le volume ;",
            "- cornouiller et viorne pour les fleurs ;",
            "- sureau et aubépine pour les baies.",
        ),
        R(CHL, "Ajoute un églantier, les mésanges adorent ses fruits en hiver."),
        R(
            ART,
            "Et plante en novembre, en racines nues "
            ": c'est moins cher et ça reprend mieux.",
        ),
    ),
    T(
        "jardinage",
        LOU,
        35,
        "Mon érable du Japon a les feuilles grillées",
        _p(
            "Mon érable 'Atropurpureum' a les bords des feuilles tout bruns",
            "depuis les grosses chaleurs. Il est en plein soleil dans un pot.",
        ),
        R(
            CHL,
            "Il n'aime pas le soleil de l'après-midi, surtout en pot. Mets-le à",
            "mi-ombre et arrose à l'eau de pluie : il refera des feuilles saines",
            "au printemps.",
        ),
        R(EMM, "Un paillage sur le pot garde la fraîcheur, ça aide beaucoup aussi."),
    ),
    T(
        "jardinage",
        ALI,
        30,
        "Bulbes de tulipes : planter maintenant ou trop tard ?",
        _p(
            "J'ai acheté un sac de 50 tulipes et je n'ai pas encore planté.",
            "Est-ce trop tard en décembre ?",
        ),
        R(
            CHL,
            "Pas du tout, les tulipes se plantent jusqu'à fin décembre tant que",
            "le sol n'est pas gelé. Trois fois la hauteur du bulbe en profondeur.",
        ),
        R(LOU, "Et en pot, tu peux faire des lasagnes avec des crocus au-dessus !"),
        R(ALI, "Plantées ce matin, merci. Vivement avril."),
    ),
    T(
        "jardinage",
        NOA,
        55,
        "Ma lavande devient ligneuse et se couche",
        _p(
            "Mes lavandes ont quatre ans et sont pleines de bois nu au centre.",
            "On peut les rattraper ?",
        ),
        R(
            CHL,
            "La lavande ne repart pas du vieux bois : on la taille chaque année",
            "après la floraison, en boule, sans entrer dans le bois. Pour les",
            "tiennes, je bouturerais et je les remplacerais.",
        ),
        R(EMM, "Les boutures prennent très bien en septembre, dans du sable."),
    ),
    T(
        "jardinage",
        EMM,
        105,
        "Arrosage pendant les vacances : vos astuces",
        _p(
            "Trois semaines d'absence en août et pas de voisin disponible.",
            "Comment faites-vous ?",
        ),
        R(CAM, "Goutte-à-goutte sur programmateur au potager, et gros paillage."),
        R(
            LOU,
            "Pour les pots : une baignoire avec "
            "cinq centimètres d'eau et une serpillière.",
        ),
        R(ART, "Je regroupe tout à l'ombre du cerisier, ça limite les dégâts."),
        R(
            NOA,
            "Les bouteilles retournées avec un cône d'arrosage, ça tient quatre ou",
            "cinq jours par pot.",
        ),
    ),
    T(
        "jardinage",
        CHL,
        115,
        "Buis attaqués par la pyrale : on arrache ?",
        _p(
            "Troisième année de pyrale sur mes bordures de buis. J'en ai assez",
            "de traiter. Vous avez remplacé par quoi ?",
        ),
        R(ART, "Par du houx crénelé (Ilex crenata) : même allure, aucune chenille."),
        R(
            JUL,
            "Moi par du chèvrefeuille arbustif, taillé au cordeau, ça fait illusion.",
        ),
        R(
            CAM,
            "Avant d'arracher : le Bt (bacillus thuringiensis) au bon moment et",
            "des nichoirs à mésanges. Chez moi, les mésanges ont fait le travail.",
        ),
    ),
    T(
        "jardinage",
        LOU,
        20,
        "Plantes d'intérieur : rempoter en automne, bonne idée ?",
        _p(
            "Mon caoutchouc déborde de son pot. Je rempote maintenant ou",
            "j'attends le printemps ?",
        ),
        R(ALI, "J'attendrais mars : en hiver la plante pousse peu et reprend mal."),
        R(
            CAM,
            "Tu peux surfacer en attendant : "
            "enlever 3 cm de terre et remettre du neuf.",
        ),
    ),
    T(
        "jardinage",
        EMM,
        28,
        "Monstera deliciosa : feuilles qui jaunissent",
        _p(
            "Mon monstera a deux feuilles qui jaunissent depuis que je l'ai",
            "acheté. Trop d'eau, pas assez de lumière ?",
        ),
        R(
            OWNER,
            "Le mien a fait pareil les premières semaines : c'est souvent le",
            "changement d'endroit. Arrosez seulement quand les 3 premiers",
            "centimètres sont secs, et loin du radiateur. Les nouvelles feuilles",
            "sont sorties bien vertes ensuite.",
        ),
        R(LOU, "Coupe les feuilles jaunes, elles ne reverdiront pas."),
        R(EMM, "Merci, je réduis l'arrosage et je le rapproche de la fenêtre."),
        tags=("plantes d'intérieur",),
        product="PLA-00038",
        owners=(CAM, NOA, JUL, ART, ALI),
        accepted=2,
    ),
    T(
        "jardinage",
        NOA,
        90,
        "Quel gazon pour deux enfants et un chien ?",
        _p("Le jardin sert de terrain de foot. Quel mélange résiste vraiment ?"),
        R(ART, "Un mélange « sport et jeux » riche en ray-grass, semé en septembre."),
        R(EMM, "Et accepte un coin en trèfle : il reste vert quand le reste jaunit."),
    ),
    T(
        "jardinage",
        GAB,
        16,
        "Les hérissons sont de retour !",
        _p(
            "Ce soir, deux hérissons sous la haie. Je leur ai fait un abri avec",
            "une caisse et des feuilles. Vous avez aussi des visiteurs ?",
        ),
        R(CAM, "Pas de lait surtout ! Une coupelle d'eau et des croquettes pour chat."),
        R(CHL, "Chez moi c'est un couple de rouges-gorges qui me suit au jardin."),
        R(LOU, "Un renard passe dans la cour de l'immeuble, ça compte ?"),
    ),
    T(
        "jardinage",
        JUL,
        140,
        "Greffer un pommier : qui a déjà essayé ?",
        _p(
            "Le vieux pommier de mon grand-père donne des fruits délicieux. Je",
            "voudrais le multiplier par greffe. Par où commencer ?",
        ),
        R(
            CAM,
            "Greffe en fente en mars : un porte-greffe, des greffons prélevés en",
            "janvier et gardés au frais, du mastic. Le premier atelier du magasin",
            "en parlait très bien.",
        ),
        R(GAB, "J'en ai réussi trois sur cinq la première année, lance-toi !"),
    ),
    # --- Potager ---------------------------------------------------------------------
    T(
        "potager",
        CAM,
        100,
        "Le fil des récoltes 2026 : vos paniers de la semaine",
        _p(
            "Un fil pour partager ce qui sort du potager, semaine après semaine.",
            "Je commence : premiers radis et une botte d'épinards. Et vous ?",
        ),
        tags=("récoltes",),
        long=True,
    ),
    T(
        "potager",
        EMM,
        58,
        "Composteur bois 600 L : montage seul possible ?",
        _p(
            "Je voudrais le composteur en bois de 600 litres mais je suis seule",
            "pour le monter. Faisable ? Faut-il des outils ?",
        ),
        R(
            OWNER,
            "Je l'ai monté seule en quarante minutes : les planches s'emboîtent,",
            "il faut juste un maillet en caoutchouc. Le couvercle est plus",
            "pratique à poser à deux, mais ça se fait.",
        ),
        R(
            CAM,
            "Pose-le directement sur la terre, sans dalle : les vers montent seuls.",
        ),
        R(EMM, "Parfait, merci ! Commandé pour un retrait samedi."),
        tags=("compost",),
        product="JAR-00016",
        owners=(LEA, CHL),
        accepted=2,
    ),
    T(
        "potager",
        CAM,
        84,
        "Kit goutte-à-goutte 30 plantes : combien de temps par jour ?",
        _p(
            "J'installe le kit sur mes tomates et courgettes. Combien de minutes",
            "par jour en plein été, pour ne pas noyer ni assoiffer ?",
        ),
        R(
            OWNER,
            "Chez moi, en terre limoneuse : 20 minutes tôt le matin en juillet,",
            "un jour sur deux en juin. Le bon test, c'est de gratter à 10 cm le",
            "soir : la terre doit être fraîche, pas boueuse.",
        ),
        R(EMM, "Et ajoute un filtre à l'entrée, sinon les goutteurs se bouchent."),
        R(CAM, "Merci, ça m'aide beaucoup pour démarrer le programmateur."),
        tags=("arrosage", "goutte-à-goutte"),
        product="ARR-00025",
        owners=(ART, LEA, ALI),
        accepted=2,
    ),
    T(
        "potager",
        ALI,
        110,
        "Plants de tomates 'Cœur de bœuf' : ça tient en pot ?",
        _p(
            "Je n'ai qu'une terrasse. Les plants 'Cœur de bœuf' du magasin",
            "peuvent-ils donner en pot, et de quelle taille ?",
        ),
        R(
            OWNER,
            "Oui, dans 30 litres minimum par pied, avec un bon tuteur : les fruits",
            "sont lourds. J'ai eu une dizaine de tomates par plant, de 300 à",
            "400 g. Arrosage tous les jours en juillet.",
        ),
        R(CAM, "Et retire les gourmands chaque semaine, sinon c'est la jungle."),
        R(ALI, "Merci ! Je prends le lot de six et je partage avec ma voisine."),
        tags=("tomates", "balcon"),
        product="PLA-00035",
        owners=(ART, CHL, LOU),
        accepted=2,
    ),
    T(
        "potager",
        ART,
        62,
        "Mildiou sur les tomates : que faire maintenant ?",
        _p(
            "Taches brunes sur les feuilles du bas et deux fruits atteints, après",
            "une semaine de pluie. C'est fichu ?",
        ),
        R(
            CAM,
            "Coupe tout de suite les feuilles touchées (à la poubelle, pas au",
            "compost) et récolte les fruits sains même verts : ils mûriront dans",
            "la maison. L'an prochain, un abri contre la pluie change tout.",
        ),
        R(EMM, "Arrose au pied, jamais sur le feuillage, c'est le premier geste."),
        R(CHL, "Une bouillie bordelaise légère en préventif, si tu en utilises."),
        R(ART, "J'ai sauvé la moitié, merci. Abri en bâche prévu pour mai."),
    ),
    T(
        "potager",
        LOU,
        125,
        "Rotation des cultures sur quatre carrés",
        _p(
            "Je démarre quatre carrés de 1,20 m. Comment organiser la rotation ?",
        ),
        R(
            CAM,
            "Le classique, d'une année sur l'autre :",
            "",
            "1. légumes-feuilles (salades, choux) ;",
            "2. légumes-fruits (tomates, courgettes) ;",
            "3. légumes-racines (carottes, radis) ;",
            "4. légumineuses (pois, haricots), qui enrichissent le sol.",
        ),
        R(ART, "Tiens un petit carnet, sinon au bout de deux ans on oublie tout."),
    ),
    T(
        "potager",
        JUL,
        135,
        "Semis de poireaux qui ne lèvent pas",
        _p("Deux semis de poireaux en caissette, rien n'a levé. Une idée ?"),
        R(
            CAM,
            "Graines trop vieilles ? Les poireaux ne gardent que deux ans. Et il",
            "leur faut 15 °C au moins pour germer.",
        ),
        R(LOU, "Recouvre très peu : un demi-centimètre de terreau fin suffit."),
        R(JUL, "Les graines dataient de 2022… Nouveau sachet, ils sont sortis !"),
    ),
    T(
        "potager",
        CAM,
        104,
        "Purin d'ortie : ma recette et le dosage",
        _p("Ma recette, testée depuis dix ans :")
        + "\n\n- 1 kg d'orties fraîches, sans les racines ;\n"
        "- 10 litres d'eau de pluie ;\n"
        "- une à deux semaines de macération, en remuant chaque jour ;\n"
        "- filtrer quand il ne mousse plus.\n\n"
        "**Dilué à 10 %** en engrais, à 5 % en pulvérisation sur les feuilles.",
        R(ART, "Et on prévient les voisins, l'odeur est… mémorable."),
        R(EMM, "Je fais pareil avec la consoude pour les tomates, c'est génial."),
        R(CHL, "Merci ! On peut le garder combien de temps une fois filtré ?"),
        R(CAM, "Quelques mois, bien fermé et à l'abri de la lumière."),
        R(NOA, "Ça marche aussi sur les plantes en pot ? Je n'ai qu'un petit jardin."),
        R(CAM, "Oui, dilué à 5 % seulement pour les pots, @noah-plombier."),
        tags=("engrais naturel",),
    ),
    T(
        "potager",
        GAB,
        72,
        "Limaces : la bière, ça marche vraiment ?",
        _p("Mes jeunes salades disparaissent en une nuit. Pièges à bière ?"),
        R(CAM, "Ça marche, mais ça attire aussi les limaces des voisins !"),
        R(LOU, "Une planche posée au sol : le matin, on les ramasse dessous."),
        R(ART, "Moi j'ai adopté deux canards coureurs indiens. Radical."),
        R(CHL, "Et des cendres autour des plants, à refaire après chaque pluie."),
        R(GAB, "Des canards ! Je n'y avais pas pensé. Je commence par la planche."),
    ),
    T(
        "potager",
        NOA,
        66,
        "Courgettes : plein de fleurs, pas de fruits",
        _p("Mes courgettes fleurissent énormément mais les petits fruits pourrissent."),
        R(
            CAM,
            "Ce sont sûrement des fleurs mâles au début, c'est normal. Si les",
            "fruits pourrissent, c'est un défaut de pollinisation : fais-le au",
            "pinceau le matin, d'une fleur mâle à une fleur femelle.",
        ),
        R(EMM, "Plante de la bourrache à côté, les abeilles viendront en nombre."),
    ),
    T(
        "potager",
        ART,
        48,
        "Engrais vert pour l'hiver : phacélie ou moutarde ?",
        _p("Je libère les carrés de tomates. Qu'est-ce que je sème pour l'hiver ?"),
        R(CAM, "Phacélie si tu sèmes avant fin septembre, sinon seigle et vesce."),
        R(
            JUL,
            "La moutarde lève vite mais attention si tu cultives des choux ensuite.",
        ),
    ),
    T(
        "potager",
        ALI,
        42,
        "Potager sur balcon plein sud : par quoi commencer ?",
        _p(
            "Balcon de 6 m² plein sud, troisième étage. Je rêve de tomates et",
            "d'herbes aromatiques. Quels contenants, quel terreau ?",
        ),
        R(LOU, "Des bacs de 40 cm de profondeur au moins, et du terreau potager."),
        R(
            EMM,
            "Attention au vent et à la chaleur du mur : le thym et le romarin",
            "adorent, le basilic préfère un peu d'ombre l'après-midi.",
        ),
        R(ALI, "Merci, je commence par les aromatiques et deux tomates cerises."),
    ),
    T(
        "potager",
        CHL,
        150,
        "Fraisiers : renouveler les plants tous les combien ?",
        _p("Mes fraisiers ont cinq ans et donnent de moins en moins."),
        R(CAM, "Tous les trois ans, avec les stolons de l'année : c'est gratuit !"),
        R(ART, "Et change de place à chaque fois, la terre se fatigue."),
    ),
    T(
        "potager",
        EMM,
        22,
        "Conserver les courges tout l'hiver",
        _p("Quarante potimarrons cette année ! Comment les garder jusqu'en mars ?"),
        R(
            CAM,
            "Laisse-les sécher au soleil une dizaine de jours, puis dans une",
            "pièce sèche vers 12-15 °C, sans qu'elles se touchent. Garde le",
            "pédoncule : c'est par là qu'elles pourrissent sinon.",
        ),
        R(GAB, "Quarante ! Je veux bien ta recette de velouté en échange de conseils."),
        R(EMM, "Avec plaisir @gabriel-lelectro, je la poste dans la soirée."),
    ),
    T(
        "potager",
        GAB,
        92,
        "Carré potager surélevé : quelle hauteur pour le dos ?",
        _p(
            "Avec mon dos, je ne peux plus jardiner à genoux. Quelle hauteur",
            "pour un carré surélevé, et comment le remplir sans ruiner ?",
        ),
        R(
            JUL,
            "80 cm pour travailler debout. Je peux t'aider à le construire en mélèze.",
        ),
        R(
            LEA,
            "Remplis en lasagnes : branchages au fond, puis feuilles, tontes,",
            "compost, et 20 cm de terreau dessus. Beaucoup moins cher.",
        ),
        R(CAM, "Et garde 60 cm de large si tu n'as accès que d'un côté."),
        R(
            GAB,
            "Merci à vous trois ! @jules-moreau, je te prends au mot pour le mélèze.",
        ),
    ),
    T(
        "potager",
        CAM,
        145,
        "Bourse aux graines 2026 : inscriptions",
        _p(
            "Comme chaque année, on échange nos graines ! Indiquez ici ce que",
            "vous proposez et ce que vous cherchez ; on se retrouve au magasin",
            "de Nantes le dernier samedi de mars.",
        ),
        R(ART, "Je propose des haricots 'Coco de Paimpol' et du potiron 'Rouge vif'."),
        R(
            LOU,
            "Capucines, cosmos et tournesols géants. Je cherche des tomates noires.",
        ),
        R(CHL, "Des graines de pois de senteur anciens, une vingtaine de sachets."),
        R(JUL, "Fèves et ail rose. Je cherche du piment d'Espelette."),
        R(CAM, "Quelle récolte ! Merci à tous, à samedi."),
        R(
            MODERATOR,
            "La bourse a eu lieu, merci à toutes et à tous ! Le sujet est fermé ;",
            "rendez-vous l'an prochain pour l'édition 2027.",
        ),
        tags=("graines", "échange"),
        closed=True,
    ),
    T(
        "potager",
        JUL,
        38,
        "Ail : planter en automne ou au printemps ?",
        _p("J'ai de l'ail rose de Lautrec. Je plante quand ?"),
        R(
            CAM,
            "L'ail rose se plante au printemps, en février-mars ; le blanc en automne.",
        ),
        R(ART, "Pointe en haut, à 3 cm sous terre, et pas d'arrosage ensuite."),
    ),
    T(
        "potager",
        LEA,
        57,
        "Pucerons noirs sur les fèves",
        _p("Les têtes de mes fèves sont couvertes de pucerons noirs."),
        R(CAM, "Pince les têtes dès que les premières gousses sont formées : finis."),
        R(CHL, "Les coccinelles arrivent en général une semaine après, patience."),
    ),
    T(
        "potager",
        ALI,
        5,
        "Premier potager : par où commencer ?",
        _p(
            "Nous venons d'emménager dans une maison avec un bout de terrain.",
            "Premier potager au printemps : vos trois conseils ?",
        ),
        R(
            CAM,
            "1. Commence petit : 10 m² bien tenus valent mieux que 50 m² envahis.",
            "2. Observe le soleil une journée entière avant de choisir l'endroit.",
            "3. Couvre le sol dès maintenant avec du carton et des feuilles.",
        ),
        R(ART, "Et plante ce que vous aimez manger, pas ce qui est facile !"),
        R(EMM, "Un récupérateur d'eau dès le départ : tu me remercieras en juillet."),
        R(LOU, "Et des fleurs au milieu des légumes, pour les pollinisateurs."),
        R(
            ALI,
            "Merci @camille-du-potager et à tous, je garde la liste précieusement.",
            quote=(
                2,
                "Commence petit : 10 m² bien tenus valent mieux que 50 m² envahis.",
            ),
        ),
    ),
    T(
        "potager",
        LOU,
        3,
        "Des radis toute l'année, c'est possible ?",
        _p("Je sème des radis en avril et plus rien ensuite. On peut continuer ?"),
        R(
            CAM,
            "Oui : tous les quinze jours de mars à septembre, à mi-ombre l'été,",
            "et des radis d'hiver noirs ou roses en août pour l'automne.",
        ),
        R(ART, "Arrose souvent l'été, sinon ils deviennent piquants et creux."),
        R(LOU, "Merci ! Je ressème un rang ce week-end sous voile."),
    ),
    # --- Outillage -------------------------------------------------------------------
    T(
        "outillage",
        LEA,
        78,
        "Meuleuse 125 mm : quel disque pour couper du carrelage ?",
        _p(
            "Je recoupe du carrelage de sol en grès cérame pour la longère.",
            "Avec la meuleuse 900 W, quel disque prendre ?",
        ),
        R(
            OWNER,
            "Un disque diamant à jante continue, spécial carrelage : coupe nette,",
            "sans éclats. Coupez à l'extérieur (poussière !) et toujours avec",
            "lunettes et masque. Avec ce disque ma meuleuse coupe sans forcer.",
        ),
        R(GAB, "Et le carter bien en place, on voit trop de meuleuses sans."),
        R(LEA, "Merci, tout est découpé : aucune casse sur vingt carreaux."),
        tags=("carrelage", "meuleuse"),
        product="OUT-00006",
        owners=(NOA, GAB, ART, CAM, LOU),
        accepted=2,
    ),
    T(
        "outillage",
        JUL,
        53,
        "Scie sauteuse 650 W : coupes droites dans du chêne de 30 mm ?",
        _p(
            "Je prépare des étagères en chêne massif de 30 mm. La scie sauteuse",
            "pendulaire coupe-t-elle droit à cette épaisseur ?",
        ),
        R(
            OWNER,
            "Avec une lame bois épais et le pendulaire au minimum, oui, mais",
            "guidez-la avec un tasseau serré. Sans guide elle dévie un peu en",
            "bas de coupe dans du dur. Pour des étagères, ça reste propre.",
        ),
        R(
            LEA,
            "Une scie circulaire avec un rail "
            "serait plus juste pour les longues coupes.",
        ),
        R(JUL, "Merci, je teste avec le guide et une lame neuve."),
        tags=("menuiserie",),
        product="OUT-00009",
        owners=(LOU,),
        accepted=2,
    ),
    T(
        "outillage",
        CHL,
        98,
        "Affûter un sécateur soi-même",
        _p("Mon sécateur mâche les tiges. Comment l'affûter sans l'abîmer ?"),
        R(
            JUL,
            "Démonte-le, puis pierre à aiguiser fine, seulement sur le biseau de",
            "la lame tranchante, en gardant l'angle d'origine. Dix passages",
            "suffisent. Une goutte d'huile et c'est reparti.",
        ),
        R(GAB, "Et désinfecte les lames à l'alcool entre deux rosiers malades."),
        R(CAM, "L'atelier du samedi affûte gratuitement, sinon !"),
    ),
    T(
        "outillage",
        ART,
        33,
        "Batteries 18 V : les laisser au garage tout l'hiver ?",
        _p("Mon garage descend à 0 °C. Je laisse les batteries des outils dedans ?"),
        R(
            GAB,
            "Rentre-les : le lithium n'aime ni le froid ni d'être stocké vide.",
            "Idéalement chargées à moitié, à température ambiante.",
        ),
        R(NOA, "Et ne les recharge jamais froides, attends qu'elles se réchauffent."),
    ),
    T(
        "outillage",
        LEA,
        106,
        "Perceuse à percussion ou perforateur pour du béton ?",
        _p("Je dois percer une trentaine de trous dans du béton banché."),
        R(
            GAB,
            "Perforateur SDS, sans hésiter. La percussion va souffrir et toi aussi.",
        ),
        R(JUL, "Ça se loue au magasin à la journée si tu n'en as pas l'usage ensuite."),
        R(NOA, "Et repère les gaines avant de percer, avec un détecteur."),
    ),
    T(
        "outillage",
        ART,
        26,
        "Entretien de la tondeuse avant l'hiver",
        _p("Qu'est-ce que vous faites à votre tondeuse thermique avant l'hiver ?"),
        R(
            GAB,
            "Vidanger l'essence (ou faire tourner jusqu'à la panne sèche), nettoyer",
            "le carter, affûter la lame, changer le filtre à air. L'huile au",
            "printemps.",
        ),
        R(JUL, "Et stocke-la à plat, bougie débranchée."),
    ),
    T(
        "outillage",
        JUL,
        68,
        "Ranger ses outils : panneau perforé ou servante ?",
        _p("L'atelier déborde. Panneau perforé au mur, servante à tiroirs, les deux ?"),
        R(
            LEA,
            "Panneau pour ce qui sert tout le temps, tiroirs pour le petit matériel.",
        ),
        R(GAB, "Dessine la silhouette des outils au feutre : on voit ce qui manque."),
        R(NOA, "La servante à roulettes me suit sur les chantiers, indispensable."),
    ),
    T(
        "outillage",
        CHL,
        128,
        "Outils anciens : les restaurer ou les exposer ?",
        _p(
            "Je collectionne les vieux outils de jardin (serpes, plantoirs,",
            "arrosoirs en cuivre). Je les restaure pour m'en servir ?",
        ),
        R(JUL, "Restaure et sers-t'en : un outil forgé vaut dix outils modernes."),
        R(
            LEA,
            "Pour la rouille : vinaigre blanc une nuit, laine d'acier, puis huile",
            "de lin sur les manches.",
        ),
    ),
    T(
        "outillage",
        LEA,
        18,
        "Quel niveau laser pour poser une cuisine ?",
        _p("Je pose les meubles hauts de la cuisine. Un laser croix suffit-il ?"),
        R(
            JUL,
            "Oui, un laser croix à mise à niveau automatique fait très bien l'affaire.",
        ),
        R(
            ALI,
            "Pense à vérifier au niveau à bulle "
            "de 80 cm, on n'est jamais trop prudent.",
        ),
    ),
    T(
        "outillage",
        CAM,
        82,
        "De la rouille sur les outils de jardin",
        _p("Bêches et binettes rouillent chaque hiver dans l'abri."),
        R(
            GAB,
            "Un seau de sable mêlé d'huile de vidange : on plante les outils dedans.",
        ),
        R(CHL, "Et nettoyer après usage, même vite fait, change tout."),
    ),
    T(
        "outillage",
        NOA,
        47,
        "Quels gants de protection pour la meuleuse ?",
        _p("Des gants de jardin suffisent-ils pour la meuleuse ?"),
        R(
            GAB,
            "Non : des gants anti-coupure en cuir, bien ajustés. Surtout rien",
            "d'ample qui puisse se prendre dans le disque.",
        ),
    ),
    T(
        "outillage",
        ALI,
        96,
        "Première caisse à outils : l'essentiel ?",
        _p("Je m'installe seule : quels outils acheter en premier ?"),
        R(
            JUL,
            "Ma liste de départ :",
            "",
            "- un marteau et un jeu de tournevis ;",
            "- un mètre ruban et un niveau ;",
            "- une pince multiprise et un cutter ;",
            "- une perceuse-visseuse sans fil.",
        ),
        R(LEA, "Ajoute un testeur de tension si tu touches à l'électricité."),
        R(GAB, "Et une lampe frontale : on bricole toujours dans le noir."),
    ),
    T(
        "outillage",
        JUL,
        36,
        "Étagère métallique 5 niveaux : quelle charge par plateau ?",
        _p(
            "Pour ranger des pots de peinture et des caisses de vis, l'étagère",
            "métallique tient-elle vraiment la charge annoncée ?",
        ),
        R(
            OWNER,
            "La mienne porte des pots de peinture de 10 L et des sacs de terreau",
            "depuis six mois, environ 80 kg sur le plateau du bas, sans plier.",
            "Fixez-la au mur : vide, elle est un peu instable.",
        ),
        R(LEA, "Mets le lourd en bas et serre les boulons au bout d'un mois."),
        R(JUL, "Merci, c'est rassurant. Fixation au mur prévue."),
        tags=("rangement", "atelier"),
        product="RAN-00071",
        owners=(EMM, LEA, ART, CHL),
        accepted=2,
    ),
    T(
        "outillage",
        ART,
        70,
        "Tronçonneuse électrique ou thermique pour trois stères par an ?",
        _p(
            "Je coupe environ trois stères de bois de chauffage par an, surtout",
            "du chêne et du frêne. L'électrique suffit-elle ?",
        ),
        R(
            GAB,
            "Pour du bûcheronnage près de la maison, une électrique de 2 000 W",
            "coupe sans peine des bûches de 30 cm. Le thermique se justifie loin",
            "d'une prise ou pour abattre.",
        ),
        R(JUL, "Affûte la chaîne à chaque plein d'huile : c'est elle qui fait tout."),
        R(
            NOA,
            "Et le pantalon anti-coupure, même pour dix minutes.",
            "J'ai vu les dégâts chez un voisin.",
        ),
        R(ART, "Électrique donc, avec le pantalon. Merci à vous trois !"),
    ),
    # --- Bricolage -------------------------------------------------------------------
    T(
        "bricolage",
        LEA,
        64,
        "Projecteur LED à détecteur : il s'allume pour chaque chat",
        _p(
            "Le projecteur à détecteur 20 W s'allume dix fois par nuit à cause",
            "des chats du quartier. On peut régler la sensibilité ?",
        ),
        R(
            OWNER,
            "Oui, sous le boîtier il y a trois molettes : LUX, TIME et SENS.",
            "Baissez SENS au tiers et orientez le détecteur vers le bas, vers",
            "l'allée : les chats passent dessous sans le déclencher.",
        ),
        R(
            GAB,
            "Et ne l'installe pas face à un arbre : les branches au vent le",
            "déclenchent aussi.",
        ),
        R(LEA, "Réglé ! Plus qu'un déclenchement cette nuit, c'était le facteur."),
        tags=("éclairage", "extérieur"),
        product="ELE-00055",
        owners=(GAB, ART, CAM, EMM, NOA),
        accepted=2,
    ),
    T(
        "bricolage",
        ALI,
        44,
        "Mitigeur bec haut : compatible avec un évier sous fenêtre ?",
        _p(
            "Mon évier est sous une fenêtre qui s'ouvre vers l'intérieur. Le",
            "mitigeur bec haut gêne-t-il l'ouverture ?",
        ),
        R(
            OWNER,
            "Mesurez : le bec fait environ 35 cm de haut. Chez moi la fenêtre",
            "passe de justesse parce que l'appui est à 40 cm au-dessus de",
            "l'évier. Le bec pivote, donc on peut le tourner de côté.",
        ),
        R(NOA, "Les flexibles sont fournis et standards, la pose prend vingt minutes."),
        R(ALI, "L'appui est à 42 cm, ça passe. Merci beaucoup !"),
        tags=("cuisine", "plomberie"),
        product="PLO-00061",
        owners=(NOA, CAM, CHL, JUL),
        accepted=2,
    ),
    T(
        "bricolage",
        JUL,
        86,
        "Peinture bois vert sauge sur de vieux volets : sous-couche ?",
        _p(
            "Mes volets sont en bois déjà peint, écaillé par endroits. La",
            "peinture bois extérieur vert sauge s'applique-t-elle directement ?",
        ),
        R(
            OWNER,
            "Après un bon ponçage, oui : elle accroche sur l'ancienne peinture",
            "saine. Sur le bois mis à nu, une sous-couche évite les différences",
            "de teinte. Deux couches pour un vert bien régulier.",
        ),
        R(LEA, "Les miens ont tenu deux hivers en Bretagne sans bouger."),
        R(JUL, "Merci Alice et Léa, je ponce ce week-end."),
        tags=("peinture", "extérieur"),
        product="PEI-00042",
        owners=(ALI, LEA),
        accepted=2,
    ),
    T(
        "bricolage",
        LEA,
        76,
        "Lasure chêne clair : combien de couches sur un bardage neuf ?",
        _p("Bardage en pin neuf sur l'appentis. Une ou deux couches de lasure ?"),
        R(
            OWNER,
            "Trois sur du bois neuf : il boit énormément la première. Laissez",
            "sécher douze heures entre deux couches. Mon abri lasuré il y a",
            "un an n'a pas grisé.",
        ),
        R(ALI, "Et on lasure dans le sens des lames, jusqu'au bout de chaque planche."),
        R(LEA, "Trois couches, c'est noté. Merci !"),
        tags=("bois", "extérieur"),
        product="PEI-00047",
        owners=(ART, NOA, CAM),
        accepted=2,
    ),
    T(
        "bricolage",
        EMM,
        32,
        "Colonne de douche thermostatique avec un ballon électrique ?",
        _p(
            "J'ai un ballon électrique de 150 L. La colonne de douche",
            "thermostatique aura-t-elle assez de pression ?",
        ),
        R(
            OWNER,
            "Chez moi, ballon de 200 L et 3 bars : la pluie de tête est",
            "agréable, pas un déluge. Le thermostat règle très bien, plus de",
            "douche glacée quand quelqu'un tire la chasse.",
        ),
        R(NOA, "Vérifie ta pression au robinet avec un manomètre, c'est 10 €."),
        R(EMM, "J'ai 3,2 bars, ça devrait aller. Merci à vous deux !"),
        tags=("salle de bains",),
        product="PLO-00062",
        owners=(ALI,),
        accepted=2,
    ),
    T(
        "bricolage",
        LOU,
        74,
        "Fuite sous l'évier, au niveau du siphon",
        _p("Une goutte tombe du siphon toutes les minutes. Joint à changer ?"),
        R(
            NOA,
            "Dévisse les écrous à la main, nettoie, et vérifie les joints coniques.",
            "Souvent, c'est juste un écrou mal resserré après un débouchage.",
            "Si le joint est écrasé, il coûte moins d'un euro.",
        ),
        R(GAB, "Un seau dessous avant de dévisser, l'eau du siphon sent fort !"),
        R(LOU, "C'était l'écrou ! Merci @noah-plombier."),
    ),
    T(
        "bricolage",
        ART,
        108,
        "Remplacer un interrupteur simple par un va-et-vient",
        _p("Je voudrais allumer le couloir des deux bouts. Faisable soi-même ?"),
        R(
            GAB,
            "Oui, si tu tires un câble entre les deux points. Dans l'ordre :",
            "",
            "1. coupe le disjoncteur et vérifie avec un testeur ;",
            "2. la phase arrive sur la borne commune du premier va-et-vient ;",
            "3. deux navettes relient les deux interrupteurs ;",
            "4. la commune du second part vers la lampe.",
            "",
            "En cas de doute, demande à un électricien, c'est vite fait.",
        ),
        R(NOA, "Et du câble 1,5 mm² pour l'éclairage, pas du 2,5."),
        R(ART, "Merci Gabriel, schéma limpide. Ça fonctionne du premier coup."),
    ),
    T(
        "bricolage",
        EMM,
        102,
        "Peindre un plafond sans traces",
        _p("À chaque fois, mes plafonds gardent des traces de rouleau."),
        R(
            ALI,
            "Mes astuces de peintre :",
            "",
            "- une peinture mate spéciale plafond ;",
            "- un rouleau bien chargé, jamais essoré à fond ;",
            "- croiser les passes, puis finir dans le sens de la lumière ;",
            "- travailler frais dans le frais, sans s'arrêter au milieu.",
        ),
        R(LEA, "Et une perche télescopique, ça change la vie et le dos."),
        R(EMM, "Merci Alice ! C'était le rouleau trop essoré."),
    ),
    T(
        "bricolage",
        CHL,
        59,
        "Joint de douche qui noircit",
        _p("Le joint silicone de la douche noircit en quelques mois."),
        R(
            NOA,
            "C'est de la moisissure sous le joint "
            ": il faut le refaire, pas le nettoyer.",
        ),
        R(ALI, "Et aérer après chaque douche, sinon ça revient vite."),
    ),
    T(
        "bricolage",
        LEA,
        138,
        "Poser du parquet flottant dans une longère",
        _p(
            "Sol en béton ancien, un peu irrégulier, dans la longère. Parquet",
            "flottant possible ?",
        ),
        R(JUL, "Ragréage d'abord si l'écart dépasse 3 mm sous la règle de 2 m."),
        R(ALI, "Et un film pare-vapeur sur du béton ancien, c'est indispensable."),
        R(LEA, "Ragréage fait ce week-end, plus plat que jamais !"),
    ),
    T(
        "bricolage",
        GAB,
        54,
        "Humidité dans la cave : peinture ou ventilation ?",
        _p("Les murs de la cave suintent. Une peinture anti-humidité suffit ?"),
        R(NOA, "La peinture masque. Cherche d'abord d'où vient l'eau, puis ventile."),
        R(LEA, "Dans ma longère, un simple aérateur a réglé la moitié du problème."),
        R(JUL, "Et ne stocke pas le bois de menuiserie là-dedans en attendant."),
    ),
    T(
        "bricolage",
        JUL,
        132,
        "Assemblages sans vis : le tenon-mortaise pour débutant",
        _p(
            "J'ai promis de montrer comment je fais mes tenons et mortaises sans",
            "machine. En bref : traçage au trusquin, mortaise au bédane, tenon à",
            "la scie à dos, ajustage au ciseau. Le secret, c'est le traçage.",
        ),
        R(LEA, "Merci Jules ! Tu prends quel bois pour t'entraîner ?"),
        R(JUL, "Du pin ou du hêtre, pas cher et pardonne les erreurs."),
        R(CHL, "Tu ferais un atelier au magasin ? Je m'inscris."),
    ),
    T(
        "bricolage",
        ART,
        24,
        "Meubles de jardin en palettes : quel bois choisir ?",
        _p("Je veux faire un banc en palettes. Toutes les palettes se valent ?"),
        R(
            JUL,
            "Regarde le marquage : HT (traitement thermique) oui, MB (bromure de",
            "méthyle) surtout pas. Et évite les palettes tachées.",
        ),
        R(LEA, "Ponce bien et passe une huile extérieure, sinon échardes garanties."),
    ),
    T(
        "bricolage",
        ALI,
        94,
        "Détecteurs de fumée : où les placer ?",
        _p("Maison à étage : combien de détecteurs, et où ?"),
        R(GAB, "Un par étage au minimum, dans le dégagement qui mène aux chambres."),
        R(
            NOA,
            "Au plafond, loin de la cuisine et de la "
            "salle de bains, sinon il sonne tout le temps.",
        ),
    ),
    T(
        "bricolage",
        LEA,
        12,
        "Rénover une porte d'entrée en chêne",
        _p("Vernis craquelé sur une belle porte en chêne. Décaper ou poncer ?"),
        R(JUL, "Décapant gel, puis ponçage léger, puis huile dure extérieure."),
        R(ALI, "Démonte la porte si tu peux, à plat on travaille beaucoup mieux."),
    ),
    T(
        "bricolage",
        CHL,
        46,
        "Chauffe-eau qui fait du bruit",
        _p("Mon chauffe-eau électrique siffle et claque quand il chauffe."),
        R(
            NOA,
            "C'est le calcaire sur la résistance. Un détartrage s'impose (et un",
            "coup d'œil à l'anode). Avec une eau très dure, pense à un",
            "adoucisseur.",
        ),
        R(CHL, "Le plombier passe jeudi, merci pour le diagnostic Noah !"),
    ),
    T(
        "bricolage",
        LOU,
        19,
        "Guirlande guinguette : la fixer sans percer la façade",
        _p("Je veux une guirlande guinguette sur la terrasse, sans percer."),
        R(
            GAB,
            "Deux mâts lestés dans des pots de fleurs, et un câble tendeur entre eux.",
        ),
        R(ALI, "Des crochets adhésifs extérieurs tiennent aussi sur une façade lisse."),
        R(EMM, "Et un programmateur, sinon on l'oublie allumée toute la nuit !"),
    ),
    T(
        "bricolage",
        EMM,
        2,
        "Débouchage naturel : bicarbonate et vinaigre, vraiment ?",
        _p("On lit partout bicarbonate + vinaigre pour déboucher. Ça marche ?"),
        R(
            NOA,
            "Pour un évier qui ralentit, oui, avec de l'eau bouillante ensuite.",
            "Pour un vrai bouchon, la ventouse ou le démontage du siphon.",
        ),
        R(CAM, "Et une grille sur la bonde, c'est le meilleur des débouchages."),
    ),
]


# --- The harvest thread: about seventy replies drawn from parts ---------------------

HARVEST_REPLIES = 70
HARVEST_AUTHORS = (CAM, ART, EMM, LOU, CHL, GAB, JUL, ALI, NOA, LEA)

_OPENINGS = (
    "Cette semaine :",
    "Ce matin au potager :",
    "Petit bilan du week-end :",
    "Enfin !",
    "Récolte du jour :",
    "Pas de quoi frimer, mais :",
    "Chez moi,",
    "Rentrée des vacances, et",
)
_HARVESTS = (
    "trois kilos de tomates 'Cœur de bœuf'",
    "les premières courgettes",
    "une belle botte de radis",
    "des haricots verts à ne plus savoir qu'en faire",
    "deux potimarrons bien orange",
    "une poignée de framboises",
    "mes tout premiers poivrons",
    "un seau de pommes de terre 'Charlotte'",
    "des fraises remontantes",
    "de la blette pour un régiment",
    "une salade par jour depuis quinze jours",
    "un panier de tomates cerises",
    "six concombres d'un coup",
    "les oignons, enfin secs",
    "une grosse courge butternut",
    "du basilic à faire du pesto pour l'hiver",
)
_DETAILS = (
    "malgré la chaleur",
    "après l'orage de mardi",
    "grâce au paillage",
    "le goutte-à-goutte a fait des merveilles",
    "les limaces ont eu leur part",
    "sans aucun traitement",
    "sur un seul pied, je n'en reviens pas",
    "semées un peu tard pourtant",
    "dans les bacs du balcon",
    "avec les plants du magasin",
)
_ENDINGS = (
    "Et chez vous ?",
    "Vivement la semaine prochaine.",
    "Ratatouille ce soir !",
    "Je partage volontiers la recette.",
    "Les voisins ont eu leur panier aussi.",
    "Bravo pour vos récoltes, ça motive.",
    "Le congélateur est plein.",
    "",
)
_NODS = (
    "{name}, tu avais raison pour la taille des gourmands.",
    "Merci {name} pour le conseil du paillage.",
    "{name}, tes potimarrons me font rêver.",
    "Jolie récolte {name} !",
    "{name}, tu me donnes ta variété ?",
)


def harvest_replies(rng: random.Random, slugs: dict[str, str]) -> list[Reply]:
    """The harvest thread's replies: parts put together differently each time,
    no author twice in a row, now and then a nod to an earlier poster by their
    @slug. The same on every run for the same `rng` seed."""
    replies: list[Reply] = []
    last = CAM
    posters = [CAM]
    for n in range(HARVEST_REPLIES):
        author = rng.choice([name for name in HARVEST_AUTHORS if name != last])
        harvest = rng.sample(_HARVESTS, k=rng.choice((1, 1, 2)))
        sentence = f"{rng.choice(_OPENINGS)} {' et '.join(harvest)}"
        if rng.random() < 0.6:
            sentence += f", {rng.choice(_DETAILS)}"
        parts = [sentence + "."]
        others = [name for name in posters if name != author]
        if others and rng.random() < 0.25:
            parts.append(rng.choice(_NODS).format(name="@" + slugs[rng.choice(others)]))
        ending = rng.choice(_ENDINGS)
        if ending:
            parts.append(ending)
        body = " ".join(parts)
        if n % 9 == 4:
            body += "\n\nEn détail :\n\n- " + "\n- ".join(rng.sample(_HARVESTS, k=3))
        replies.append(Reply(author, body))
        posters.append(author)
        last = author
    return replies
