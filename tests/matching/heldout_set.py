"""A held-out screening set, written after the vocabulary was frozen (commit c106513).

Other companies, other wording, the vocabulary not consulted: how the engine does on profiles
it was not tuned on. Basque-side profiles in Spanish or Euskara, Mie-side ones in Japanese
(two in English), each Basque one with the Mie partner a programme officer would pick.
"""

BASQUE = [
    {
        "key": "h-azpeitia-dies",
        "name": "Troqueles Azpeitia",
        "region": "basque_country",
        "sectors": ["automotive", "manufacturing"],
        "capabilities": "Diseño y construcción de troqueles progresivos y moldes para "
        "estampación de chapa de alta resistencia.",
        "interests": "Estampadores japoneses que buscan utillaje europeo; proyectos de "
        "troqueles para nuevos modelos de coche.",
        "languages": "es,en",
        "partners": ["h-inabe-press"],
    },
    {
        "key": "h-eibar-sensors",
        "name": "Eibar Sentsoreak",
        "region": "basque_country",
        "sectors": ["industry-4-0"],
        "capabilities": "Bibrazio-sentsore hari gabeak eta hodeiko analitika makinen "
        "matxurak aurreikusteko.",
        "interests": "Japoniako lantegiak, beren makinen egoera denbora errealean jarraitu "
        "nahi dutenak.",
        "languages": "eu,es,en",
        "partners": ["h-yokkaichi-chemicals"],
    },
    {
        "key": "h-getxo-wind",
        "name": "Getxo Offshore Engineering",
        "region": "basque_country",
        "sectors": ["rd-innovation"],
        "capabilities": "Ingeniería de cimentaciones flotantes para eólica marina; ensayos en "
        "canal y diseño de fondeos.",
        "interests": "Astilleros y empresas japonesas que preparan parques eólicos marinos "
        "flotantes.",
        "languages": "es,en",
        "partners": ["h-toba-shipyard"],
    },
    {
        "key": "h-oiartzun-olive",
        "name": "Txakoli Oiartzun",
        "region": "basque_country",
        "sectors": ["agri-food"],
        "capabilities": "Txakolina eta sagardoa ekoizten ditugu; upategi-bisitak.",
        "interests": "Japoniako ardo-inportatzaileak eta jatetxe espainiarrak.",
        "languages": "eu,es",
        "partners": ["h-tsu-wine-importer"],
    },
    {
        "key": "h-leioa-biobank",
        "name": "Leioa Biobanco",
        "kind": "technology_centre",
        "region": "basque_country",
        "sectors": ["biotechnology", "rd-innovation"],
        "capabilities": "Cultivo de células madre y ensayos preclínicos de toxicidad por encargo.",
        "interests": "Laboratorios japoneses que desarrollan terapias celulares y necesitan "
        "ensayos en Europa.",
        "languages": "es,en",
        "partners": ["h-suzuka-regen"],
    },
    {
        "key": "h-bilbao-port",
        "name": "Bilbao Logística Portuaria",
        "region": "basque_country",
        "sectors": [],
        "capabilities": "Operador logístico en el puerto de Bilbao: almacén frigorífico, "
        "aduanas y distribución en la península.",
        "interests": "Exportadores japoneses de alimentos que quieren un almacén en Europa.",
        "languages": "es,en",
        "partners": ["h-matsusaka-beef"],
    },
    {
        "key": "h-arrasate-press",
        "name": "Arrasate Prentsak",
        "region": "basque_country",
        "sectors": ["manufacturing"],
        "capabilities": "Prentsa hidrauliko eta servo-prentsen fabrikazioa, prentsa-lerro osoak.",
        "interests": "Japoniako estanpazio-enpresak prentsa berriak behar dituztenak.",
        "languages": "eu,es,en",
        "partners": ["h-inabe-press"],
    },
    {
        "key": "h-ehu-chemistry",
        "name": "UPV/EHU Polymat",
        "kind": "university",
        "region": "basque_country",
        "sectors": ["rd-innovation", "advanced-materials"],
        "capabilities": "Investigación en polímeros, electrolitos sólidos y reciclado químico "
        "de plásticos.",
        "interests": "Universidades y empresas químicas de Japón para proyectos conjuntos y "
        "estancias de investigadores.",
        "languages": "es,eu,en",
        "partners": ["h-yokkaichi-chemicals"],
    },
    {
        "key": "h-tolosa-beans",
        "name": "Tolosa Babarrunak Elkartea",
        "kind": "association",
        "region": "basque_country",
        "sectors": ["agri-food"],
        "capabilities": "Tolosako babarrunaren ekoizleen elkartea, kalitate-marka.",
        "interests": "Japoniako elikagai-dendak eta sukaldariak, produktu gourmet gisa.",
        "languages": "eu,es",
        "partners": ["h-tsu-wine-importer"],
    },
    {
        "key": "h-zumaia-drones",
        "name": "Zumaia Drones",
        "region": "basque_country",
        "sectors": ["robotics", "agri-food"],
        "capabilities": "Drones de fumigación y mapeo multiespectral de cultivos.",
        "interests": "Productores de arroz y té en Japón que quieran pilotos con drones.",
        "languages": "es,en",
        "partners": ["h-iga-rice"],
    },
]

MIE = [
    {
        "key": "h-inabe-press",
        "name": "Inabe Press Industry",
        "native_name": "いなべプレス工業株式会社",
        "region": "mie",
        "sectors": ["automotive", "manufacturing"],
        "capabilities": "自動車用ハイテン材のプレス部品、順送金型による量産。",
        "interests": "海外製の金型の調達、サーボプレスの導入による生産性向上。",
        "languages": "ja",
    },
    {
        "key": "h-yokkaichi-chemicals",
        "name": "Yokkaichi Fine Chemicals",
        "native_name": "四日市ファインケミカル株式会社",
        "region": "mie",
        "sectors": ["advanced-materials"],
        "capabilities": "高分子材料と固体電解質の開発・製造。化学プラント。",
        "interests": "プラント設備の振動監視と故障予知、欧州の大学との共同研究。",
        "languages": "ja,en",
    },
    {
        "key": "h-toba-shipyard",
        "name": "Toba Shipbuilding",
        "native_name": "鳥羽造船株式会社",
        "region": "mie",
        "sectors": ["manufacturing"],
        "capabilities": "中型船舶の建造と修繕、洋上構造物の製作。",
        "interests": "浮体式洋上風力の浮体設計の技術パートナー、係留設計。",
        "languages": "ja",
    },
    {
        "key": "h-tsu-wine-importer",
        "name": "Tsu Wine & Deli",
        "native_name": "津ワインアンドデリ",
        "region": "mie",
        "sectors": ["agri-food"],
        "capabilities": "欧州ワインと食材の輸入・卸、レストランへの販売。",
        "interests": "スペイン・バスク地方のワイン、シードル、高品質な豆などの食材。",
        "languages": "ja",
    },
    {
        "key": "h-suzuka-regen",
        "name": "Suzuka Cell Therapeutics",
        "native_name": "鈴鹿セルセラピューティクス",
        "region": "mie",
        "sectors": ["biotechnology"],
        "capabilities": "幹細胞を用いた細胞治療の研究開発。",
        "interests": "欧州での前臨床試験・毒性試験の委託先。",
        "languages": "ja,en",
    },
    {
        "key": "h-matsusaka-beef",
        "name": "Matsusaka Beef Export",
        "native_name": "松阪牛輸出協議会",
        "kind": "association",
        "region": "mie",
        "sectors": ["agri-food"],
        "capabilities": "Export of Matsusaka wagyu beef; frozen and chilled cuts.",
        "interests": "A cold-storage logistics partner in a European port; customs clearance "
        "for meat.",
        "languages": "ja,en",
    },
    {
        "key": "h-iga-rice",
        "name": "Iga Rice Farmers",
        "native_name": "伊賀米生産組合",
        "kind": "association",
        "region": "mie",
        "sectors": ["agri-food"],
        "capabilities": "伊賀米の生産と販売、約300戸の農家。",
        "interests": "ドローンによる農薬散布と生育診断の導入。",
        "languages": "ja",
    },
]

DECOYS = [
    {
        "key": "h-ise-drone-school",
        "name": "Ise Drone Academy",
        "native_name": "伊勢ドローンスクール",
        "region": "mie",
        "sectors": [],
        "capabilities": "ドローン操縦士の育成スクール、空撮サービス。",
        "interests": "海外のドローン操縦教育プログラム、空撮の顧客。",
        "languages": "ja",
        "confuses": ["h-zumaia-drones"],
    },
    {
        "key": "h-nabari-moulds",
        "name": "Nabari Plastic Moulds",
        "native_name": "名張プラスチック金型",
        "region": "mie",
        "sectors": ["manufacturing"],
        "capabilities": "家電向けプラスチック射出成形金型の製作。",
        "interests": "金型の海外販路、家電メーカーの顧客。",
        "languages": "ja",
        "confuses": ["h-azpeitia-dies"],
    },
    {
        "key": "h-donostia-wine-bar",
        "name": "Donostia Pintxos Bar",
        "region": "basque_country",
        "sectors": [],
        "capabilities": "Bar de pintxos y vinos en la Parte Vieja.",
        "interests": "Turistas japoneses y agencias de viaje.",
        "languages": "es",
        "confuses": ["h-tsu-wine-importer"],
    },
]
