"""The demo catalog: 8 categories of 10 products, in the retailer's own words.

Each product is (name, price in cents, description). SKUs are made from the
category's prefix and the product's position, e.g. JAR-00012.
"""

CATEGORIES = [
    {
        "tag": "outillage",
        "prefix": "OUT",
        "label": "Outillage",
        "colour": (196, 82, 45),
        "shape": "hammer",
        "products": [
            (
                "Perceuse-visseuse sans fil 18 V",
                8990,
                "Une perceuse-visseuse compacte livrée avec deux batteries 2 Ah et un "
                "chargeur rapide. Son couple de 45 Nm suffit pour monter un meuble "
                "comme pour percer le bois et le métal. Le mandrin autoserrant se "
                "manie d'une seule main.",
            ),
            (
                "Marteau de menuisier 500 g",
                1490,
                "Tête en acier forgé et manche en frêne pour un bon équilibre. Le "
                "pied-de-biche arrache les clous sans abîmer le bois.",
            ),
            (
                "Coffret de 108 embouts et douilles",
                3490,
                "Tous les embouts courants (plats, cruciformes, Torx, hexagonaux) et "
                "des douilles de 4 à 13 mm dans une mallette rigide. Chaque pièce a "
                "sa place, on voit tout de suite ce qui manque.",
            ),
            (
                "Scie égoïne 550 mm",
                1990,
                "Denture trempée trois faces pour une coupe rapide dans le bois "
                "tendre comme dans l'aggloméré. La poignée bimatière limite la "
                "fatigue sur les longues découpes.",
            ),
            (
                "Niveau à bulle aluminium 80 cm",
                2290,
                "Profilé en aluminium renforcé avec trois fioles : horizontale, "
                "verticale et 45°. Précision de 0,5 mm/m, idéal pour poser étagères "
                "et carrelage.",
            ),
            (
                "Meuleuse d'angle 125 mm 900 W",
                5990,
                "Meuleuse polyvalente pour couper, ébarber et poncer. Poignée "
                "latérale réglable sur trois positions et capot de protection sans "
                "outil. Livrée avec un disque à tronçonner.",
            ),
            (
                "Jeu de 6 tournevis isolés 1000 V",
                2490,
                "Tournevis plats et cruciformes certifiés VDE pour les travaux "
                "d'électricité. Lames en acier chrome-vanadium et manches "
                "ergonomiques antidérapants.",
            ),
            (
                "Mètre ruban 8 m magnétique",
                1290,
                "Ruban de 25 mm de large qui reste rigide jusqu'à 3 m. Le crochet "
                "aimanté tient seul sur les profilés métalliques, pratique quand on "
                "mesure sans aide.",
            ),
            (
                "Scie sauteuse pendulaire 650 W",
                6990,
                "Quatre positions pendulaires et variateur de vitesse pour découper "
                "bois, plastique et métal. Le souffleur garde le trait de coupe "
                "visible. Semelle inclinable jusqu'à 45°.",
            ),
            (
                "Établi pliant avec étau",
                7990,
                "Plateau en bambou de 60 × 60 cm et deux mâchoires de serrage "
                "intégrées. Il se replie en quelques secondes et se range contre "
                "un mur du garage.",
            ),
        ],
    },
    {
        "tag": "jardin",
        "prefix": "JAR",
        "label": "Jardin",
        "colour": (74, 124, 58),
        "shape": "leaf",
        "products": [
            (
                "Tondeuse thermique tractée 46 cm",
                34900,
                "Moteur de 140 cm³ et traction sur les roues arrière pour les "
                "terrains jusqu'à 1 200 m². Bac de ramassage de 60 litres et "
                "fonction mulching. Hauteur de coupe réglable sur sept positions.",
            ),
            (
                "Sécateur de jardin à lames franches",
                2190,
                "Lames en acier carbone affûtées pour une coupe nette qui cicatrise "
                "vite. Coupe jusqu'à 22 mm de diamètre. Ressort et lames "
                "remplaçables.",
            ),
            (
                "Taille-haie électrique 600 W",
                8990,
                "Lame double action de 60 cm pour tailler les haies denses sans "
                "effort. Poignée rotative pour couper le dessus de la haie sans se "
                "tordre le poignet.",
            ),
            (
                "Râteau à feuilles en acier",
                1690,
                "Vingt-deux dents souples en acier galvanisé qui ramassent les "
                "feuilles sans arracher le gazon. Manche en bois de 150 cm.",
            ),
            (
                "Brouette 100 L roue gonflable",
                6490,
                "Cuve en acier peint et roue gonflable pour passer partout, même "
                "dans l'herbe haute. Supporte 150 kg de terre, de gravats ou de "
                "compost.",
            ),
            (
                "Composteur bois 600 L",
                7490,
                "Composteur en pin traité autoclave, monté en dix minutes sans "
                "outil. Trappe basse pour récupérer le compost mûr. Réduit d'un "
                "tiers le poids de la poubelle ménagère.",
            ),
            (
                "Bêche à dents forgée",
                2990,
                "Quatre dents forgées qui pénètrent les sols lourds et argileux. "
                "Manche en frêne avec poignée en D pour une bonne prise.",
            ),
            (
                "Souffleur-aspirateur de feuilles 2 500 W",
                6990,
                "Souffle, aspire et broie les feuilles dans un sac de 40 litres. "
                "Le broyage réduit le volume par dix : idéal pour pailler les "
                "massifs ensuite.",
            ),
            (
                "Gants de jardinage cuir, taille 9",
                990,
                "Paume en cuir de chèvre souple et dos en toile respirante. Ils "
                "protègent des épines sans gêner les gestes précis.",
            ),
            (
                "Salon de jardin en acacia 4 places",
                39900,
                "Une table ronde de 120 cm et quatre chaises pliantes en acacia "
                "certifié FSC. Le bois huilé prend une belle patine grise avec les "
                "saisons. Se range à plat pour l'hiver.",
            ),
        ],
    },
    {
        "tag": "arrosage",
        "prefix": "ARR",
        "label": "Arrosage",
        "colour": (46, 117, 182),
        "shape": "drop",
        "products": [
            (
                "Tuyau d'arrosage 25 m anti-torsion",
                3490,
                "Tuyau de 15 mm en quatre couches avec tressage anti-torsion. Il "
                "reste souple par temps froid et résiste aux UV. Garanti dix ans.",
            ),
            (
                "Dévidoir mural automatique 30 m",
                11900,
                "Le tuyau s'enroule seul, guidé régulièrement, d'un simple geste. "
                "Le boîtier pivote sur 180° et se fixe au mur avec le kit fourni.",
            ),
            (
                "Pistolet d'arrosage 8 jets",
                1490,
                "Huit formes de jet, de la brume pour les semis au jet puissant "
                "pour nettoyer la terrasse. Gâchette verrouillable pour arroser "
                "sans crispation.",
            ),
            (
                "Programmateur d'arrosage connecté",
                5990,
                "Se visse sur le robinet et se pilote depuis le téléphone. Il "
                "suspend l'arrosage quand la pluie est annoncée. Fonctionne sur "
                "piles pendant une saison entière.",
            ),
            (
                "Kit goutte-à-goutte 30 plantes",
                2990,
                "Tout pour arroser trente pots ou un potager : tuyau, goutteurs "
                "réglables, raccords et piquets. Économise jusqu'à 70 % d'eau par "
                "rapport à l'arrosoir.",
            ),
            (
                "Récupérateur d'eau de pluie 300 L",
                8990,
                "Cuve en polyéthylène avec robinet et kit de raccordement à la "
                "gouttière. Couvercle verrouillable pour la sécurité des enfants. "
                "Teinte sable discrète contre un mur.",
            ),
            (
                "Arroseur oscillant 16 buses",
                1990,
                "Couvre jusqu'à 200 m² avec une largeur et une portée réglables. "
                "Idéal pour les pelouses rectangulaires.",
            ),
            (
                "Arrosoir galvanisé 10 L",
                2490,
                "Arrosoir traditionnel en acier galvanisé avec pomme en laiton "
                "amovible. Il dure des décennies et se patine joliment.",
            ),
            (
                "Pompe de surface 800 W",
                12900,
                "Puise l'eau d'un puits ou d'une cuve jusqu'à 8 m de profondeur. "
                "Débit de 3 200 litres par heure pour arroser un grand jardin. "
                "Protection thermique contre la surchauffe.",
            ),
            (
                "Tuyau microporeux 15 m",
                1790,
                "L'eau suinte sur toute la longueur du tuyau, au pied des plantes. "
                "À enterrer sous le paillage d'un massif ou d'une haie.",
            ),
        ],
    },
    {
        "tag": "plantes",
        "prefix": "PLA",
        "label": "Plantes",
        "colour": (122, 160, 60),
        "shape": "flower",
        "products": [
            (
                "Olivier en pot, hauteur 1,20 m",
                5990,
                "Un olivier de six ans cultivé en Provence, prêt à installer sur "
                "une terrasse ensoleillée. Il supporte des gelées jusqu'à −10 °C "
                "une fois bien enraciné.",
            ),
            (
                "Lavande vraie, pot de 2 L",
                690,
                "Lavande angustifolia au parfum délicat, mellifère et très "
                "rustique. Floraison de juin à août. Elle aime le soleil et les "
                "sols secs.",
            ),
            (
                "Rosier grimpant 'Pierre de Ronsard'",
                2490,
                "Grandes fleurs rose pâle au cœur plus soutenu, remontantes "
                "jusqu'aux gelées. Il couvre une arche ou un mur de 3 mètres. "
                "Très résistant aux maladies.",
            ),
            (
                "Terreau universel 50 L",
                990,
                "Terreau enrichi en engrais organique pour rempotages et "
                "plantations. Label utilisable en agriculture biologique. Garde "
                "l'humidité sans détremper.",
            ),
            (
                "Plants de tomates 'Cœur de bœuf', lot de 6",
                1190,
                "Des plants greffés, plus vigoureux et plus productifs. Gros fruits "
                "charnus à la chair fondante. À planter après les Saints de glace.",
            ),
            (
                "Hortensia bleu, pot de 4 L",
                1990,
                "Grosses inflorescences bleues de juin à septembre. Pour garder "
                "cette couleur, il lui faut une terre acide : terreau de bruyère "
                "conseillé.",
            ),
            (
                "Bulbes de tulipes mélangées, 50 pièces",
                1490,
                "Un mélange de couleurs vives à planter en automne pour un "
                "printemps éclatant. Calibre 11/12, floraison en avril.",
            ),
            (
                "Monstera deliciosa, pot de 21 cm",
                3490,
                "La plante d'intérieur aux grandes feuilles découpées. Elle aime la "
                "lumière indirecte et un arrosage quand le terreau a séché en "
                "surface.",
            ),
            (
                "Engrais gazon 4 en 1, 10 kg",
                2990,
                "Nourrit, reverdit et freine la mousse pour 400 m² de pelouse. "
                "Diffusion lente sur trois mois.",
            ),
            (
                "Érable du Japon 'Atropurpureum'",
                4490,
                "Feuillage pourpre qui vire au rouge vif en automne. Parfait en "
                "isolé ou en grand pot à mi-ombre. Hauteur adulte : 4 mètres.",
            ),
        ],
    },
    {
        "tag": "peinture",
        "prefix": "PEI",
        "label": "Peinture",
        "colour": (176, 58, 120),
        "shape": "brush",
        "products": [
            (
                "Peinture murs et plafonds blanc mat 10 L",
                4990,
                "Une peinture acrylique qui couvre en deux couches jusqu'à 120 m². "
                "Faible odeur et séchage rapide : la pièce est habitable le soir "
                "même. Classée A+ pour la qualité de l'air intérieur.",
            ),
            (
                "Peinture bois extérieur vert sauge 2,5 L",
                3990,
                "Protège volets, portails et bardages pendant huit ans. Microporeuse, "
                "elle laisse respirer le bois et ne s'écaille pas.",
            ),
            (
                "Rouleau anti-gouttes 180 mm",
                890,
                "Manchon en microfibre de 12 mm qui charge bien et restitue la "
                "peinture sans projections. Pour murs lisses et plafonds.",
            ),
            (
                "Lot de 3 pinceaux à rechampir",
                1290,
                "Trois largeurs (25, 40 et 60 mm) en fibres synthétiques pour les "
                "angles, les plinthes et les encadrements. Se nettoient à l'eau.",
            ),
            (
                "Ruban de masquage 50 m",
                590,
                "Adhésif de précision pour des bords nets. Il se retire sans "
                "laisser de traces jusqu'à quatorze jours après la pose.",
            ),
            (
                "Sous-couche universelle 5 L",
                3290,
                "Bloque les taches et unifie les supports avant la peinture de "
                "finition. Accroche sur plâtre, bois, carrelage et anciennes "
                "peintures brillantes.",
            ),
            (
                "Lasure chêne clair 5 L",
                4490,
                "Lasure satinée qui protège les bois extérieurs des UV et de "
                "l'humidité. Elle laisse voir le veinage du bois.",
            ),
            (
                "Bâche de protection 4 × 5 m",
                490,
                "Film polyéthylène à poser au sol et sur les meubles avant de "
                "peindre. Assez épais pour ne pas se déchirer sous l'escabeau.",
            ),
            (
                "Peinture cuisine et bain terracotta 2 L",
                3590,
                "Résiste à l'humidité, aux projections et aux lavages répétés. "
                "Finition satinée anti-moisissures pour les pièces d'eau.",
            ),
            (
                "Bac à peinture avec grille",
                690,
                "Bac robuste de 35 cm avec grille d'essorage pour charger le "
                "rouleau juste ce qu'il faut. Le bec verseur permet de "
                "reverser le surplus dans le pot.",
            ),
        ],
    },
    {
        "tag": "électricité",
        "prefix": "ELE",
        "label": "Électricité",
        "colour": (214, 160, 24),
        "shape": "bolt",
        "products": [
            (
                "Ampoule LED E27 806 lm, lot de 3",
                990,
                "L'équivalent d'une ampoule de 60 W pour 8,5 W consommés. Lumière "
                "blanc chaud de 2 700 K, durée de vie de 15 000 heures.",
            ),
            (
                "Rallonge enrouleur 25 m",
                3990,
                "Quatre prises avec terre et protection thermique. Câble de "
                "1,5 mm² pour alimenter une tondeuse ou un nettoyeur haute "
                "pression.",
            ),
            (
                "Détecteur de fumée certifié NF",
                1490,
                "Obligatoire dans chaque logement. Pile lithium de dix ans, "
                "bouton test et signal sonore de 85 dB.",
            ),
            (
                "Interrupteur va-et-vient blanc",
                690,
                "Mécanisme à bornes automatiques pour un câblage rapide et sûr. "
                "Plaque de finition fournie.",
            ),
            (
                "Projecteur LED extérieur à détecteur 20 W",
                2990,
                "S'allume quand on approche, pour l'allée ou le garage. Étanche "
                "IP65, portée de détection de 12 mètres réglable.",
            ),
            (
                "Multiprise parafoudre 6 prises",
                2490,
                "Protège télévision et ordinateur des surtensions. Interrupteur "
                "lumineux et cordon de 1,5 m.",
            ),
            (
                "Guirlande guinguette 10 m",
                3490,
                "Dix ampoules LED à filament pour la terrasse ou la pergola. "
                "Raccordable jusqu'à trois guirlandes.",
            ),
            (
                "Testeur de tension bipolaire",
                2790,
                "Vérifie l'absence de tension avant toute intervention, de 12 à "
                "690 V. Affichage à LED et signal sonore.",
            ),
            (
                "Câble électrique rigide 2,5 mm², 25 m",
                3290,
                "Fil H07V-U rouge pour les circuits de prises, conforme à la norme "
                "NF C 15-100. Vendu en couronne, il se déroule sans "
                "vriller.",
            ),
            (
                "Plafonnier LED rond 24 W",
                3990,
                "Un éclairage homogène et sans éblouissement pour la cuisine ou le "
                "couloir. Pose en dix minutes, sans ampoule à changer.",
            ),
        ],
    },
    {
        "tag": "plomberie",
        "prefix": "PLO",
        "label": "Plomberie",
        "colour": (58, 96, 140),
        "shape": "pipe",
        "products": [
            (
                "Mitigeur d'évier bec haut chromé",
                6990,
                "Bec pivotant à 360° et cartouche céramique à économie d'eau. "
                "Flexibles et kit de fixation fournis pour une pose sans "
                "plombier.",
            ),
            (
                "Colonne de douche thermostatique",
                15900,
                "Pommeau de 25 cm effet pluie et douchette à trois jets. Le "
                "thermostat garde l'eau à la bonne température et bloque à 38 °C "
                "pour éviter les brûlures.",
            ),
            (
                "Ventouse débouchoir à piston",
                1290,
                "Deux embouts pour éviers et WC. Le piston crée une pression bien "
                "plus forte qu'une ventouse classique.",
            ),
            (
                "Pince multiprise 250 mm",
                1690,
                "Ouverture réglable sur neuf positions et mâchoires trempées. "
                "L'indispensable pour serrer raccords et écrous de siphon.",
            ),
            (
                "Siphon d'évier gain de place",
                1490,
                "Se loge contre le mur et libère le meuble sous évier. Bouchon de "
                "vidange pour le nettoyer facilement.",
            ),
            (
                "Flexible de douche anti-torsion 1,75 m",
                1290,
                "Flexible en PVC renforcé qui ne vrille pas. Raccords universels "
                "en laiton.",
            ),
            (
                "Ruban téflon, lot de 5",
                390,
                "Assure l'étanchéité des raccords filetés d'eau et de gaz. "
                "Cinq rouleaux de 12 m, de quoi tenir plusieurs chantiers.",
            ),
            (
                "Chauffe-eau électrique 200 L",
                42900,
                "Cuve émaillée et résistance stéatite, moins sensible au calcaire. "
                "Mode éco pour chauffer aux heures creuses. Pose verticale murale.",
            ),
            (
                "Abattant WC frein de chute",
                3490,
                "Abattant en thermodur qui se referme doucement et sans bruit. "
                "Déclipsable pour un nettoyage complet.",
            ),
            (
                "Kit de raccords multicouche 16 mm",
                2990,
                "Coudes, tés et raccords à sertir pour rénover une installation "
                "sans soudure. Compatible avec la pince à sertir en location.",
            ),
        ],
    },
    {
        "tag": "rangement",
        "prefix": "RAN",
        "label": "Rangement",
        "colour": (120, 92, 70),
        "shape": "box",
        "products": [
            (
                "Étagère métallique 5 niveaux",
                4990,
                "180 × 90 × 40 cm, chaque tablette porte 150 kg. Montage sans vis "
                "par emboîtement, idéale pour le garage ou la cave.",
            ),
            (
                "Boîte de rangement 45 L avec couvercle, lot de 3",
                2990,
                "Plastique transparent pour voir le contenu d'un coup d'œil. "
                "Empilables, avec poignées verrouillant le couvercle.",
            ),
            (
                "Caisse à outils 48 cm",
                1990,
                "Plateau amovible et organiseurs dans le couvercle pour les vis "
                "et les embouts. Fermoirs métalliques solides.",
            ),
            (
                "Abri de jardin en bois 6 m²",
                99900,
                "Madriers de 19 mm en épicéa, double porte et fenêtre. Assez de "
                "place pour la tondeuse, les vélos et les outils. Livré en kit "
                "avec notice de montage détaillée.",
            ),
            (
                "Panneau mural perforé avec 20 crochets",
                3490,
                "Pour suspendre les outils au-dessus de l'établi et les retrouver "
                "d'un regard. Panneau en acier laqué de 120 × 60 cm.",
            ),
            (
                "Coffre de jardin résine 570 L",
                12900,
                "Range coussins, jouets et outils à l'abri de la pluie. Le "
                "couvercle supporte deux adultes assis.",
            ),
            (
                "Desserte d'atelier 3 tiroirs",
                14900,
                "Sur roulettes, avec tiroirs montés sur glissières à billes et "
                "serrure centrale. Plateau supérieur en bois.",
            ),
            (
                "Crochets vélo muraux, lot de 2",
                1290,
                "Suspendent un vélo par la roue pour libérer le sol du garage. "
                "Revêtement caoutchouc qui protège la jante.",
            ),
            (
                "Armoire haute en résine 2 portes",
                8990,
                "Quatre tablettes réglables, pour la buanderie ou le garage. "
                "Résiste à l'humidité et se nettoie d'un coup d'éponge.",
            ),
            (
                "Organiseur de vis 24 compartiments",
                1490,
                "Compartiments amovibles et couvercle transparent verrouillable. "
                "Les petites pièces ne se mélangent plus.",
            ),
        ],
    },
]


def catalog_rows() -> list[dict]:
    """Every demo product as a flat row, in a stable order with its SKU."""
    rows = []
    number = 0
    for category in CATEGORIES:
        for name, price_cents, description in category["products"]:
            number += 1
            rows.append(
                {
                    "sku": f"{category['prefix']}-{number:05d}",
                    "name": name,
                    "price_cents": price_cents,
                    "description": description,
                    "tag": category["tag"],
                    "category": category,
                }
            )
    return rows
