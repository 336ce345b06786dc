"""The hand-built screening set as the organizations would write it themselves.

The same organizations, partners and decoys as the English set in test_quality.py: Mie ones in
Japanese, Basque ones in Spanish or Euskara. {key: (capabilities, interests)}.
"""

TEXTS = {
    # Basque side -------------------------------------------------------------------------------
    "goierri-machining": (
        "Mecanizado CNC de piezas de precisión en acero, titanio y aluminio: mecanizado en 5 "
        "ejes, torneado y rectificado, series cortas y medias. ISO 9001 y EN 9100.",
        "Clientes japoneses que subcontratan componentes mecanizados; ser segundo proveedor de "
        "empresas Tier 1 de automoción en Japón.",
    ),
    "alava-composites": (
        "Diseño y fabricación de estructuras de CFRP para aviones: colocación automática de "
        "fibra, curado en autoclave y fuera de autoclave, inspección por ultrasonidos.",
        "Proveedores de preimpregnado de fibra de carbono y cintas termoplásticas; investigación "
        "conjunta en composites termoplásticos; materiales cualificados para aeroespacial.",
    ),
    "durango-robotics": (
        "Robot-gelaxken integrazioa: soldadura, paletizatzea eta makinen elikadura robot "
        "kolaboratiboekin, lineaz kanpoko programazioa, ikusmen artifizialeko picking-a.",
        "Muntaketa-lerroak automatizatu nahi dituzten Japoniako azken erabiltzaileak; robot "
        "fabrikatzaile japoniarrak teknologia-bazkide gisa.",
    ),
    "bermeo-conservas": (
        "Antxoa kantauriarraren eta hegaluzearen eraldaketa eta kontserbak; IFS ziurtagiria "
        "duen lantegia; marka zuria Europako banatzaileentzat.",
        "Itsaski kontserben inportatzaileak Japonian; lankidetza arrantzaleekin hegaluze "
        "jasangarriaz; katsuobushi (hegaluze lehorra) osagai gisa produktu berrietan.",
    ),
    "derio-microbiome": (
        "Secuenciación del microbioma y bioinformática; desarrollo de cepas probióticas; "
        "estudios por contrato para empresas de alimentación y cosmética.",
        "Grupos de investigación universitarios en fermentación y bacterias lácticas; cepas de "
        "alimentos fermentados tradicionales para licenciar.",
    ),
    "zamudio-mes": (
        "Sistema MES y plataforma IoT: monitorización de máquinas, cuadros de mando OEE, "
        "mantenimiento predictivo; conectores para controles Fanuc y Mitsubishi.",
        "Fábricas en Japón que quieren digitalizar la producción; un integrador japonés para "
        "revender y dar soporte a la plataforma.",
    ),
    "tecnalia": (
        "Ikerketa aplikatua eta teknologia-transferentzia: metalen fabrikazio gehigarria, "
        "gainazal-ingeniaritza, hauts-metalurgia, hidrogenoa; kontratupeko ikerketa.",
        "Kontratupeko ikerketa edo ikerketa bateratua behar duten Mieko enpresak; Horizon "
        "Europe partzuergoak Japoniako industriarekin.",
    ),
    "acicae": (
        "Clúster de 300 proveedores de automoción; misiones comerciales, encuentros B2B y "
        "proyectos colaborativos en componentes de vehículo eléctrico.",
        "Acuerdos de cooperación con asociaciones japonesas de automoción; misiones a la región "
        "de Chubu para nuestros socios; cadena de suministro del vehículo eléctrico.",
    ),
    "elgoibar-grinders": (
        "Rectificadoras cilíndricas y tornos verticales: diseño y fabricación; retrofit de "
        "máquinas antiguas; servicio posventa.",
        "Fabricantes de engranajes y rodamientos que necesitan rectificadoras para piezas "
        "grandes; un socio de servicio técnico en Japón.",
    ),
    "idiazabal-coop": (
        "Jatorri-deitura babestua duen Idiazabal ardi-gaztaren ekoizleen kooperatiba; "
        "ontzea, paketatzea eta esportazioa.",
        "Europako gaztaren inportatzaileak Japonian: hotelak, jatetxeak eta saltoki handiak; "
        "turismo gastronomikoa.",
    ),
    "mondragon-univ": (
        "Fabrikazio-prozesuetan, mekatronikan eta datu-zientzian ikerketa; industriarekin "
        "master dualak; doktorego-tesien zuzendaritza.",
        "Japoniako unibertsitateak ikasle eta ikertzaileen trukerako; doktorego-tesien "
        "zuzendaritza bateratua; praktikak Japoniako enpresetan.",
    ),
    "ermua-vision": (
        "Visión artificial para inspección de calidad: detección de defectos superficiales "
        "con deep learning, cámaras e iluminación integradas en líneas de producción.",
        "Fabricantes con necesidades de inspección visual: piezas de fundición, piezas "
        "pintadas, textil; distribuidores de sistemas de visión en Japón.",
    ),
    "vitoria-battery-lab": (
        "Ensayos de celdas y módulos de baterías de ion-litio: ciclado, ensayos de abuso y de "
        "seguridad; sistemas de gestión de baterías para vehículo eléctrico.",
        "Proveedores japoneses de materiales para baterías que entran en Europa; fabricantes de "
        "electrolito y separadores que necesitan ensayos de cualificación.",
    ),
    "sestao-aero-engines": (
        "Fabricación de álabes de turbina y carcasas de motor en aleaciones de níquel; MRO de "
        "motores de avión; piezas aeronáuticas para programas de Rolls-Royce.",
        "Socios japoneses en programas de motores aeronáuticos; proveedores de forjados de "
        "aleación de níquel; subcontratistas de tratamiento superficial.",
    ),
    "rioja-alavesa-agrobots": (
        "Robots agrícolas: pulverización autónoma en viñedos y robots de cosecha en "
        "invernadero; software de gestión de flotas.",
        "Explotaciones y cooperativas agrarias en Japón para probar los robots en té y fruta; "
        "un distribuidor de maquinaria agrícola.",
    ),
    "basque-food-cluster": (
        "Euskal elikagai-katearen klusterra (150 bazkide): berrikuntza-proiektuak, "
        "merkataritza-misioak, euskal gastronomiaren sustapena.",
        "Japoniako elikagai-industriaren elkarteak; lankidetza elikagaien berrikuntzan eta "
        "truke gastronomikoan; merkataritza-misioak Mie-ra.",
    ),
    # Mie side ----------------------------------------------------------------------------------
    "suzuka-body": (
        "ボディ部品のプレス加工とスポット溶接、シートフレームの組立。主要顧客は鈴鹿の自動車メーカー。",
        "アルミ・チタン部品の小ロット切削加工の外注先、海外の第二調達先、精密加工のパートナー。",
    ),
    "yokkaichi-prepreg": (
        "スポーツ用品・航空宇宙向けの炭素繊維プリプレグと熱可塑性UDテープ。",
        "欧州の航空機サプライチェーンへの参入、複合材部品メーカーによるテープの評価、"
        "自動積層(AFP)での試験。",
    ),
    "kameyama-connectors": (
        "コネクタの射出成形と組立。多品種少量の組立ライン。",
        "組立工程の自動化、協働ロボットの導入、画像処理によるピッキング。",
    ),
    "ise-shima-fisheries": (
        "伊勢えび、あわび、牡蠣。組合員の加工場で鰹節と干物を製造。",
        "牡蠣と鰹節の海外バイヤー、欧州の缶詰工場から缶詰技術を学びたい。",
    ),
    "mie-univ-bioresources": (
        "応用微生物学研究室:発酵、乳酸菌、腸内細菌叢。三重の発酵食品(味噌、たまり)から分離した菌株ライブラリー。",
        "企業との共同研究とライセンス契約、企業資金による博士課程学生。",
    ),
    "kuwana-bearings": (
        "工作機械・ロボット向けの玉軸受と精密リング。",
        "スマート工場:約200台の設備の稼働データの見える化、状態基準保全、老朽化した研削盤の更新。",
    ),
    "tsu-sintered": (
        "粉末冶金による焼結部品(ギア、ブッシュ)の製造、熱処理。",
        "金属積層造形や表面処理についての共同研究先。",
    ),
    "mie-auto-association": (
        "三重県の自動車部品サプライヤー180社のネットワーク、サプライヤー育成、自動車メーカーとのビジネスマッチング。",
        "海外の自動車クラスターとのMOU、会員企業の海外ビジネスマッチング、次世代自動車(EV)。",
    ),
    "yokkaichi-gears": (
        "大型歯車と減速機(建設機械・船舶向け)。",
        "大径歯車用の歯車研削盤の更新、古い研削盤のレトロフィット、保守サービス。",
    ),
    "ise-importer": (
        "欧州のチーズ、ワイン、シャルキュトリーを三重・名古屋のホテル、レストラン、百貨店へ輸入。",
        "新しい原産地呼称チーズとスペイン産品、少量出荷に対応できる生産者。",
    ),
    "mie-univ-engineering": (
        "機械工学、ロボット工学、材料科学。海外大学との学術交流協定。",
        "博士課程学生の共同指導、学生の海外インターンシップ、研究者交流。",
    ),
    "kuwana-foundry": (
        "鋳鉄鋳物 (FC・FCD) の製造。工作機械・ポンプ向け。",
        "鋳物の外観検査の自動化 (AI画像検査)、不良削減。",
    ),
    "yokkaichi-electrolyte": (
        "リチウムイオン電池用の電解液とセパレータ材料。",
        "顧客としての欧州のセル・パックメーカー、電気自動車向けに材料を認定する欧州の試験機関。",
    ),
    "mie-aero-parts": (
        "国内重工向け航空機部品の機械加工と表面処理、Nadcap認証取得。",
        "欧州のエンジンプログラムへの参入、タービンブレード加工のノウハウ。",
    ),
    "ise-tea-coop": (
        "伊勢茶の生産者協同組合。茶園約1,500ヘクタール、煎茶・かぶせ茶の加工。",
        "茶園作業の自動化:自律走行の防除ロボットと収穫ロボット。人手不足への対策。",
    ),
    "mie-food-association": (
        "三重県の食品製造業400社の団体。展示会、「みえの食」ブランド。",
        "欧州の食品クラスターとの連携、食文化交流、スペインへの商談ミッション。",
    ),
    # Decoys ------------------------------------------------------------------------------------
    "ago-pearls": (
        "アコヤ真珠の養殖と加工、精密な選別と穴あけ、宝飾品の製造。",
        "欧州の宝飾ブランドと高級百貨店、新コレクションのデザイナー。",
    ),
    "tsu-cell-therapy": (
        "臨床研究向けの細胞培養培地とiPS細胞の加工。",
        "細胞治療製品の安全性試験を行う欧州の試験機関、受託開発パートナー。",
    ),
    "ise-cotton": (
        "伊勢木綿の織物、天然繊維の染色、小ロット生産。",
        "欧州のファッションデザイナーとインテリアブランド、セレクトショップでの販売。",
    ),
    "mie-care-home": (
        "高齢者1,200人のための介護施設とデイサービス。",
        "移乗介助の介護ロボット、夜間見守りセンサー、欧州の高齢者介護モデルのパートナー。",
    ),
    "mie-data-processing": (
        "自治体向けのデータ処理、給与・税務ソフトウェア、クラウド基盤の運用。",
        "ローカライズする欧州の電子自治体ソフトウェア、クラウド基盤のセキュリティのパートナー。",
    ),
    "ise-shima-tourism": (
        "観光地としての伊勢志摩のプロモーション、旅行会社向け視察旅行、美食ツアー。",
        "欧州のツアーオペレーター、航空会社、スペイン・フランスからの食の観光。",
    ),
    "bilbao-law-firm": (
        "Asesoría jurídica en contratos, acuerdos de distribución y licencias para empresas que "
        "entran en Europa; apoyo a misiones comerciales.",
        "Empresas japonesas que quieren abrir una filial en España.",
    ),
    "tolosa-paper": (
        "Paper eta kartoi birziklatua; pasta-prozesaketa; zuntz-berreskurapena.",
        "Paper-makinen piezen hornitzaileak eta mantentze prediktiboa gure paper-makinentzat.",
    ),
}
