"""The first pages of the culture guide, as the programme's points of contact wrote them."""

PAGES = [
    (
        "business-cards",
        "Business cards (名刺, meishi)",
        "## Exchanging cards in Japan\n\n"
        "- Bring plenty: everyone in the room exchanges cards, the most senior first.\n"
        "- Give and receive with both hands, the text facing the other person.\n"
        "- Read the card, place it on the table in front of you during the meeting; never "
        "write on it or put it in a back pocket.\n"
        "- A card printed in Japanese on the back is a sign of respect.\n",
    ),
    (
        "meeting-customs",
        "Meeting customs on both sides",
        "## In Mie\n\n- Arrive five minutes early; meetings start on time.\n"
        "- Decisions are prepared beforehand (*nemawashi*): do not expect a yes at the table.\n"
        "- Send the agenda and your questions in advance, in English and Japanese if you can.\n\n"
        "## In the Basque Country\n\n- Lunch is at 14:00 and is part of the meeting.\n"
        "- Directness is normal; a disagreement is not an offence.\n",
    ),
    (
        "calendars",
        "Calendars and holidays",
        "| Period | Mie | Basque Country |\n|---|---|---|\n"
        "| Late April – early May | Golden Week: offices closed | normal |\n"
        "| Mid August | Obon: many companies closed | August: many companies closed |\n"
        "| End of December – 3 January | New Year: closed | Christmas |\n"
        "| 31 July | normal | San Ignacio (Bizkaia, Gipuzkoa) |\n\n"
        "Be patient and persistent: an unanswered email in Golden Week is not a no.\n",
    ),
    (
        "addressing-people",
        "How to address people",
        "- Japanese: family name + *-san* in speech (Yamada-san); in a letter, family name + "
        "様 (山田様). Never *-san* for yourself.\n"
        "- Basque: *Jauna* (Mr) and *Andrea* (Ms) after the name in formal Basque; in Spanish, "
        "*Sr.* / *Sra.* before the first surname.\n"
        "- Each contact's page in Zubia shows how to address them.\n",
    ),
]
