"""Core's sections of the Leitfragebogen, in plain German and English.

A bakery owner with ten employees and no website should get through them on a phone in a
quarter of an hour: few required questions, a help text and an example for every open one.
"""

from __future__ import annotations

from core import classifications as vocab
from core.portal.questionnaire import AnswerType as A
from core.portal.questionnaire import Question, Section, options_from

__all__ = ["core_sections"]


def core_sections() -> list[Section]:
    """The company, its place, its story, its offers, family, contact."""
    return [
        Section(
            key="unternehmen",
            title_de="Ihr Unternehmen",
            title_en="Your company",
            intro_de=(
                "Zuerst das Wichtigste: wie Ihr Unternehmen heißt, was es macht und wie groß es "
                "ist. Felder mit * sind Pflicht, alles andere ist freiwillig."
            ),
            intro_en=(
                "The essentials first: your company's name, what it does and how big it is. "
                "Fields marked * are required, everything else is optional."
            ),
            order=10,
            questions=(
                Question(
                    key="name",
                    label_de="Name des Unternehmens",
                    label_en="Company name",
                    answer=A.TEXT,
                    target="name",
                    required=True,
                    max_length=200,
                    help_de="So, wie Kundinnen und Kunden Sie kennen.",
                    help_en="The way your customers know you.",
                    example_de="Bäckerei Sonnenschein",
                    example_en="Sunshine Bakery",
                ),
                Question(
                    key="industry",
                    label_de="Branche",
                    label_en="Industry",
                    answer=A.CHOICE,
                    target="industry",
                    options=options_from(vocab.industries()),
                    required=True,
                    help_de="Wählen Sie den Bereich, der am besten passt.",
                    help_en="Choose the area that fits best.",
                    example_de="Eine Bäckerei gehört zu „Verarbeitendes Gewerbe“.",
                    example_en="A bakery belongs to “Manufacturing”.",
                ),
                Question(
                    key="employees",
                    label_de="Wie viele Menschen arbeiten bei Ihnen?",
                    label_en="How many people work for you?",
                    answer=A.INTEGER,
                    target="employees",
                    required=True,
                    minimum=0,
                    maximum=1_000_000,
                    help_de="Alle Beschäftigten, auch Teilzeitkräfte und Auszubildende.",
                    help_en="Everybody, part-timers and apprentices included.",
                    example_de="10",
                    example_en="10",
                ),
                Question(
                    key="website",
                    label_de="Website",
                    label_en="Website",
                    answer=A.URL,
                    target="website",
                    help_de=(
                        "Keine Website? Dann lassen Sie das Feld leer: Ihr Profil hier wird Ihre "
                        "Visitenkarte im Netz."
                    ),
                    help_en=(
                        "No website? Leave the field empty: your profile here becomes your "
                        "business card on the web."
                    ),
                    example_de="https://www.baeckerei-sonnenschein.de",
                    example_en="https://www.sunshine-bakery.com",
                ),
            ),
        ),
        Section(
            key="standort",
            title_de="Standort",
            title_en="Location",
            intro_de="Wo arbeitet man bei Ihnen? Damit findet man Sie auf der Karte.",
            intro_en="Where do people work for you? This puts you on the map.",
            order=20,
            questions=(
                Question(
                    key="street",
                    label_de="Straße und Hausnummer",
                    label_en="Street and number",
                    answer=A.TEXT,
                    target="street",
                    max_length=200,
                    example_de="Hauptstraße 12",
                    example_en="Hauptstraße 12",
                ),
                Question(
                    key="postcode",
                    label_de="Postleitzahl",
                    label_en="Postcode",
                    answer=A.POSTCODE,
                    target="postcode",
                    required=True,
                    example_de="45699",
                    example_en="45699",
                ),
                Question(
                    key="town",
                    label_de="Ort",
                    label_en="Town",
                    answer=A.TEXT,
                    target="town",
                    max_length=100,
                    help_de="Leer lassen: Wir ergänzen ihn aus der Postleitzahl.",
                    help_en="Leave it empty: we take it from the postcode.",
                    example_de="Herten",
                    example_en="Herten",
                ),
                Question(
                    key="location",
                    label_de="Lage auf der Karte",
                    label_en="Position on the map",
                    answer=A.LOCATION,
                    target="location",
                    help_de=(
                        "Ohne Angabe setzen wir Sie in die Mitte Ihres Postleitzahlgebiets. "
                        "Ziehen Sie die Markierung auf Ihren Eingang oder tippen Sie auf die "
                        "Karte; Sie können die Koordinaten auch eintippen."
                    ),
                    help_en=(
                        "Left empty, we place you in the middle of your postcode area. Drag "
                        "the pin to your entrance or tap the map; you may also type the "
                        "coordinates."
                    ),
                    example_de="51.5967 und 7.1380",
                    example_en="51.5967 and 7.1380",
                ),
            ),
        ),
        Section(
            key="ueber-uns",
            title_de="Über Sie als Arbeitgeber",
            title_en="About you as an employer",
            intro_de=(
                "Hier entscheiden junge Menschen, ob sie sich bei Ihnen melden. Schreiben Sie so, "
                "wie Sie es einem Bewerber beim ersten Treffen erzählen würden."
            ),
            intro_en=(
                "This is where young people decide whether to get in touch. Write it the way "
                "you would tell an applicant at a first meeting."
            ),
            order=30,
            questions=(
                Question(
                    key="description",
                    label_de="Was macht Ihr Unternehmen?",
                    label_en="What does your company do?",
                    answer=A.LONGTEXT,
                    target="description",
                    required=True,
                    max_length=2000,
                    help_de="Zwei, drei Sätze genügen.",
                    help_en="Two or three sentences are enough.",
                    example_de=(
                        "Wir backen seit 1962 Brot, Brötchen und Kuchen in Herten und beliefern "
                        "drei eigene Filialen."
                    ),
                    example_en=(
                        "Since 1962 we have baked bread, rolls and cakes in Herten for our "
                        "three shops."
                    ),
                ),
                Question(
                    key="attractive",
                    label_de="Was macht Sie als Arbeitgeber attraktiv?",
                    label_en="What makes you an attractive employer?",
                    answer=A.LONGTEXT,
                    max_length=1000,
                    example_de=(
                        "Kleines Team, feste Schichten, freitags gemeinsames Frühstück, "
                        "Übernahme nach der Ausbildung."
                    ),
                    example_en=(
                        "A small team, fixed shifts, breakfast together on Fridays, a job after "
                        "the apprenticeship."
                    ),
                ),
                Question(
                    key="typical_day",
                    label_de="Wie sieht ein typischer Arbeitstag aus?",
                    label_en="What does a typical working day look like?",
                    answer=A.LONGTEXT,
                    max_length=1000,
                    example_de=(
                        "Um 5 Uhr geht es los: Teig ansetzen, Brötchen formen, um 9 Uhr Pause; "
                        "Feierabend ist um 13 Uhr."
                    ),
                    example_en=(
                        "We start at 5: mixing dough, shaping rolls, a break at 9; the day ends "
                        "at 1 pm."
                    ),
                ),
                Question(
                    key="learn",
                    label_de="Was können junge Menschen bei Ihnen lernen?",
                    label_en="What can young people learn with you?",
                    answer=A.LONGTEXT,
                    max_length=1000,
                    example_de=(
                        "Alles vom Sauerteig bis zur Hochzeitstorte, den Umgang mit Kundschaft "
                        "und wie ein kleiner Betrieb funktioniert."
                    ),
                    example_en=(
                        "Everything from sourdough to wedding cakes, dealing with customers and "
                        "how a small business works."
                    ),
                ),
                Question(
                    key="logo",
                    label_de="Logo (freiwillig)",
                    label_en="Logo (optional)",
                    answer=A.IMAGE,
                    target="logo",
                    help_de="PNG, JPEG oder WebP. Wir verkleinern es für das Profil.",
                    help_en="PNG, JPEG or WebP. We shrink it for the profile.",
                ),
            ),
        ),
        Section(
            key="angebote",
            title_de="Ausbildung, Berufe und Leistungen",
            title_en="Training, professions and benefits",
            intro_de="Kreuzen Sie an, was zutrifft. Danach kann man auf der Karte filtern.",
            intro_en="Tick what applies. People filter the map by it.",
            order=40,
            questions=(
                Question(
                    key="offers",
                    label_de="Was bieten Sie Einsteigern an?",
                    label_en="What do you offer starters?",
                    answer=A.MULTICHOICE,
                    target="offers",
                    options=options_from(vocab.offers()),
                ),
                Question(
                    key="professions",
                    label_de="In welchen Berufen arbeiten oder lernen Menschen bei Ihnen?",
                    label_en="In which professions do people work or train with you?",
                    answer=A.MULTICHOICE,
                    target="professions",
                    options=options_from(vocab.professions()),
                    help_de="Nach der Klassifikation der Berufe (KldB 2010).",
                    help_en="By the German classification of occupations (KldB 2010).",
                    example_de="Eine Bäckerei: „Lebensmittelherstellung und -verarbeitung“.",
                    example_en="A bakery: “Food production and processing”.",
                ),
                Question(
                    key="benefits",
                    label_de="Welche Zusatzleistungen gibt es?",
                    label_en="Which benefits are there?",
                    answer=A.MULTICHOICE,
                    target="benefits",
                    options=options_from(vocab.benefits()),
                ),
            ),
        ),
        Section(
            key="familie",
            title_de="Familie und Beruf",
            title_en="Family and work",
            intro_de="Wie passen bei Ihnen Arbeit und Familie zusammen?",
            intro_en="How do work and family fit together with you?",
            order=50,
            questions=(
                Question(
                    key="family",
                    label_de="Was bieten Sie dafür an?",
                    label_en="What do you offer for it?",
                    answer=A.MULTICHOICE,
                    target="family",
                    options=options_from(vocab.family_features()),
                ),
                Question(
                    key="certificates",
                    label_de="Haben Sie ein Zertifikat dafür?",
                    label_en="Do you hold a certificate for it?",
                    answer=A.MULTICHOICE,
                    target="certificates",
                    options=options_from(vocab.certificates()),
                ),
            ),
        ),
        Section(
            key="kontakt",
            title_de="Ansprechperson",
            title_en="Contact person",
            intro_de=(
                "Wen können Interessierte ansprechen? Name und Kontaktdaten zeigen wir nur, wenn "
                "Sie unten zustimmen."
            ),
            intro_en=(
                "Whom can people contact? We show name and contact details only if you agree below."
            ),
            order=60,
            questions=(
                Question(
                    key="contact_name",
                    label_de="Name",
                    label_en="Name",
                    answer=A.TEXT,
                    target="contact.name",
                    max_length=200,
                    example_de="Maria Beispiel",
                    example_en="Maria Example",
                ),
                Question(
                    key="contact_email",
                    label_de="E-Mail-Adresse",
                    label_en="E-mail address",
                    answer=A.EMAIL,
                    target="contact.email",
                    example_de="ausbildung@baeckerei-sonnenschein.de",
                    example_en="jobs@sunshine-bakery.com",
                ),
                Question(
                    key="contact_phone",
                    label_de="Telefon",
                    label_en="Phone",
                    answer=A.PHONE,
                    target="contact.phone",
                    example_de="02366 12345",
                    example_en="02366 12345",
                ),
                Question(
                    key="publish_contact",
                    label_de="Ansprechperson im Profil zeigen",
                    label_en="Show the contact person on the profile",
                    answer=A.CONSENT,
                    consent="publish_contact",
                ),
            ),
        ),
    ]
