"""About forty product ideas, in every state of their life, with their community.

Drafts, ideas waiting in the moderation queue, open ideas at each support stage,
ideas in review, on hold, accepted, in development, one launched as a catalog
product, declined ones with their public reason, expired ones, a merged pair and
withdrawn ones; supports by demo members within their budget, discussions,
co-originators, and one idea suggested from a disappointed review.

What happens "now" goes through the ideas services (the drafts, the ideas and
comments waiting for a moderator, through the real posting policy and queue).
The past is written in bulk, the way those services would have left it, on a
timeline counted back from the demo's own now: each support is given at its own
moment by a member who had joined by then and had a support left in their budget
at that moment; stages advance at the support that reaches them and expire the
night after their deadline; every step is a history row; supports come back when
an idea closes. The launched idea's product gets its originators through the
rewards service before the rewards step closes the demo months, so its sales pay
them royalties (see rewards.py, which runs after this step).

The programme's stages are scaled to a community of thirty members: 4 supporters
in 30 days, then 8 in 60 days, then 12 in 90 days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.formats import date_format
from modelsearch.backends import get_search_backends
from taggit.models import Tag

from community.ideas.discussion import comment_post
from community.ideas.models import (
    BASIS_POINTS,
    SUPPORT_HOLDING_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeaPhoto,
    IdeaRejectionReason,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
    TaggedIdea,
)
from community.ideas.services import idea_create
from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
)
from community.moderation.posting import member_is_premoderated
from community.notifications.models import Notification
from community.reviews.models import Review
from comptoir.progress import Progress
from marketplace.catalog.models import Product
from rewards.services import product_originators_set

from .errors import DemoError
from .members import MEMBER_PASSWORD, MEMBERS, _email_verified, member_email
from .moderation import moderator_build
from .reviews import _photo

# A community of thirty: the stages of the default programme (25, 100, 250
# supporters) would leave every idea at the first one.
STAGES = ((4, 30), (8, 60), (12, 90))
SUPPORT_BUDGET = 10
REVIEW_BOARD_IN_DAYS = 16
LAUNCHED_SKU = "RAN-00075"  # Panneau mural perforé: sells well, not a top-3 product
BOARD_EMAIL = "comite-produits@comptoir.example"
BOARD_NAME = "Comité produits Comptoir"
BOARD_GROUP = "Review board"  # made by the ideas app's migration 0003
OPEN, REVIEW, HOLD, ACCEPTED, DEVELOPMENT, LAUNCHED = (
    IdeaState.OPEN,
    IdeaState.IN_REVIEW,
    IdeaState.ON_HOLD,
    IdeaState.ACCEPTED,
    IdeaState.IN_DEVELOPMENT,
    IdeaState.LAUNCHED,
)


class DemoIdeasError(DemoError):
    """The demo's timeline of ideas does not hold together: a bug in the data."""


@dataclass
class Spec:
    """One demo idea and its story, in days before the demo's now."""

    key: str
    state: str
    author: str  # display name of a demo member
    title: str
    problem: str
    proposal: str
    tags: tuple[str, ...] = ()
    opened: float = 0.0  # when it opened to support (written, for the others)
    supporters: int = 0
    until: float = 0.0  # when it left "open": in review, withdrawn, merged
    steps: tuple = ()  # after review: (state, days ago, public reason)
    co: tuple = ()  # co-originators: (display name, share in bp, accepted)
    photos: int = 0
    into: str = ""  # merged: key of the original
    reason: str = ""  # withdrawn, merged, rejected: the author's or moderator's word
    comments: int = 0


def _s(*parts: str) -> str:
    return " ".join(parts)


IDEAS: list[Spec] = [
    # --- open, gathering the first 4 supporters ---------------------------------
    Spec(
        "balcon-tuyau",
        OPEN,
        "Manon P.",
        "Support de tuyau d'arrosage pour rambarde de balcon",
        _s(
            "Sur un balcon, le tuyau traîne par terre, on marche dessus et il finit",
            "par fuir au raccord. Les dévidoirs muraux sont trop grands et il est",
            "interdit de percer la façade dans beaucoup de copropriétés.",
        ),
        _s(
            "Un petit support qui se clipse sur la rambarde (sans perçage), pour",
            "enrouler 10 à 15 m de tuyau, avec un crochet pour le pistolet.",
        )
        + "\n\n- pour rambardes de 3 à 6 cm\n- plastique recyclé, coloris anthracite",
        ("arrosage", "balcon"),
        opened=6,
        supporters=2,
        comments=2,
    ),
    Spec(
        "kit-semis-enfants",
        OPEN,
        "Louise verte",
        "Kit de semis pour enfants avec carnet d'observation",
        _s(
            "Mes neveux adorent semer mais les sachets de graines du rayon sont",
            "faits pour les adultes : trop de graines, des consignes minuscules, et",
            "rien pour suivre ce qui pousse.",
        ),
        _s(
            "Une boîte avec 6 godets biodégradables, des graines qui lèvent vite",
            "(radis, cresson, capucine, tournesol), et un **carnet illustré** pour",
            "noter chaque jour la hauteur des pousses.",
        ),
        ("plantes", "enfants"),
        opened=12,
        supporters=3,
        comments=3,
    ),
    Spec(
        "nichoir-sans-outil",
        OPEN,
        "Zoé L.",
        "Nichoir à mésanges à monter sans outil",
        _s(
            "Les nichoirs en kit demandent vis, colle et perceuse ; ceux qui sont",
            "montés coûtent cher. On a envie d'en installer un avec les enfants en",
            "dix minutes.",
        ),
        _s(
            "Un nichoir en bois de pin non traité qui s'assemble par emboîtement,",
            "avec un trou de 28 mm pour les mésanges bleues et un toit qui s'ouvre",
            "pour le nettoyage d'automne.",
        ),
        ("jardin", "oiseaux"),
        opened=3,
        supporters=1,
    ),
    Spec(
        "tablier-poches",
        OPEN,
        "Chloé et ses roses",
        "Tablier de jardinage à poches renforcées",
        _s(
            "Sécateur, ficelle, étiquettes, gants : je perds tout dans les massifs.",
            "Les tabliers vendus se déchirent aux poches dès la première saison.",
        ),
        _s(
            "Un tablier en toile de coton épaisse, poches doublées de cuir à",
            "l'endroit où passent les lames, un anneau pour le sécateur et des",
            "bretelles croisées qui ne tirent pas sur la nuque.",
        ),
        ("jardin",),
        opened=20,
        supporters=3,
        comments=2,
    ),
    Spec(
        "lampe-atelier",
        OPEN,
        "Théo F.",
        "Lampe frontale rechargeable pour l'atelier",
        _s(
            "Sous un évier ou dans un placard électrique on n'a jamais assez de",
            "lumière et les deux mains sont prises.",
        ),
        _s(
            "Une frontale USB-C de 400 lumens, faisceau large pour travailler de",
            "près, aimant au dos pour la poser sur une canalisation ou un tableau.",
        ),
        ("outillage", "électricité"),
        opened=9,
        supporters=0,
    ),
    # --- open, past 4, gathering 8 -----------------------------------------------
    Spec(
        "compost-balcon",
        OPEN,
        "Mathis M.",
        "Composteur de balcon sans odeur",
        _s(
            "En appartement, les épluchures finissent à la poubelle faute de",
            "place. Les lombricomposteurs font peur à cause des odeurs et des",
            "moucherons.",
        ),
        _s(
            "Un bac à deux étages de 25 litres, filtre à charbon dans le couvercle,",
            "robinet pour récupérer le jus et un guide de démarrage en magasin.",
        ),
        ("jardin", "balcon"),
        opened=35,
        supporters=6,
        comments=4,
    ),
    Spec(
        "ratelier-long-manche",
        OPEN,
        "Étienne B.",
        "Râtelier mural pour outils à long manche",
        _s(
            "Râteaux, balais et pelles tombent dès qu'on ouvre la porte du garage.",
            "Les crochets vendus à l'unité ne tiennent pas les manches fins.",
        ),
        _s(
            "Un rail de 1 m avec 6 pinces à ressort qui serrent les manches de 20",
            "à 40 mm, et deux crochets pour les tuyaux ou les rallonges.",
        ),
        ("rangement", "outillage"),
        opened=28,
        supporters=5,
        co=(("Victor Dupont", 2_000, False),),
        comments=3,
    ),
    Spec(
        "tuteurs-reglables",
        OPEN,
        "Camille du potager",
        "Tuteurs à tomates réglables en hauteur",
        _s(
            "Mes tomates dépassent les tuteurs de 1,50 m dès juillet, et les",
            "tuteurs de 2 m sont trop hauts à la plantation : ils cassent au vent.",
        ),
        _s(
            "Un tuteur télescopique en acier gainé, de 1,20 à 2,20 m, avec des",
            "clips qui glissent le long de la tige au lieu de ficelles à refaire.",
        ),
        ("jardin", "potager"),
        opened=40,
        supporters=7,
        photos=1,
        comments=5,
    ),
    Spec(
        "from-review",
        OPEN,
        "",  # the review's author: see _from_review
        "",
        "",
        "",
        (),
        opened=25,
        supporters=4,
        comments=2,
    ),
    Spec(
        "gants-tactiles",
        OPEN,
        "Lina M.",
        "Gants de jardin compatibles avec l'écran du téléphone",
        _s(
            "Au jardin je photographie mes plantes et je cherche des conseils, mais",
            "il faut retirer les gants pleins de terre à chaque fois.",
        ),
        _s(
            "Des gants en nitrile respirant, avec le bout du pouce et de l'index",
            "conducteur, lavables en machine, en quatre tailles.",
        ),
        ("jardin",),
        opened=18,
        supporters=4,
        comments=1,
    ),
    # --- open, past 8, gathering 12 ----------------------------------------------
    Spec(
        "recuperateur-balcon",
        OPEN,
        "Emma Morel",
        "Récupérateur d'eau de pluie compact pour balcon",
        _s(
            "Les récupérateurs de 300 L sont faits pour les maisons. Sur un balcon",
            "ou une petite terrasse, il n'y a rien entre l'arrosoir et la cuve.",
        ),
        _s(
            "Une cuve plate de 50 L qui se fixe au mur sous une descente ou un",
            "auvent, avec un robinet à hauteur d'arrosoir et un trop-plein",
            "orientable.",
        ),
        ("arrosage", "balcon"),
        opened=75,
        supporters=10,
        co=(("Paul G.", 1_000, True),),
        comments=6,
    ),
    Spec(
        "couvercle-peinture",
        OPEN,
        "Alice V.",
        "Couvercle verseur refermable pour pots de peinture",
        _s(
            "Une fois ouvert, un pot de peinture ne se referme plus bien : le bord",
            "est plein de peinture sèche et on renverse en versant dans le bac.",
        ),
        _s(
            "Un couvercle universel qui se clipse sur les pots de 2,5 à 10 L, avec",
            "un bec verseur et un joint qui garde la peinture fraîche des mois.",
        ),
        ("peinture",),
        opened=60,
        supporters=9,
        comments=4,
    ),
    Spec(
        "prise-jardin-minuterie",
        OPEN,
        "Gabriel l'électro",
        "Prise de jardin étanche avec minuterie intégrée",
        _s(
            "Pour la pompe du bassin ou les guirlandes, on bricole une multiprise",
            "et un programmateur d'intérieur dans un sac plastique. C'est",
            "dangereux.",
        ),
        _s(
            "Un boîtier IP44 sur piquet, deux prises à clapet, un programmateur",
            "journalier et un différentiel 30 mA intégré. Conforme NF C 15-100.",
        ),
        ("électricité", "jardin"),
        opened=80,
        supporters=11,
        comments=5,
    ),
    Spec(
        "etagere-semis",
        OPEN,
        "Louise verte",
        "Étagère de semis lumineuse pour appartement",
        _s(
            "En février, les semis sur le rebord de fenêtre filent vers la lumière",
            "et deviennent tout maigres.",
        ),
        _s(
            "Une étagère de 3 niveaux, 60 cm de large, avec des réglettes LED",
            "horticoles réglables en hauteur et une minuterie.",
        ),
        ("plantes", "électricité"),
        opened=55,
        supporters=8,
        comments=3,
    ),
    Spec(
        "kit-chambre-air",
        OPEN,
        "Victor Dupont",
        "Kit de réparation pour roue de brouette",
        _s(
            "La roue de brouette crève à chaque ronce et on ne trouve pas de",
            "chambre à air à la bonne taille en magasin.",
        ),
        _s(
            "Un kit avec chambre à air 3.50-8, rustines, démonte-pneus et valve,",
            "plus une fiche pour choisir entre chambre à air et roue increvable.",
        ),
        ("jardin", "outillage"),
        opened=50,
        supporters=8,
        comments=2,
    ),
    # --- in review ---------------------------------------------------------------
    Spec(
        "abri-velos",
        REVIEW,
        "Hugo Thomas",
        "Abri à vélos en bois pour petit jardin",
        _s(
            "Nos vélos rouillent sous une bâche. Les abris de jardin sont trop",
            "profonds pour une allée étroite le long de la maison.",
        ),
        _s(
            "Un abri de 80 cm de profondeur pour 3 vélos, toit en pente recouvert",
            "de bardeaux, portes battantes verrouillables, en kit à monter à deux.",
        ),
        ("jardin", "rangement"),
        opened=100,
        supporters=12,
        until=20,
        comments=5,
    ),
    Spec(
        "arrosoir-long-bec",
        REVIEW,
        "Chloé et ses roses",
        "Arrosoir à long bec pour suspensions",
        _s(
            "Arroser les paniers suspendus oblige à monter sur un tabouret avec un",
            "arrosoir plein : c'est là qu'on tombe.",
        ),
        _s(
            "Un arrosoir de 5 L avec un bec coudé de 90 cm démontable, qui atteint",
            "les suspensions à 2 m depuis le sol.",
        ),
        ("arrosage",),
        opened=85,
        supporters=12,
        until=8,
        comments=4,
    ),
    Spec(
        "coffret-electricien",
        REVIEW,
        "Gabriel l'électro",
        "Coffret de l'électricien débutant",
        _s(
            "Changer une prise ou un luminaire demande cinq outils achetés",
            "séparément, et on oublie toujours le plus important : vérifier",
            "l'absence de tension.",
        ),
        _s(
            "Un coffret avec tournevis isolés, pince à dénuder, testeur de tension",
            "bipolaire, bornes de connexion, et un guide pas à pas des gestes sûrs.",
        ),
        ("électricité", "outillage"),
        opened=115,
        supporters=12,
        until=35,
        comments=6,
    ),
    # --- on hold -----------------------------------------------------------------
    Spec(
        "serre-tunnel",
        HOLD,
        "Arthur au jardin",
        "Serre tunnel démontable de 3 m²",
        _s(
            "Les serres tunnel bon marché s'envolent à la première tempête, les",
            "serres en polycarbonate demandent une dalle et un permis.",
        ),
        _s(
            "Une serre tunnel de 2 × 1,5 m, arceaux en acier galvanisé à ancrer",
            "dans le sol, bâche armée traitée anti-UV, deux portes à enrouler.",
        ),
        ("jardin", "potager"),
        opened=155,
        supporters=12,
        until=75,
        steps=(
            (
                HOLD,
                50,
                _s(
                    "Le comité attend le devis d'un second fabricant : le premier ne",
                    "garantit pas la bâche plus de deux saisons. Nous revenons vers",
                    "vous au prochain comité.",
                ),
            ),
        ),
        photos=1,
        comments=6,
    ),
    # --- accepted ----------------------------------------------------------------
    Spec(
        "banc-rempotage",
        ACCEPTED,
        "Léa bricole",
        "Banc de rempotage pliant",
        _s(
            "Rempoter sur la table de la cuisine ou accroupi dans l'allée : la",
            "terre part partout et le dos souffre.",
        ),
        _s(
            "Un plan de travail à hauteur de taille avec rebords sur trois côtés,",
            "un bac à terreau amovible et des pieds qui se replient contre un mur.",
        ),
        ("jardin", "plantes"),
        opened=140,
        supporters=12,
        until=60,
        steps=(
            (
                ACCEPTED,
                30,
                _s(
                    "Retenue : une demande forte chez les clients en appartement, et",
                    "un atelier partenaire en Bretagne peut le fabriquer en pin des",
                    "Landes.",
                ),
            ),
        ),
        co=(("Jade Garcia", 2_500, True),),
        comments=5,
    ),
    Spec(
        "robinet-antigel",
        ACCEPTED,
        "Noah plombier",
        "Robinet d'extérieur antigel facile à poser",
        _s(
            "Chaque hiver des robinets de jardin éclatent parce qu'on oublie de",
            "purger. Les robinets antigel du marché demandent de refaire la",
            "traversée du mur.",
        ),
        _s(
            "Un robinet antigel qui se visse sur une sortie 15/21 existante, avec",
            "une tige de 20 cm, un clapet anti-retour et une notice de pose.",
        ),
        ("plomberie", "arrosage"),
        opened=105,
        supporters=12,
        until=50,
        steps=(
            (
                ACCEPTED,
                25,
                _s(
                    "Retenue : le comité a validé le principe avec notre fournisseur",
                    "de robinetterie ; un prototype est attendu au printemps.",
                ),
            ),
        ),
        comments=4,
    ),
    # --- in development ----------------------------------------------------------
    Spec(
        "grelinette-legere",
        DEVELOPMENT,
        "Camille du potager",
        "Grelinette légère à manches en frêne",
        _s(
            "La grelinette ménage le sol et le dos, mais les modèles courants",
            "pèsent près de 8 kg : beaucoup y renoncent.",
        ),
        _s(
            "Une grelinette de 5 dents, moins de 5 kg, tête en acier forgé et",
            "manches en frêne français, en deux largeurs (40 et 50 cm).",
        ),
        ("jardin", "potager", "outillage"),
        opened=190,
        supporters=12,
        until=110,
        steps=(
            (
                ACCEPTED,
                95,
                "Retenue : elle répond à la demande de nos clients potagers.",
            ),
            (
                DEVELOPMENT,
                80,
                _s(
                    "En développement avec une forge de l'Ain : premiers essais au",
                    "potager de Camille et dans deux jardins partagés.",
                ),
            ),
        ),
        co=(("Inès L.", 3_000, True),),
        comments=6,
    ),
    Spec(
        "coffret-joints",
        DEVELOPMENT,
        "Louis R.",
        "Coffret de joints et clapets de plomberie",
        _s(
            "Pour une fuite de robinet il faut le bon joint, et le magasin est",
            "fermé le dimanche. Les assortiments vendus sont pleins de tailles",
            "inutiles.",
        ),
        _s(
            "Un coffret des 60 joints, clapets et fibres vraiment courants en",
            "France, avec un gabarit pour reconnaître la taille d'un coup d'œil.",
        ),
        ("plomberie",),
        opened=180,
        supporters=12,
        until=100,
        steps=(
            (ACCEPTED, 85, "Retenue : simple à produire, utile dans chaque foyer."),
            (
                DEVELOPMENT,
                60,
                "Le contenu du coffret est en test auprès de nos conseillers.",
            ),
        ),
        comments=3,
    ),
    # --- launched: the product sells, its originators are paid ------------------
    Spec(
        "panneau-perfore",
        LAUNCHED,
        "Jules Moreau",
        "Panneau perforé modulable pour l'atelier",
        _s(
            "Les outils s'entassent dans des caisses et on rachète ce qu'on ne",
            "retrouve pas. Les panneaux perforés existants ont peu de crochets, et",
            "jamais ceux qu'il faut.",
        ),
        _s(
            "Un panneau de 120 × 60 cm en acier laqué, qui se raccorde à d'autres",
            "panneaux, livré avec **20 crochets** de formes utiles : pinces,",
            "tournevis, rallonges, scies. Les crochets se vendent aussi à l'unité.",
        ),
        ("rangement", "outillage"),
        opened=260,
        supporters=12,
        until=209,
        steps=(
            (
                ACCEPTED,
                200,
                _s(
                    "Retenue : le comité a vu dans les commentaires des dizaines",
                    "d'usages différents, et notre fabricant de rayonnages peut le",
                    "produire en France.",
                ),
            ),
            (
                DEVELOPMENT,
                196,
                "Prototype en test dans l'atelier de Jules et en magasin.",
            ),
            (LAUNCHED, 186, ""),  # the launch reason names the product
        ),
        co=(("Raphaël M.", 3_000, True),),
        photos=1,
        comments=7,
    ),
    # --- declined, with the board's public reason --------------------------------
    Spec(
        "tondeuse-solaire",
        IdeaState.DECLINED,
        "Nathan R.",
        "Tondeuse robot à panneau solaire",
        _s(
            "Les tondeuses robots consomment peu mais il faut tirer un câble jusqu'",
            "à la base de charge au fond du jardin.",
        ),
        _s(
            "Une tondeuse robot avec un panneau solaire sur sa base, sans câble",
            "électrique, pour les jardins jusqu'à 500 m².",
        ),
        ("jardin", "électricité"),
        opened=170,
        supporters=12,
        until=100,
        steps=(
            (
                IdeaState.DECLINED,
                85,
                _s(
                    "Non retenue : un panneau à la taille d'une base ne recharge la",
                    "batterie qu'un jour sur trois en France, d'après les essais de",
                    "deux fabricants. Nous proposons plutôt des bases à basse",
                    "consommation dans notre gamme.",
                ),
            ),
        ),
        comments=5,
    ),
    Spec(
        "peinture-phosphorescente",
        IdeaState.DECLINED,
        "Sarah S.",
        "Peinture phosphorescente pour bordures de terrasse",
        _s("Le soir, on rate la marche de la terrasse : pas d'électricité là-bas."),
        _s(
            "Une peinture extérieure qui se charge au soleil et brille quelques",
            "heures, pour marquer marches et bordures.",
        ),
        ("peinture", "jardin"),
        opened=150,
        supporters=12,
        until=75,
        steps=(
            (
                IdeaState.DECLINED,
                55,
                _s(
                    "Non retenue : les pigments qui tiennent dehors plus d'un hiver",
                    "coûtent plus de 80 € le demi-litre. Les balises solaires de",
                    "notre rayon éclairage font le même travail.",
                ),
            ),
        ),
        comments=3,
    ),
    Spec(
        "bache-chanvre",
        IdeaState.DECLINED,
        "Juliette A.",
        "Bâche de protection en chanvre",
        _s("Les bâches en plastique se déchirent et finissent en microplastiques."),
        _s("Une bâche tissée en chanvre, réutilisable, pour le bois et les meubles."),
        ("jardin",),
        opened=118,
        supporters=12,
        until=55,
        steps=(
            (
                HOLD,
                40,
                "Le comité demande des échantillons à deux tisserands avant de "
                "décider.",
            ),
            (
                IdeaState.DECLINED,
                15,
                _s(
                    "Non retenue : les échantillons ont moisi en six semaines",
                    "dehors. Nous gardons l'idée en tête si un traitement naturel",
                    "fait ses preuves.",
                ),
            ),
        ),
        comments=4,
    ),
    Spec(
        "perceuse-universelle",
        IdeaState.DECLINED,
        "Adam D.",
        "Batterie universelle pour outils de toutes marques",
        _s("Chaque marque a sa batterie : on en a cinq, toutes différentes."),
        _s("Une batterie avec des adaptateurs pour les grandes marques d'outils."),
        ("outillage", "électricité"),
        opened=190,
        supporters=12,
        until=130,
        steps=(
            (
                IdeaState.DECLINED,
                115,
                _s(
                    "Non retenue : un adaptateur de batterie annule la garantie des",
                    "outils et pose un risque d'échauffement. Ce n'est pas un produit",
                    "que nous pouvons vendre en sécurité.",
                ),
            ),
        ),
        comments=6,
    ),
    # --- expired: a stage missed its deadline ------------------------------------
    Spec(
        "pot-liege",
        IdeaState.EXPIRED,
        "Margaux L.",
        "Pot de fleurs à réserve d'eau en liège",
        _s("Mes plantes ont soif dès que je pars un week-end."),
        _s("Un pot en liège aggloméré avec réserve d'eau de 7 jours et mèche."),
        ("plantes",),
        opened=70,
        supporters=3,
        comments=1,
    ),
    Spec(
        "housse-compost",
        IdeaState.EXPIRED,
        "Paul G.",
        "Housse isolante pour composteur",
        _s("L'hiver, mon compost s'arrête complètement de chauffer."),
        _s("Une housse isolante qui s'enfile sur les composteurs de 400 à 600 L."),
        ("jardin",),
        opened=130,
        supporters=6,
        comments=2,
    ),
    Spec(
        "escabeau-jardin",
        IdeaState.EXPIRED,
        "Anaïs F.",
        "Tabouret-escabeau pour le jardin",
        _s("Pour tailler les haies basses, on est soit trop haut, soit trop bas."),
        _s("Un tabouret à deux marches, pieds larges pour sol meuble, pliant."),
        ("jardin",),
        opened=50,
        supporters=2,
    ),
    Spec(
        "mangeoire-anti-pigeons",
        IdeaState.EXPIRED,
        "Inès L.",
        "Mangeoire pour petits oiseaux, fermée aux pigeons",
        _s("Les pigeons vident la mangeoire en une matinée."),
        _s("Une mangeoire à grille de 3 cm qui ne laisse passer que les petits."),
        ("jardin", "oiseaux"),
        opened=200,
        supporters=9,
        comments=3,
    ),
    # --- merged into the balcony rain tank ---------------------------------------
    Spec(
        "citerne-balcon",
        IdeaState.MERGED,
        "Paul G.",
        "Citerne d'eau de pluie pour balcon",
        _s("Je voudrais récupérer l'eau de pluie sur mon balcon au 3e étage."),
        _s("Une petite citerne murale avec un robinet, pour arroser mes bacs."),
        ("arrosage", "balcon"),
        opened=45,
        until=30,
        into="recuperateur-balcon",
        reason=_s(
            "Même idée que « Récupérateur d'eau de pluie compact pour balcon » :",
            "les soutiens y sont regroupés et Paul en devient co-auteur.",
        ),
        comments=1,
    ),
    # --- withdrawn by their authors ---------------------------------------------
    Spec(
        "scie-buches",
        IdeaState.WITHDRAWN,
        "Lucas B.",
        "Chevalet de sciage pour bûches",
        _s("Scier les bûches sur un tréteau, c'est dangereux : le bois roule."),
        _s("Un chevalet en X avec mâchoire qui bloque les bûches de 5 à 25 cm."),
        ("outillage",),
        opened=40,
        supporters=2,
        until=20,
        reason="Je l'ai trouvé finalement au rayon bois de chauffage, merci à tous !",
        comments=2,
    ),
]

# The ideas of this very day: through the services, as members post them now.
PENDING_NOW = [
    (
        "Théo F.",
        "Sac de jardin pliable pour feuilles mortes",
        _s(
            "Ramasser les feuilles demande un sac qui tienne ouvert tout seul ; les",
            "sacs en toile s'affaissent dès qu'on lâche les bords.",
        ),
        _s(
            "Un sac de 120 L à armature ressort qui se déplie d'un coup, avec des",
            "poignées renforcées et un fond imperméable.",
        ),
        ["jardin"],
        1,
    ),
    (
        "Anaïs F.",
        "Kit de peinture sans solvant pour les enfants",
        _s(
            "Repeindre une cabane ou des pots avec les enfants, c'est compliqué",
            "avec des peintures qui sentent fort et tachent pour de bon.",
        ),
        _s(
            "Un coffret de 6 couleurs à l'eau pour bois et terre cuite, lavables",
            "sur la peau et les vêtements, avec pinceaux larges et pochoirs.",
        ),
        ["peinture", "enfants"],
        0,
    ),
    (
        "Juliette A.",
        "Jardinière surélevée accessible en fauteuil",
        _s(
            "Mon père se déplace en fauteuil et ne peut plus jardiner : les carrés",
            "potagers surélevés ont des pieds qui empêchent d'approcher.",
        ),
        _s(
            "Une jardinière sur pieds en retrait, hauteur 75 cm, vide en dessous",
            "pour glisser les genoux, profondeur de terre 25 cm.",
        ),
        ["jardin", "potager"],
        0,
    ),
]
DRAFTS_NOW = [
    (
        "Hugo Thomas",
        "Support de téléphone pour tondeuse autoportée",
        "Pas de place pour le téléphone en tondant, il tombe dans l'herbe.",
        "Un support à pince pour le guidon ou le volant, étanche aux projections.",
        ["jardin"],
    ),
    (
        "Mathis M.",
        "Brosse à désherber les joints de terrasse",
        "Les herbes entre les dalles repoussent et je ne veux pas de désherbant.",
        "Une brosse à poils d'acier en biais, manche télescopique, tête remplaçable.",
        ["jardin", "outillage"],
    ),
]
PENDING_COMMENTS_NOW = [
    (
        "Lina M.",
        "compost-balcon",
        "J'habite au 5e sans ascenseur : il faudrait qu'il reste léger une fois "
        "rempli, sinon impossible de le vider.",
    ),
    (
        "Margaux L.",
        "tuteurs-reglables",
        "Est-ce que les clips pourraient aussi servir pour les concombres ?",
    ),
]
REJECTED = (
    "Lucas B.",
    "Taille-haie électrique léger",
    _s(
        "Les taille-haies sont lourds à bout de bras pour les haies hautes,",
        "j'aimerais un modèle électrique de 600 W maniable.",
    ),
    _s("Un taille-haie électrique de 600 W avec une lame de 60 cm et un câble."),
    5,
)

COMMENTS = [
    "Excellente idée, je soutiens !",
    "J'en aurais eu besoin pas plus tard que ce week-end.",
    "Quel prix vous paraîtrait raisonnable ? Pour moi, pas plus de 30 €.",
    "Il faudrait une version plus petite pour les balcons.",
    "**Important** : prévoir des pièces de rechange vendues en magasin.",
    "Mon voisin en a bricolé un lui-même, ça marche très bien. Version du "
    "commerce bienvenue !",
    "Et pourquoi pas en bois de récupération ?",
    "Pensez aux gauchers :)",
    "J'ai partagé l'idée dans mon jardin partagé, plusieurs sont intéressés.",
    "Attention au poids, sinon c'est parfait.",
    "Une notice avec des photos plutôt que des schémas, s'il vous plaît.",
    "Je soutiens, à condition que ce soit fabriqué en Europe.",
    "- solide\n- simple à ranger\n- pas trop cher\n\nC'est tout ce qu'on demande.",
    "Vu quelque chose d'approchant en Allemagne, mais introuvable en France.",
    "Oui ! Et en plusieurs coloris si possible.",
    "Les clients du magasin de Nantes en parlent souvent au comptoir jardin.",
]
AUTHOR_REPLIES = [
    "Merci à tous pour vos retours, je complète la proposition.",
    "Bonne remarque, j'ajoute ce point à l'idée.",
    "Merci ! Parlez-en autour de vous, il manque quelques soutiens.",
]
BOARD_COMMENTS = [
    "L'équipe produit suit cette idée de près : merci pour la richesse des "
    "échanges, ils nous servent pour le cahier des charges.",
    "Le prototype est en test : nous partagerons des photos ici.",
]


@dataclass
class Plan:
    """The timeline worked out for one idea: every moment, every row to write."""

    spec: Spec
    author: object
    created: dt.datetime
    opened: dt.datetime | None
    support_times: list[dt.datetime] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)  # (from, to, by, reason, at)
    stage: int = 0
    deadline: dt.datetime | None = None
    released: dt.datetime | None = None  # when its supports came back
    ended: dt.datetime | None = None  # when its discussion stopped
    supporters: list = field(default_factory=list)  # (member, at)
    excluded: set = field(default_factory=set)  # author and co-originators' ids
    idea: Idea | None = None


def _day(moment: dt.datetime) -> str:
    with translation.override("fr"):
        return date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


def _next_refresh(moment: dt.datetime) -> dt.datetime:
    """The nightly `ideas_refresh` after `moment` (03:00 local time)."""
    local = timezone.localtime(moment)
    night = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if night <= local:
        night += dt.timedelta(days=1)
    return night


def _spread(rng, start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    """n moments between start and end, in order, each in its own slice."""
    span = (end - start).total_seconds()
    return [
        start + dt.timedelta(seconds=span * (j + 1 - rng.uniform(0.2, 0.9)) / n)
        for j in range(n)
    ]


def _walk_stages(plan: Plan, board, now: dt.datetime) -> None:
    """Advance the idea through the stages at the supports that reach them, the
    way `idea_stage_check` does; expire it when a deadline passes first."""
    spec = plan.spec
    stage, deadline = 0, plan.opened + dt.timedelta(days=STAGES[0][1])
    for count, at in enumerate(plan.support_times, start=1):
        if at > deadline:
            raise DemoIdeasError(f"{spec.key}: support {count} after its deadline")
        if stage < len(STAGES) and count >= STAGES[stage][0]:
            stage += 1
            if stage == len(STAGES):
                plan.history.append(
                    (OPEN, REVIEW, None, f"{count} soutiens atteints.", at)
                )
                deadline = None
                break
            deadline = at + dt.timedelta(days=STAGES[stage][1])
            plan.history.append(
                (
                    OPEN,
                    OPEN,
                    None,
                    f"{count} soutiens atteints. Palier suivant : "
                    f"{STAGES[stage][0]} soutiens d'ici le {_day(deadline)}.",
                    at,
                )
            )
    plan.stage, plan.deadline = stage, deadline
    if spec.state == IdeaState.EXPIRED:
        expired = _next_refresh(deadline)
        if expired >= now:
            raise DemoIdeasError(f"{spec.key}: its deadline has not passed yet")
        plan.history.append(
            (
                OPEN,
                IdeaState.EXPIRED,
                None,
                f"N'a pas atteint {STAGES[stage][0]} soutiens avant le "
                f"{_day(deadline)}.",
                expired,
            )
        )
        plan.released = plan.ended = expired
    elif spec.state == OPEN and (deadline is None or deadline <= now):
        raise DemoIdeasError(f"{spec.key}: an open idea past its stage")
    elif spec.state not in (OPEN, IdeaState.WITHDRAWN, IdeaState.MERGED):
        if stage != len(STAGES):
            raise DemoIdeasError(f"{spec.key}: reviewed before its last stage")
        at = plan.history[-1][-1]
        for state, days, reason in spec.steps:
            moment = now - dt.timedelta(days=days)
            if moment <= at:
                raise DemoIdeasError(f"{spec.key}: steps out of order")
            if state == LAUNCHED:
                reason = "En vente sous le nom « {product} »."
            plan.history.append((plan.history[-1][1], state, board, reason, moment))
            at = moment
            if plan.released is None and state not in SUPPORT_HOLDING_STATES:
                plan.released = moment
        plan.ended = at if spec.state == IdeaState.DECLINED else now
    elif deadline is not None and deadline <= now - dt.timedelta(days=spec.until):
        raise DemoIdeasError(f"{spec.key}: expired before it was closed")


def _state_changed_at(plan: Plan) -> dt.datetime:
    """The moment of its last change of state (a stage reached is not one)."""
    return max(at for old, new, _by, _reason, at in plan.history if old != new)


def _plan(spec: Spec, author, rng, staff: tuple, now: dt.datetime) -> Plan:
    """Work out the moments of one idea's life, from its spec; `staff` is the
    (moderator, review board) who signed its steps."""
    moderator, board = staff
    opened = now - dt.timedelta(days=spec.opened, hours=rng.uniform(0, 10))
    premoderated = member_is_premoderated(member=author)
    created = opened - dt.timedelta(hours=rng.uniform(3, 20) if premoderated else 0)
    if created <= author.date_joined + dt.timedelta(days=1):
        raise DemoIdeasError(f"{spec.key}: written before its author joined")
    plan = Plan(spec=spec, author=author, created=created, opened=opened)
    if premoderated:
        plan.history.append((IdeaState.DRAFT, IdeaState.PENDING, author, "", created))
        plan.history.append(
            (IdeaState.PENDING, OPEN, None, "Ouverte au soutien.", opened)
        )
    else:
        plan.history.append(
            (IdeaState.DRAFT, OPEN, author, "Ouverte au soutien.", opened)
        )
    n = spec.supporters
    if spec.state == OPEN:
        plan.support_times = _spread(rng, opened, now - dt.timedelta(hours=2), n)
    elif spec.state == IdeaState.EXPIRED:
        plan.support_times = _spread(rng, opened, opened + dt.timedelta(days=25), n)
    elif spec.state in (IdeaState.WITHDRAWN, IdeaState.MERGED):
        until = now - dt.timedelta(days=spec.until)
        plan.support_times = _spread(rng, opened, until - dt.timedelta(days=1), n)
    else:
        # The last support is the one that puts it in review.
        until = now - dt.timedelta(days=spec.until, hours=rng.uniform(0, 8))
        times = _spread(rng, opened, until - dt.timedelta(days=1), n - 1)
        plan.support_times = [*times, until]
    _walk_stages(plan, board, now)
    if spec.state in (IdeaState.WITHDRAWN, IdeaState.MERGED):
        at = now - dt.timedelta(days=spec.until)
        by = author if spec.state == IdeaState.WITHDRAWN else moderator
        plan.history.append((OPEN, spec.state, by, spec.reason, at))
        plan.released = plan.ended = at
    return plan


def _supporters_choose(plans: list[Plan], members: list, rng) -> None:
    """Give every support to a member, in the order they were given: one who had
    joined, is no originator of the idea, and had a support left at that moment."""
    slots = sorted(
        ((at, n, plan) for plan in plans for n, at in enumerate(plan.support_times)),
        key=lambda slot: (slot[0], slot[1]),
    )
    held: dict[int, list[dt.datetime | None]] = {m.pk: [] for m in members}
    for at, _n, plan in slots:
        taken = {member.pk for member, _at in plan.supporters}
        eligible = [
            member
            for member in members
            if member.date_joined < at - dt.timedelta(days=1)
            and member.pk not in plan.excluded
            and member.pk not in taken
            and sum(1 for back in held[member.pk] if back is None or back > at)
            < SUPPORT_BUDGET
        ]
        if not eligible:
            raise DemoIdeasError(f"{plan.spec.key}: nobody left to support it")
        eligible.sort(key=lambda m: (len(held[m.pk]), rng.random()))
        member = rng.choice(eligible[:4])
        held[member.pk].append(plan.released)
        plan.supporters.append((member, at))


def _from_review(spec: Spec, members: dict) -> Review | None:
    """A published review of 3 stars or fewer, a month old at least, by a demo
    member who could have turned it into an idea then; the spec takes its texts."""
    cutoff = timezone.now() - dt.timedelta(days=spec.opened + 2)
    ids = {m.pk for m in members.values()}
    review = (
        Review.objects.filter(
            status=ModerationStatus.PUBLISHED,
            rating__lte=3,
            created_at__lt=cutoff,
            author_id__in=ids,
            author__trust_level__gte=2,
            author__date_joined__lt=cutoff - dt.timedelta(days=2),
        )
        .select_related("product", "author")
        .order_by("created_at", "pk")
        .first()
    )
    if review is None:
        return None
    name = review.product.name
    spec.author = review.author.display_name
    spec.title = f"{name} : une version plus robuste"[:120]
    quoted = "\n>\n".join(
        f"> {part}" for part in review.body.split("\n\n")[:3] if part.strip()
    )
    spec.problem = (
        f"Ce que j'écrivais dans mon avis « {review.title} » ({review.rating}/5) :"
        f"\n\n{quoted}"
    )[:5_000]
    spec.proposal = _s(
        f"Une version revue de « {name} » : des matériaux plus solides aux",
        "points qui cassent, des pièces de rechange vendues en magasin et une",
        "notice illustrée. Je suis prêt à tester les prototypes.",
    )
    spec.tags = tuple(tag.name for tag in review.product.tags.all()[:2])
    return review


def _board_member():
    """The review board's account: it signs the board's decisions, and can log
    in to the admin's review board (the "Review board" group of the ideas app)."""
    User = get_user_model()
    board, _created = User.objects.get_or_create(
        email=BOARD_EMAIL,
        defaults={
            "display_name": BOARD_NAME,
            "slug": "comite-produits",
            "is_staff": True,
            "trust_level": 4,
            "first_name": "Comité produits",
            "last_name": "Comptoir",
            "password": make_password(MEMBER_PASSWORD),
        },
    )
    group = Group.objects.filter(name=BOARD_GROUP).first()
    if group is not None:
        board.groups.add(group)
    _email_verified(board)
    return board


def _settings(now: dt.datetime) -> IdeasSettings:
    settings = IdeasSettings.load()
    (
        (settings.stage1_supporters, settings.stage1_days),
        (settings.stage2_supporters, settings.stage2_days),
        (settings.stage3_supporters, settings.stage3_days),
    ) = STAGES
    settings.support_budget = SUPPORT_BUDGET
    settings.next_review_board = (now + dt.timedelta(days=REVIEW_BOARD_IN_DAYS)).date()
    settings.save()
    return settings


def _tags(names) -> dict[str, Tag]:
    names = set(names)
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - set(tags)):
        tag = Tag(name=name)
        tag.save()  # taggit makes the slug
        tags[name] = tag
    return tags


def _comments(plans: list[Plan], members: list, board, rng, now) -> list:
    rows = []
    for plan in plans:
        spec = plan.spec
        end = min(plan.ended or now, now - dt.timedelta(hours=1))
        moments = _spread(rng, plan.opened + dt.timedelta(hours=2), end, spec.comments)
        for n, at in enumerate(moments):
            if n % 3 == 2:
                author, body = plan.author, AUTHOR_REPLIES[n // 3 % len(AUTHOR_REPLIES)]
            elif (
                spec.state in (ACCEPTED, DEVELOPMENT, LAUNCHED)
                and n == len(moments) - 1
            ):
                author = board
                body = BOARD_COMMENTS[1 if spec.state in (DEVELOPMENT, LAUNCHED) else 0]
            else:
                joined = [m for m in members if m.date_joined < at - dt.timedelta(1)]
                author, body = rng.choice(joined), rng.choice(COMMENTS)
            rows.append(
                IdeaComment(
                    idea=plan.idea,
                    author=author,
                    body=body,
                    status=ModerationStatus.PUBLISHED,
                    created_at=at,
                    status_changed_at=at,
                    published_at=at,
                )
            )
    return rows


def _decisions(plans, comments, moderator) -> list[ModerationDecision]:
    """The moderator's approvals of what premoderated members posted."""
    idea_type = ContentType.objects.get_for_model(Idea)
    comment_type = ContentType.objects.get_for_model(IdeaComment)
    rows = [
        ModerationDecision(
            content_type=idea_type,
            object_id=plan.idea.pk,
            author=plan.author,
            moderator=moderator,
            action=ModerationAction.APPROVE,
            status_before=ModerationStatus.PENDING,
            status_after=ModerationStatus.PUBLISHED,
            decided_at=plan.opened,
        )
        for plan in plans
        if member_is_premoderated(member=plan.author)
    ]
    rows += [
        ModerationDecision(
            content_type=comment_type,
            object_id=comment.pk,
            author=comment.author,
            moderator=moderator,
            action=ModerationAction.APPROVE,
            status_before=ModerationStatus.PENDING,
            status_after=ModerationStatus.PUBLISHED,
            decided_at=comment.created_at,
        )
        for comment in comments
        if member_is_premoderated(member=comment.author)
    ]
    return rows


def _photos(plans: list[Plan], rng) -> int:
    count = 0
    for plan in plans:
        for position in range(plan.spec.photos):
            photo = IdeaPhoto(idea=plan.idea, position=position)
            upload = _photo(rng, count)
            photo.file.save(f"idee-{plan.idea.pk}-{position}.jpg", upload, save=True)
            count += 1
    return count


def _launch(plan: Plan, product: Product) -> None:
    """Name the product's originators from the idea's frozen shares, through the
    rewards service, as `idea_launch` does: the monthly close then pays them."""
    shares = dict(
        IdeaOriginator.objects.filter(idea=plan.idea, accepted_at__isnull=False)
        .order_by("pk")
        .values_list("member", "share_bp")
    )
    members = get_user_model().objects.in_bulk(list(shares))
    product_originators_set(
        product=product,
        shares={members[pk]: share for pk, share in shares.items()},
        note=f"Idea #{plan.idea.pk}: {plan.idea.title}"[:200],
    )


# state reached → (notification kind of community/ideas/notify.py, its title)
NOTIFIED = {
    REVIEW: ("idea_in_review", "« {title} » passe devant le comité produits"),
    ACCEPTED: ("idea_decided", "Le comité produits a retenu « {title} »"),
    HOLD: ("idea_decided", "« {title} » est en attente d'une décision"),
    DEVELOPMENT: ("idea_decided", "« {title} » est en développement"),
    LAUNCHED: ("idea_launched", "« {title} » est en vente en magasin"),
    IdeaState.DECLINED: (
        "idea_decided",
        "Le comité produits n'a pas retenu « {title} »",
    ),
    IdeaState.EXPIRED: (
        "idea_expired",
        "« {title} » n'a pas réuni assez de soutiens à temps",
    ),
}


def _notifications(plans: list[Plan], product: Product, now) -> list[Notification]:
    """What the lifecycle told the originators of the ideas that moved in the last
    two months, and of the launched one: notifications to read in their header."""
    rows = []
    for plan in plans:
        _from, state, _by, reason, at = plan.history[-1]
        if state not in NOTIFIED or (
            now - at > dt.timedelta(days=60) and state != LAUNCHED
        ):
            continue
        kind, title = NOTIFIED[state]
        recipients = [plan.author] + [
            origination.member
            for origination in plan.idea.originators.select_related("member")
            if origination.accepted_at and origination.member_id != plan.author.pk
        ]
        for member in recipients:
            rows.append(
                Notification(
                    recipient=member,
                    kind=kind,
                    title=title.format(title=plan.idea.title),
                    body=reason.format(product=product.name),
                    url=plan.idea.get_absolute_url(),
                    created_at=at,
                    # The older ones were read; those of the last weeks wait.
                    read_at=at + dt.timedelta(hours=6)
                    if now - at > dt.timedelta(days=21)
                    else None,
                )
            )
    return rows


def _now_posts(by_name: dict, plans_by_key: dict, rng) -> tuple[int, int, int]:
    """Today's drafts, ideas and comments waiting for a moderator: the services."""
    drafts = pending = comments = 0
    for name, title, problem, proposal, tags in DRAFTS_NOW:
        idea_create(
            author=by_name[name],
            title=title,
            problem=problem,
            proposal=proposal,
            tags=tags,
            submit=False,
        )
        drafts += 1
    for name, title, problem, proposal, tags, photos in PENDING_NOW:
        idea = idea_create(
            author=by_name[name],
            title=title,
            problem=problem,
            proposal=proposal,
            tags=tags,
            photos=[_photo(rng, 100 + n) for n in range(photos)],
        )
        pending += idea.state == IdeaState.PENDING
    for name, key, body in PENDING_COMMENTS_NOW:
        comment_post(idea=plans_by_key[key].idea, author=by_name[name], body=body)
        comments += 1
    return drafts, pending, comments


def _rejected(by_name: dict, moderator, now) -> Idea:
    """A newcomer's idea the shop already sells, rejected with the reason."""
    name, title, problem, proposal, days = REJECTED
    author = by_name[name]
    created = now - dt.timedelta(days=days)
    decided = created + dt.timedelta(hours=6)
    idea = Idea.objects.create(
        author=author,
        title=title,
        problem=problem,
        proposal=proposal,
        state=IdeaState.PENDING,
        status=ModerationStatus.REJECTED,
        rejection_reason=IdeaRejectionReason.EXISTING_PRODUCT,
        rejection_note="Le magasin vend déjà le taille-haie électrique 600 W "
        "(JAR-00013) : n'hésitez pas à lui laisser un avis.",
        created_at=created,
        state_changed_at=created,
        status_changed_at=decided,
    )
    IdeaOriginator.objects.create(
        idea=idea,
        member=author,
        share_bp=BASIS_POINTS,
        invited_at=created,
        accepted_at=created,
    )
    IdeaStateChange.objects.create(
        idea=idea,
        from_state=IdeaState.DRAFT,
        to_state=IdeaState.PENDING,
        by=author,
        created_at=created,
    )
    ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(Idea),
        object_id=idea.pk,
        author=author,
        moderator=moderator,
        action=ModerationAction.REJECT,
        reason=IdeaRejectionReason.EXISTING_PRODUCT,
        note=idea.rejection_note,
        status_before=ModerationStatus.PENDING,
        status_after=ModerationStatus.REJECTED,
        decided_at=decided,
    )
    return idea


def ideas_build(*, progress: Progress) -> int:
    """The demo ideas and their community; nothing if ideas are already there.

    Runs after the reviews (an idea comes from one) and before the rewards step
    (the launched idea's originators must be named before months are closed).
    Returns how many ideas were made.
    """
    if Idea.objects.exists():
        return 0
    User = get_user_model()
    emails = [member_email(first, last) for first, last, *_ in MEMBERS]
    members = list(User.objects.filter(email__in=emails).order_by("pk"))
    if len(members) < len(MEMBERS):
        return 0
    by_name = {member.display_name: member for member in members}
    step = progress.step("Ideas", len(IDEAS) + len(PENDING_NOW) + len(DRAFTS_NOW) + 1)
    rng = random.Random(8)
    now = timezone.now()
    _settings(now)
    moderator, board = moderator_build(), _board_member()

    specs = [Spec(**vars(spec)) for spec in IDEAS]  # the review one is filled in
    review = None
    for spec in specs:
        if spec.key == "from-review":
            review = _from_review(spec, by_name)
    specs = [spec for spec in specs if spec.author]
    plans = []
    for spec in specs:
        author = by_name[spec.author]
        plan = _plan(spec, author, rng, (moderator, board), now)
        plan.excluded = {author.pk} | {by_name[name].pk for name, *_ in spec.co}
        plans.append(plan)
    _supporters_choose(plans, members, rng)
    by_key = {plan.spec.key: plan for plan in plans}

    # The ideas themselves, with what their supports and steps left on them.
    recent = now - dt.timedelta(days=14)
    launched = Product.objects.get(sku=LAUNCHED_SKU)
    rows = []
    for plan in plans:
        spec = plan.spec
        rows.append(
            Idea(
                author=plan.author,
                title=spec.title,
                problem=spec.problem,
                proposal=spec.proposal,
                state=spec.state,
                status=ModerationStatus.PUBLISHED,
                created_at=plan.created,
                status_changed_at=plan.opened,
                published_at=plan.opened,
                state_changed_at=_state_changed_at(plan),
                opened_at=plan.opened,
                stage=plan.stage,
                stage_deadline=plan.deadline,
                supporter_count=len(plan.supporters),
                recent_supporter_count=sum(
                    1 for _m, at in plan.supporters if at >= recent
                ),
                from_review=review if spec.key == "from-review" else None,
                product=launched if spec.state == LAUNCHED else None,
                shares_frozen_at=next(
                    (at for _f, to, _b, _r, at in plan.history if to == ACCEPTED), None
                ),
            )
        )
    for idea, plan in zip(Idea.objects.bulk_create(rows), plans, strict=True):
        plan.idea = idea
    for plan in plans:
        if plan.spec.into:
            plan.idea.merged_into = by_key[plan.spec.into].idea
            Idea.objects.filter(pk=plan.idea.pk).update(
                merged_into=plan.idea.merged_into
            )
    step.advance(len(plans))

    history = []
    for plan in plans:
        for from_state, to_state, by, reason, at in plan.history:
            if to_state == LAUNCHED:
                reason = reason.format(product=launched.name)
            history.append(
                IdeaStateChange(
                    idea=plan.idea,
                    from_state=from_state,
                    to_state=to_state,
                    by=by,
                    reason=reason,
                    created_at=at,
                )
            )
    IdeaStateChange.objects.bulk_create(history, batch_size=500)
    IdeaSupport.objects.bulk_create(
        [
            IdeaSupport(
                idea=plan.idea,
                member=member,
                created_at=at,
                released_at=plan.released,
            )
            for plan in plans
            for member, at in plan.supporters
        ],
        batch_size=500,
    )

    # Originators: the author, and the co-originators they named (a merged
    # duplicate's author was invited when it was merged).
    merged = {plan.spec.into: plan for plan in plans if plan.spec.into}
    originators = []
    for plan in plans:
        others = 0
        for name, share, accepted in plan.spec.co:
            member = by_name[name]
            invited = max(
                plan.opened + dt.timedelta(days=3),
                member.date_joined + dt.timedelta(days=2),
            )
            duplicate = merged.get(plan.spec.key)
            if duplicate is not None and duplicate.author == member:
                invited = duplicate.released
            originators.append(
                IdeaOriginator(
                    idea=plan.idea,
                    member=by_name[name],
                    share_bp=share,
                    invited_at=invited,
                    accepted_at=invited + dt.timedelta(hours=9) if accepted else None,
                )
            )
            others += share
        originators.append(
            IdeaOriginator(
                idea=plan.idea,
                member=plan.author,
                share_bp=BASIS_POINTS - others,
                invited_at=plan.created,
                accepted_at=plan.created,
            )
        )
    IdeaOriginator.objects.bulk_create(originators)

    tags = _tags(name for plan in plans for name in plan.spec.tags)
    TaggedIdea.objects.bulk_create(
        [
            TaggedIdea(content_object=plan.idea, tag=tags[name])
            for plan in plans
            for name in plan.spec.tags
        ]
    )

    comments = IdeaComment.objects.bulk_create(
        _comments(plans, members, board, rng, now), batch_size=500
    )
    counts: dict[int, int] = {}
    for comment in comments:
        counts[comment.idea_id] = counts.get(comment.idea_id, 0) + 1
    for plan in plans:
        plan.idea.comment_count = counts.get(plan.idea.pk, 0)
    Idea.objects.bulk_update([plan.idea for plan in plans], ["comment_count"])
    ModerationDecision.objects.bulk_create(
        _decisions(plans, comments, moderator), batch_size=500
    )
    photos = _photos(plans, rng)
    Notification.objects.bulk_create(_notifications(plans, launched, now))
    _launch(by_key["panneau-perfore"], launched)

    _rejected(by_name, moderator, now)
    step.advance()
    drafts, pending, waiting = _now_posts(by_name, by_key, rng)
    step.advance(len(PENDING_NOW) + len(DRAFTS_NOW))

    # Written in bulk, past the save signals: index them for search in one pass.
    indexed = list(Idea.objects.filter(pk__in=[plan.idea.pk for plan in plans]))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Idea, indexed)

    total = Idea.objects.count()
    step.count = total
    step.done(
        f"{IdeaSupport.objects.count()} supports, {len(comments) + waiting} "
        f"comments, {pending} pending, {drafts} drafts, {photos} photos"
    )
    return total
