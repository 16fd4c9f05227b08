"""Twelve articles by the retailer's staff, in French.

Each article has a lead paragraph, sections (heading + rich text), a picture, a quote,
product cards (by SKU, with the editor's note) and a call to action. `cta` names its
target: "articles" (the article index), "home", "stores" or another article's slug.
"""

ARTICLES = [
    {
        "slug": "preparer-son-jardin-pour-l-hiver",
        "title": "Préparer son jardin pour l'hiver",
        "days_ago": 4,
        "author": "Claire Fontaine, conseillère jardin à Lyon Part-Dieu",
        "tags": ["jardin", "saison", "conseils"],
        "intro": "Quelques heures de travail en novembre évitent bien des dégâts au "
        "printemps. Voici la liste de ce qu'il faut rentrer, protéger et laisser "
        "en place.",
        "colour": (70, 96, 120),
        "shape": "leaf",
        "lead": "<p>Quand les premières gelées arrivent, le jardin ralentit mais ne "
        "s'arrête pas. C'est le bon moment pour <b>protéger ce qui craint le "
        "froid</b> et préparer le sol pour la saison suivante.</p>",
        "sections": [
            (
                "Vidanger les circuits d'eau",
                "<p>Une canalisation pleine qui gèle se fend, et la fuite ne se voit "
                "qu'au printemps. Fermez le robinet extérieur, ouvrez-le pour le "
                "vider, puis enroulez le tuyau à l'abri.</p><ul><li>Débranchez le "
                "programmateur et retirez ses piles.</li><li>Videz le récupérateur "
                "d'eau de pluie aux deux tiers.</li><li>Rentrez l'arrosoir et les "
                "pistolets en plastique.</li></ul>",
            ),
            (
                "Pailler plutôt que bêcher",
                "<p>Les feuilles mortes broyées font un excellent paillis : elles "
                "protègent la vie du sol et se décomposent d'ici mars. Inutile de "
                "retourner la terre, les vers de terre s'en chargent.</p>",
            ),
            (
                "Protéger les plantes en pot",
                "<p>Les racines d'une plante en pot gèlent bien plus vite qu'en "
                "pleine terre. Regroupez les pots contre un mur exposé au sud et "
                "surélevez-les sur des cales pour que l'eau s'écoule.</p>",
            ),
        ],
        "image_caption": "Un massif paillé de feuilles broyées, prêt pour l'hiver.",
        "quote": (
            "Un jardin qu'on a bien couché en novembre se réveille tout seul en mars.",
            "Claire Fontaine",
        ),
        "products": [
            ("JAR-00018", "Pour broyer les feuilles et en faire un paillis."),
            ("ARR-00026", "À vider en partie avant les grands froids."),
        ],
        "cta": (
            "Vos questions de saison",
            "Nos conseillers jardin répondent en magasin, du lundi au samedi.",
            "Trouver un magasin",
            "stores",
        ),
    },
    {
        "slug": "composter-en-ville-comme-a-la-campagne",
        "title": "Composter en ville comme à la campagne",
        "days_ago": 11,
        "author": "Julien Roche, responsable du rayon jardin à Nantes Atlantis",
        "tags": ["jardin", "écologie", "débutant"],
        "intro": "Un tiers de nos poubelles peut redevenir de la terre. Balcon, "
        "cour ou grand jardin : il existe un composteur pour chaque situation.",
        "colour": (96, 78, 50),
        "shape": "leaf",
        "lead": "<p>Depuis 2024, les collectivités doivent proposer une solution "
        "de tri des biodéchets. Composter chez soi reste la plus simple, et elle "
        "<i>nourrit</i> le potager gratuitement.</p>",
        "sections": [
            (
                "Le bon équilibre : vert et brun",
                "<p>Un compost réussi mélange à parts égales des déchets humides "
                "(épluchures, tontes) et des déchets secs (feuilles, carton brun, "
                "petites branches). Trop de vert, il sent mauvais ; trop de brun, "
                "il ne bouge plus.</p>",
            ),
            (
                "Ce qui va au compost, et ce qui n'y va pas",
                "<ul><li>Oui : épluchures, marc de café, coquilles d'œuf, fleurs "
                "fanées.</li><li>Avec modération : agrumes, restes cuits.</li>"
                "<li>Non : viande, poisson, litière du chat, plantes malades."
                "</li></ul>",
            ),
        ],
        "image_caption": "Le compost mûr sent le sous-bois : il est prêt.",
        "quote": (
            "Mon composteur a réduit ma poubelle de moitié, et mes tomates ne "
            "s'en sont jamais aussi bien portées.",
            "Arthur, membre de la communauté à Nantes",
        ),
        "products": [
            ("JAR-00016", "Notre modèle le plus vendu pour un jardin familial."),
            ("JAR-00015", "Pour étaler le compost mûr au pied des massifs."),
        ],
        "cta": (
            "Le compost nourrit la pelouse",
            "Un compost mûr, c'est aussi le meilleur engrais pour le gazon.",
            "Lire l'article",
            "une-pelouse-dense-et-verte",
        ),
    },
    {
        "slug": "tailler-ses-haies-sans-s-epuiser",
        "title": "Tailler ses haies sans s'épuiser",
        "days_ago": 19,
        "author": "Claire Fontaine, conseillère jardin à Lyon Part-Dieu",
        "tags": ["jardin", "taille", "conseils"],
        "intro": "La bonne période, le bon outil et trois gestes pour une haie "
        "dense et droite, sans courbatures le lendemain.",
        "colour": (58, 110, 64),
        "shape": "leaf",
        "lead": "<p>On taille la plupart des haies persistantes deux fois par an : "
        "à la fin du printemps et au début de l'automne. Attention, <b>la taille "
        "est déconseillée du 15 mars au 31 juillet</b> pendant la nidification "
        "des oiseaux.</p>",
        "sections": [
            (
                "Commencer par les côtés",
                "<p>Taillez les flancs de bas en haut, en donnant une légère forme "
                "de trapèze : la base plus large que le sommet reçoit la lumière "
                "et reste garnie.</p>",
            ),
            (
                "Le dessus au cordeau",
                "<p>Tendez une ficelle entre deux piquets à la hauteur voulue. "
                "Avec une poignée rotative, le taille-haie reste à plat sans "
                "vous tordre le poignet.</p>",
            ),
        ],
        "image_caption": "Une haie de charmille taillée en trapèze.",
        "quote": (
            "Une haie se taille souvent et peu, jamais rarement et beaucoup.",
            "Dicton de jardinier",
        ),
        "products": [
            ("JAR-00013", "Sa lame de 60 cm vient à bout des haies denses."),
            ("JAR-00019", "Des gants en cuir contre les épines de pyracantha."),
        ],
        "cta": (
            "Bien préparer l'hiver",
            "Après la taille, pensez à pailler le pied de la haie.",
            "Lire l'article",
            "preparer-son-jardin-pour-l-hiver",
        ),
    },
    {
        "slug": "ranger-son-garage-une-fois-pour-toutes",
        "title": "Ranger son garage une fois pour toutes",
        "days_ago": 30,
        "author": "Sophie Garnier, conseillère rangement à Rennes Cesson",
        "tags": ["rangement", "organisation", "conseils"],
        "intro": "Vélos au mur, outils sur panneau, cartons étiquetés : la méthode "
        "en quatre étapes pour retrouver sa voiture, et ses outils.",
        "colour": (120, 92, 70),
        "shape": "box",
        "lead": "<p>Un garage encombré coûte cher : on rachète ce qu'on ne "
        "retrouve plus. La règle d'or est simple : <b>tout ce qui sert souvent "
        "se voit, tout le reste est étiqueté</b>.</p>",
        "sections": [
            (
                "Trier avant d'acheter",
                "<p>Videz tout sur une bâche, faites trois tas : à garder, à "
                "donner ou revendre, à déposer en déchetterie. Un outil en double "
                "fera le bonheur d'un voisin ou d'une ressourcerie."
                "</p>",
            ),
            (
                "Monter plutôt qu'étaler",
                "<p>Les murs sont la surface la plus mal utilisée du garage. Une "
                "étagère de 180 cm et des crochets à vélo libèrent plusieurs "
                "mètres carrés au sol.</p><ul><li>En bas : le lourd (peinture, "
                "sacs de terreau).</li><li>À hauteur d'yeux : ce qui sert chaque "
                "semaine.</li><li>En haut : les décorations de Noël.</li></ul>",
            ),
        ],
        "image_caption": "Un panneau perforé au-dessus de l'établi.",
        "quote": (
            "Depuis que chaque outil a sa silhouette dessinée sur le panneau, "
            "plus rien ne disparaît.",
            "Étienne, membre de la communauté",
        ),
        "products": [
            ("RAN-00071", "Chaque tablette porte 150 kg, montage sans vis."),
            ("RAN-00075", "Vingt crochets pour suspendre tous les outils."),
            ("RAN-00078", "Deux vélos au mur, c'est une voiture de plus au sol."),
        ],
        "cta": (
            "Le bon outil pour chaque tâche",
            "Avant de ranger, choisissez les outils qui vous serviront vraiment.",
            "Lire notre guide",
            "bien-choisir-sa-perceuse-visseuse",
        ),
    },
    {
        "slug": "bien-choisir-sa-perceuse-visseuse",
        "title": "Bien choisir sa perceuse-visseuse",
        "days_ago": 44,
        "author": "Marc Lemaire, conseiller outillage à Toulouse Blagnac",
        "tags": ["outillage", "guide d'achat", "débutant"],
        "intro": "Tension, couple, batteries : ce que disent vraiment les chiffres "
        "sur la boîte, et ce dont vous avez besoin pour vos travaux.",
        "colour": (196, 82, 45),
        "shape": "hammer",
        "lead": "<p>C'est l'outil qu'on utilise le plus dans une maison. Pour "
        "monter des meubles et poser des étagères, une 12 V suffit ; pour percer "
        "le béton, il faut passer à une perceuse à percussion.</p>",
        "sections": [
            (
                "Le couple, plus important que la tension",
                "<p>Le couple, en newton-mètres, dit la force de vissage. 30 Nm "
                "suffisent pour l'ameublement, 45 Nm et plus pour les vis de "
                "terrasse et les grands forets à bois.</p>",
            ),
            (
                "Deux batteries, toujours",
                "<p>Une batterie qui charge pendant que l'autre travaille : c'est "
                "la différence entre un chantier fluide et une pause forcée. "
                "Vérifiez aussi que la batterie sert à d'autres outils de la "
                "même marque.</p>",
            ),
        ],
        "image_caption": "Une perceuse-visseuse 18 V et son coffret d'embouts.",
        "quote": (
            "La meilleure perceuse est celle qui tient bien en main : essayez-la "
            "en magasin avant de choisir.",
            "Marc Lemaire",
        ),
        "products": [
            ("OUT-00001", "Notre choix pour la plupart des foyers."),
            ("OUT-00003", "Tous les embouts et douilles dans une mallette."),
        ],
        "cta": (
            "Essayez-la en magasin",
            "Nos huit magasins ont un atelier de démonstration.",
            "Voir les magasins",
            "stores",
        ),
    },
    {
        "slug": "changer-un-interrupteur-en-securite",
        "title": "Changer un interrupteur en toute sécurité",
        "days_ago": 57,
        "author": "Marc Lemaire, conseiller outillage à Toulouse Blagnac",
        "tags": ["électricité", "sécurité", "tutoriel"],
        "intro": "Un interrupteur qui grésille ou ne répond plus se remplace en "
        "vingt minutes. À condition de respecter trois règles de sécurité.",
        "colour": (214, 160, 24),
        "shape": "bolt",
        "lead": "<p>L'électricité ne pardonne pas l'approximation. Avant de "
        "toucher un fil : <b>coupez le disjoncteur du circuit, vérifiez "
        "l'absence de tension, et prévenez la maisonnée</b>.</p>",
        "sections": [
            (
                "Couper et vérifier",
                "<p>Coupez le disjoncteur divisionnaire du circuit d'éclairage, "
                "puis contrôlez avec un testeur bipolaire. Un simple tournevis "
                "testeur ne suffit pas : il peut mentir.</p>",
            ),
            (
                "Repérer les fils",
                "<p>Photographiez le câblage avant de démonter. Sur un simple "
                "allumage, la phase arrive sur la borne L ; sur un va-et-vient, "
                "les deux navettes vont aux bornes 1 et 2.</p>",
            ),
            (
                "Remonter et tester",
                "<p>Les bornes automatiques se serrent seules : dénudez 11 mm, "
                "enfoncez, tirez légèrement pour vérifier. Remettez le courant "
                "et testez avant de poser la plaque.</p>",
            ),
        ],
        "image_caption": "Un mécanisme à bornes automatiques.",
        "quote": (
            "Un testeur de tension coûte moins cher qu'un passage aux urgences.",
            "Gabriel, électricien à la retraite et membre de la communauté",
        ),
        "products": [
            ("ELE-00058", "Indispensable avant toute intervention."),
            ("ELE-00054", "Un mécanisme à bornes automatiques, pose rapide."),
            ("OUT-00007", "Des tournevis isolés 1000 V certifiés."),
        ],
        "cta": (
            "Une question sur votre tableau ?",
            "Nos conseillers vous reçoivent en magasin avec une photo de votre "
            "installation.",
            "Trouver un magasin",
            "stores",
        ),
    },
    {
        "slug": "repeindre-une-chambre-en-un-week-end",
        "title": "Repeindre une chambre en un week-end",
        "days_ago": 71,
        "author": "Sophie Garnier, conseillère déco à Bordeaux Mérignac",
        "tags": ["peinture", "rénovation", "tutoriel"],
        "intro": "Samedi matin, on protège ; samedi après-midi, première couche ; "
        "dimanche, finitions. Le planning d'une chambre de 12 m² repeinte sans "
        "stress.",
        "colour": (176, 58, 120),
        "shape": "brush",
        "lead": "<p>La réussite d'une peinture se joue avant d'ouvrir le pot : "
        "<b>préparation et protection</b> font 80 % du résultat.</p>",
        "sections": [
            (
                "Samedi matin : préparer",
                "<ul><li>Videz la pièce ou regroupez les meubles au centre sous "
                "une bâche.</li><li>Rebouchez les trous, poncez, "
                "dépoussiérez.</li><li>Posez le ruban de masquage le long des "
                "plinthes et des encadrements.</li></ul>",
            ),
            (
                "Samedi après-midi : la première couche",
                "<p>Commencez par le plafond, puis les murs. Rechampissez les "
                "angles au pinceau avant de passer le rouleau, en croisant les "
                "passes, toujours du haut vers le bas.</p>",
            ),
            (
                "Dimanche : seconde couche et finitions",
                "<p>Retirez le ruban pendant que la peinture est encore un peu "
                "fraîche : le bord reste net. Aérez bien, la chambre est "
                "habitable le soir même avec une peinture classée A+.</p>",
            ),
        ],
        "image_caption": "Le rouleau se charge dans le bac, jamais dans le pot.",
        "quote": (
            "Le ruban de masquage, c'est le secret des finitions de pro.",
            "Alice, peintre en bâtiment et membre de la communauté",
        ),
        "products": [
            ("PEI-00041", "120 m² en deux couches, faible odeur."),
            ("PEI-00043", "Un manchon anti-gouttes pour le plafond."),
            ("PEI-00045", "Pour des bords parfaitement nets."),
        ],
        "cta": (
            "Tous nos conseils rénovation",
            "Peinture, sols, électricité : retrouvez les guides de nos conseillers.",
            "Voir les articles",
            "articles",
        ),
    },
    {
        "slug": "reparer-une-fuite-sous-l-evier",
        "title": "Réparer une fuite sous l'évier",
        "days_ago": 85,
        "author": "Julien Roche, conseiller plomberie à Marseille La Valentine",
        "tags": ["plomberie", "dépannage", "tutoriel"],
        "intro": "Un goutte-à-goutte sous l'évier vient presque toujours du siphon "
        "ou d'un raccord. Diagnostic et réparation sans appeler de plombier.",
        "colour": (58, 96, 140),
        "shape": "pipe",
        "lead": "<p>Une fuite de quelques gouttes par minute, c'est jusqu'à "
        "<b>10 000 litres perdus par an</b> et un meuble qui gonfle. Mieux vaut "
        "agir tôt.</p>",
        "sections": [
            (
                "Trouver d'où ça coule",
                "<p>Essuyez tous les raccords avec un papier absorbant, puis "
                "faites couler l'eau. Le premier papier mouillé désigne le "
                "coupable : siphon, flexible ou robinet d'arrêt.</p>",
            ),
            (
                "Le siphon",
                "<p>Dévissez-le à la main au-dessus d'une bassine, nettoyez-le et "
                "changez le joint. S'il est fêlé, un siphon gain de place le "
                "remplace en dix minutes.</p>",
            ),
        ],
        "image_caption": "Un siphon gain de place libère le meuble sous évier.",
        "quote": (
            "Neuf fuites sur dix sous un évier viennent d'un joint fatigué.",
            "Noah, plombier chauffagiste et membre de la communauté",
        ),
        "products": [
            ("PLO-00065", "Se loge contre le mur et se nettoie facilement."),
            ("PLO-00064", "Pour serrer les écrous sans les abîmer."),
            ("PLO-00067", "L'étanchéité des raccords filetés."),
        ],
        "cta": (
            "Besoin d'une pièce précise ?",
            "Apportez l'ancienne en magasin, nos conseillers trouvent l'équivalent.",
            "Voir les magasins",
            "stores",
        ),
    },
    {
        "slug": "arroser-malin-economiser-l-eau",
        "title": "Arroser malin : économiser l'eau au jardin",
        "days_ago": 99,
        "author": "Emma Morel, conseillère arrosage à Toulouse Blagnac",
        "tags": ["arrosage", "écologie", "conseils"],
        "intro": "Avec les restrictions d'eau chaque été, arroser mieux devient "
        "indispensable. Goutte-à-goutte, paillage et eau de pluie : le trio "
        "gagnant.",
        "colour": (46, 117, 182),
        "shape": "drop",
        "lead": "<p>Un arrosage au jet en plein soleil perd la moitié de son eau "
        "par évaporation. Arroser <b>le soir, au pied, et moins souvent mais "
        "plus longtemps</b> pousse les racines à descendre.</p>",
        "sections": [
            (
                "Le goutte-à-goutte",
                "<p>Il apporte l'eau exactement où il faut et économise jusqu'à "
                "70 % par rapport à l'arrosoir. Couplé à un programmateur, il "
                "arrose même pendant les vacances.</p>",
            ),
            (
                "Récupérer l'eau de pluie",
                "<p>Une toiture de 100 m² recueille 60 000 litres par an dans le "
                "Sud-Ouest. Une cuve de 300 litres se remplit en une seule "
                "averse d'orage.</p>",
            ),
        ],
        "image_caption": "Un goutteur réglable au pied d'un plant de tomate.",
        "quote": (
            "Depuis le goutte-à-goutte, mon potager boit deux fois moins et "
            "produit davantage.",
            "Emma Morel",
        ),
        "products": [
            ("ARR-00025", "Trente plantes arrosées au goutte-à-goutte."),
            ("ARR-00024", "Il suspend l'arrosage quand la pluie arrive."),
            ("ARR-00026", "L'eau du toit pour le jardin, gratuitement."),
        ],
        "cta": (
            "Un potager sur le balcon ?",
            "Nos conseils pour cultiver tomates et aromatiques en pots.",
            "Lire l'article",
            "debuter-un-potager-sur-son-balcon",
        ),
    },
    {
        "slug": "une-terrasse-accueillante-pour-l-ete",
        "title": "Une terrasse accueillante pour les soirs d'été",
        "days_ago": 120,
        "author": "Sophie Garnier, conseillère déco à Bordeaux Mérignac",
        "tags": ["terrasse", "décoration", "jardin"],
        "intro": "Un salon en bois, une guirlande lumineuse et quelques pots "
        "méditerranéens suffisent à transformer une terrasse en pièce à vivre.",
        "colour": (204, 120, 60),
        "shape": "sun",
        "lead": "<p>La terrasse est devenue la pièce préférée des Français "
        "l'été. Pour qu'on y reste après le coucher du soleil, tout est "
        "affaire de <b>lumière douce</b> et de <b>plantes parfumées</b>.</p>",
        "sections": [
            (
                "Le mobilier d'abord",
                "<p>Mesurez avant d'acheter : comptez 60 cm par convive autour de "
                "la table et 90 cm de passage. Le bois d'acacia vieillit bien "
                "et ne demande qu'une huile par an.</p>",
            ),
            (
                "Une ambiance de guinguette",
                "<p>Une guirlande d'ampoules à filament tendue en zigzag au-dessus "
                "de la table suffit à créer l'ambiance. Préférez une prise "
                "extérieure étanche et une rallonge adaptée.</p>",
            ),
        ],
        "image_caption": "Un olivier en pot et une guirlande guinguette.",
        "quote": (
            "Lavande, olivier et une guirlande : ma terrasse sent les vacances "
            "tout l'été.",
            "Mathis, membre de la communauté à Marseille",
        ),
        "products": [
            ("JAR-00020", "Quatre places en acacia certifié FSC."),
            ("ELE-00057", "Dix ampoules à filament pour les soirées."),
            ("PLA-00031", "Un olivier de six ans cultivé en Provence."),
        ],
        "cta": (
            "Nos sélections de saison",
            "Retrouvez toutes nos idées d'aménagement extérieur.",
            "Voir les articles",
            "articles",
        ),
    },
    {
        "slug": "debuter-un-potager-sur-son-balcon",
        "title": "Débuter un potager sur son balcon",
        "days_ago": 141,
        "author": "Claire Fontaine, conseillère jardin à Lyon Part-Dieu",
        "tags": ["plantes", "potager", "débutant"],
        "intro": "Tomates, fraises et aromatiques poussent très bien en pots. Ce "
        "qu'il faut savoir sur l'exposition, le terreau et l'arrosage pour une "
        "première récolte réussie.",
        "colour": (122, 160, 60),
        "shape": "flower",
        "lead": "<p>Pas besoin de jardin pour manger ses propres légumes. Un "
        "balcon de 4 m² bien exposé peut produire <b>plusieurs kilos de "
        "tomates</b> en une saison.</p>",
        "sections": [
            (
                "L'exposition décide de tout",
                "<p>Tomates, poivrons et basilic veulent six heures de soleil par "
                "jour. Au nord, misez plutôt sur les salades, la menthe et le "
                "persil.</p>",
            ),
            (
                "Des pots assez grands",
                "<p>Un pied de tomate a besoin d'au moins 20 litres de terreau. "
                "Un pot trop petit sèche en quelques heures l'été : c'est la "
                "première cause d'échec.</p><ul><li>Tomates : 20 à 30 litres."
                "</li><li>Fraisiers : 5 litres par pied.</li><li>Aromatiques : "
                "jardinière de 40 cm.</li></ul>",
            ),
        ],
        "image_caption": "Tomates cerises et basilic sur un balcon lyonnais.",
        "quote": (
            "Mon premier basilic a poussé entre deux immeubles. Depuis, je ne "
            "rachète plus d'herbes aromatiques.",
            "Manon, membre de la communauté à Lyon",
        ),
        "products": [
            ("PLA-00035", "Des plants greffés, plus vigoureux en pot."),
            ("PLA-00034", "Un terreau utilisable en agriculture biologique."),
        ],
        "cta": (
            "Arroser sans gaspiller",
            "Le goutte-à-goutte fonctionne aussi sur un balcon.",
            "Lire l'article",
            "arroser-malin-economiser-l-eau",
        ),
    },
    {
        "slug": "une-pelouse-dense-et-verte",
        "title": "Une pelouse dense et verte, sans produits chimiques",
        "days_ago": 163,
        "author": "Julien Roche, responsable du rayon jardin à Nantes Atlantis",
        "tags": ["jardin", "pelouse", "écologie"],
        "intro": "Tondre haut, laisser l'herbe coupée sur place et nourrir au bon "
        "moment : trois habitudes qui font une belle pelouse sans désherbant.",
        "colour": (74, 124, 58),
        "shape": "leaf",
        "lead": "<p>Une pelouse dense ne laisse pas de place aux mauvaises "
        "herbes. Le secret n'est pas dans le flacon, mais dans <b>la hauteur de "
        "coupe</b>.</p>",
        "sections": [
            (
                "Tondre haut",
                "<p>Réglez la tondeuse entre 6 et 8 cm. Une herbe plus haute "
                "ombre le sol, garde l'humidité et étouffe la mousse et les "
                "pissenlits.</p>",
            ),
            (
                "Le mulching",
                "<p>Avec la fonction mulching, l'herbe finement hachée retombe "
                "sur la pelouse et la nourrit. Plus de sacs à vider, et jusqu'à "
                "30 % d'engrais en moins.</p>",
            ),
        ],
        "image_caption": "Une tonte à 7 cm, en mulching.",
        "quote": (
            "Tondez souvent, tondez haut : la pelouse fait le reste.",
            "Julien Roche",
        ),
        "products": [
            ("JAR-00011", "Traction et mulching pour les grands terrains."),
            ("PLA-00039", "Nourrit, reverdit et freine la mousse."),
        ],
        "cta": (
            "Découvrez Comptoir",
            "Articles, conseils et avis de la communauté, tout est sur l'accueil.",
            "Retour à l'accueil",
            "home",
        ),
    },
]

# Articles the home page features, in order.
FEATURED_ARTICLES = [
    "preparer-son-jardin-pour-l-hiver",
    "ranger-son-garage-une-fois-pour-toutes",
    "repeindre-une-chambre-en-un-week-end",
]
# Products the home page features, in order.
FEATURED_PRODUCTS = [
    "JAR-00016",
    "OUT-00001",
    "ARR-00025",
    "PLA-00031",
    "RAN-00071",
    "ELE-00057",
]

# What the site does today, nothing it does not yet (no resale, no forum): the
# teams' advice, the catalogue with each store's live stock, reserving in a store,
# members' reviews and product ideas, and the rewards they earn.
HOME_INTRO = (
    "<p>Bienvenue chez <b>Comptoir</b>, la communauté de nos clients jardiniers et "
    "bricoleurs : les conseils de nos équipes, nos produits avec le stock de "
    "chacun de nos huit magasins en direct, la réservation à retirer en magasin, "
    "vos avis et vos idées de produits, récompensés quand ils font vendre.</p>"
)
