"""The demo programme: people on both sides of the bridge and the MoU's sectors."""

MOU_SECTORS = [
    # code, English, Japanese, Spanish, Basque
    (
        "rd-innovation",
        "R&D and innovation",
        "研究開発・イノベーション",
        "I+D e innovación",
        "I+G eta berrikuntza",
    ),
    ("automotive", "Automotive", "自動車", "Automoción", "Automobilgintza"),
    ("aeronautics", "Aeronautics", "航空宇宙", "Aeronáutica", "Aeronautika"),
    ("manufacturing", "Manufacturing", "ものづくり", "Fabricación", "Fabrikazioa"),
    ("industry-4-0", "Industry 4.0", "インダストリー4.0", "Industria 4.0", "Industria 4.0"),
    (
        "advanced-materials",
        "Advanced materials",
        "先端素材",
        "Materiales avanzados",
        "Material aurreratuak",
    ),
    (
        "robotics",
        "Robotics and automation",
        "ロボット・自動化",
        "Robótica y automatización",
        "Robotika eta automatizazioa",
    ),
    ("biotechnology", "Biotechnology", "バイオテクノロジー", "Biotecnología", "Bioteknologia"),
    ("agri-food", "Agri-food", "農業・食品", "Agroalimentación", "Nekazaritzako elikagaiak"),
]

DEMO_USERS = [
    # email, name, role, language, time zone
    ("ane.etxeberria@zubia.example", "Ane Etxeberria", "point_of_contact", "es", "Europe/Madrid"),
    (
        "iker.zubizarreta@zubia.example",
        "Iker Zubizarreta",
        "point_of_contact",
        "en",
        "Europe/Madrid",
    ),
    ("haruka.yamada@zubia.example", "山田 遥", "point_of_contact", "ja", "Asia/Tokyo"),
    ("kenji.suzuki@zubia.example", "鈴木 健二", "point_of_contact", "ja", "Asia/Tokyo"),
    ("miren.goikoetxea@zubia.example", "Miren Goikoetxea", "manager", "en", "Europe/Madrid"),
]
