"""The two inventories Njia offers, written for Njia in plain English with Swahili translations.

Every item here was written for this project (none is taken from a published inventory),
about work people in Kenya and elsewhere know: a boda boda engine, a chama's books, a
kitenge dress. The interest profiler (``riasec``) has eight activities for each of Holland's
six areas, answered on a five-point like-dislike scale; the work-values inventory
(``work_values``) has four statements for each of the six work values used in career
counseling, rated for importance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES = ("en", "sw")
Text = Mapping[str, str]


def _t(en: str, sw: str) -> Text:
    return {"en": en, "sw": sw}


@dataclass(frozen=True)
class Area:
    """What an inventory scores: a Holland area (``R``) or a work value (``achievement``)."""

    key: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Item:
    id: str
    area: str
    text: Text


@dataclass(frozen=True)
class Inventory:
    key: str
    title: Text
    description: Text
    prompt: Text
    scale_min: int
    scale_max: int
    scale_labels: Mapping[str, tuple[str, ...]]
    areas: tuple[Area, ...]
    items: tuple[Item, ...]
    minutes: int

    @property
    def area_keys(self) -> tuple[str, ...]:
        return tuple(area.key for area in self.areas)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def area(self, key: str) -> Area:
        return next(area for area in self.areas if area.key == key)

    def items_of(self, area: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.area == area)


def _items(prefix: str, texts: list[Text]) -> tuple[Item, ...]:
    return tuple(Item(f"{prefix}{n:02d}", prefix, text) for n, text in enumerate(texts, start=1))


# Interest profiler ------------------------------------------------------------------------

RIASEC_AREAS = (
    Area(
        "R",
        _t("Realistic", "Vitendo"),
        _t(
            "Hands-on work with tools, machines, plants or animals, often outdoors.",
            "Kazi za mikono kwa zana, mashine, mimea au wanyama, mara nyingi nje.",
        ),
    ),
    Area(
        "I",
        _t("Investigative", "Uchunguzi"),
        _t(
            "Finding things out: observing, testing ideas, solving problems with facts and figures.",
            "Kutafuta ukweli: kuchunguza, kupima mawazo, kutatua matatizo kwa takwimu na ushahidi.",
        ),
    ),
    Area(
        "A",
        _t("Artistic", "Sanaa"),
        _t(
            "Creating and expressing: design, writing, music, drama, fashion.",
            "Kubuni na kujieleza: michoro, uandishi, muziki, maigizo, mitindo.",
        ),
    ),
    Area(
        "S",
        _t("Social", "Kijamii"),
        _t(
            "Helping, teaching, caring for and advising people.",
            "Kusaidia, kufundisha, kuhudumia na kuwashauri watu.",
        ),
    ),
    Area(
        "E",
        _t("Enterprising", "Ujasiriamali"),
        _t(
            "Leading, persuading, selling and starting things.",
            "Kuongoza, kushawishi, kuuza na kuanzisha mambo mapya.",
        ),
    ),
    Area(
        "C",
        _t("Conventional", "Utaratibu"),
        _t(
            "Keeping records, figures and procedures in good order.",
            "Kutunza kumbukumbu, hesabu na taratibu kwa mpangilio mzuri.",
        ),
    ),
)

RIASEC = Inventory(
    key="riasec",
    title=_t("Interest profiler", "Kipimo cha mapendeleo ya kazi"),
    description=_t(
        "48 activities. Say how much you would like doing each one; there are no right answers.",
        "Shughuli 48. Sema ungependa kiasi gani kufanya kila moja; hakuna jibu sahihi wala kosa.",
    ),
    prompt=_t("How much would you like doing this?", "Ungependa kiasi gani kufanya hivi?"),
    scale_min=1,
    scale_max=5,
    scale_labels={
        "en": ("Strongly dislike", "Dislike", "Not sure", "Like", "Strongly like"),
        "sw": ("Sipendi kabisa", "Sipendi", "Sina uhakika", "Napenda", "Napenda sana"),
    },
    areas=RIASEC_AREAS,
    items=(
        *_items(
            "R",
            [
                _t(
                    "Service and repair the engine of a boda boda",
                    "Kukarabati na kutunza injini ya bodaboda",
                ),
                _t(
                    "Make a bed frame in a carpentry workshop",
                    "Kutengeneza kitanda cha mbao katika karakana ya useremala",
                ),
                _t(
                    "Grow vegetables in a greenhouse and keep pests away",
                    "Kukuza mboga katika nyumba ya kitalu (greenhouse) na kuzuia wadudu waharibifu",
                ),
                _t(
                    "Install solar panels on the roofs of homes",
                    "Kuweka paneli za sola kwenye paa za nyumba",
                ),
                _t(
                    "Drive and look after a tractor during the planting season",
                    "Kuendesha na kutunza trekta wakati wa msimu wa upanzi",
                ),
                _t(
                    "Build a water tank from stones and cement",
                    "Kujenga tangi la maji kwa mawe na saruji",
                ),
                _t(
                    "Raise dairy cows and keep them healthy",
                    "Kufuga ng'ombe wa maziwa na kuwaweka katika afya njema",
                ),
                _t(
                    "Use a welding machine to make metal gates",
                    "Kutumia mashine ya kuchomelea kutengeneza mageti ya chuma",
                ),
            ],
        ),
        *_items(
            "I",
            [
                _t(
                    "Find out what is causing a disease in a maize crop",
                    "Kuchunguza kinachosababisha ugonjwa katika zao la mahindi",
                ),
                _t(
                    "Study how vaccines protect the body against disease",
                    "Kusoma jinsi chanjo zinavyoukinga mwili dhidi ya magonjwa",
                ),
                _t(
                    "Carry out experiments to test a new kind of fertiliser",
                    "Kufanya majaribio ya kupima aina mpya ya mbolea",
                ),
                _t(
                    "Solve a difficult mathematics puzzle for fun",
                    "Kutatua fumbo gumu la hisabati kwa kujifurahisha",
                ),
                _t(
                    "Test borehole water to learn whether it is safe to drink",
                    "Kupima maji ya kisima kujua kama ni salama kunywa",
                ),
                _t(
                    "Analyse weather records to predict next season's rains",
                    "Kuchanganua kumbukumbu za hali ya hewa kutabiri mvua za msimu ujao",
                ),
                _t(
                    "Investigate how the number of wild animals in a park changes over the years",
                    "Kuchunguza jinsi idadi ya wanyama pori katika mbuga inavyobadilika kwa miaka",
                ),
                _t(
                    "Compare research studies to decide which treatment works best",
                    "Kulinganisha tafiti mbalimbali kuamua tiba ipi inafanya kazi vizuri zaidi",
                ),
            ],
        ),
        *_items(
            "A",
            [
                _t(
                    "Design a logo and a poster for a new shop",
                    "Kubuni nembo na bango kwa ajili ya duka jipya",
                ),
                _t(
                    "Write a story, a poem or a song in your own words",
                    "Kuandika hadithi, shairi au wimbo kwa maneno yako mwenyewe",
                ),
                _t(
                    "Compose a new tune for a church or school choir",
                    "Kutunga wimbo mpya kwa ajili ya kwaya ya kanisa au ya shule",
                ),
                _t("Perform in a drama festival", "Kuigiza katika tamasha la drama"),
                _t(
                    "Design and sew clothes from kitenge fabric",
                    "Kubuni na kushona nguo za kitenge",
                ),
                _t(
                    "Photograph a wedding in an artistic way",
                    "Kupiga picha za harusi kwa ubunifu",
                ),
                _t(
                    "Paint a large picture on a wall in town",
                    "Kuchora picha kubwa kwenye ukuta mjini",
                ),
                _t(
                    "Create the dance moves for a cultural show",
                    "Kubuni miondoko ya ngoma kwa ajili ya onyesho la kitamaduni",
                ),
            ],
        ),
        *_items(
            "S",
            [
                _t(
                    "Help young children learn to read and count",
                    "Kuwasaidia watoto wadogo kujifunza kusoma na kuhesabu",
                ),
                _t(
                    "Nurse patients who are recovering in hospital",
                    "Kuwauguza wagonjwa wanaopata nafuu hospitalini",
                ),
                _t(
                    "Listen to a friend's worries and help them find a way forward",
                    "Kusikiliza wasiwasi wa rafiki na kumsaidia kupata njia ya kusonga mbele",
                ),
                _t(
                    "Coach a youth football team and mentor the players",
                    "Kufundisha timu ya vijana ya mpira wa miguu na kuwashauri wachezaji",
                ),
                _t(
                    "Visit elderly people at home to help them with daily tasks",
                    "Kuwatembelea wazee nyumbani kuwasaidia katika shughuli za kila siku",
                ),
                _t(
                    "Teach a community group how to prevent malaria",
                    "Kufundisha kikundi cha jamii jinsi ya kuzuia malaria",
                ),
                _t(
                    "Help a school leaver think through which course to study",
                    "Kumsaidia mhitimu wa shule kufikiria kozi ya kusomea",
                ),
                _t(
                    "Support families who have lost their homes in floods",
                    "Kusaidia familia zilizopoteza makazi yao kwa mafuriko",
                ),
            ],
        ),
        *_items(
            "E",
            [
                _t(
                    "Open a kiosk and grow it into a bigger business",
                    "Kufungua kibanda cha biashara na kukikuza kiwe biashara kubwa",
                ),
                _t(
                    "Convince shoppers to try a product they have never used",
                    "Kuwashawishi wanunuzi kujaribu bidhaa ambayo hawajawahi kutumia",
                ),
                _t(
                    "Lead a team of sales agents and set their targets",
                    "Kuongoza timu ya mawakala wa mauzo na kuwawekea malengo",
                ),
                _t(
                    "Bargain with suppliers for better prices for your business",
                    "Kujadiliana na wasambazaji ili kupata bei nafuu kwa biashara yako",
                ),
                _t(
                    "Campaign to be elected as a student or county leader",
                    "Kufanya kampeni ya kuchaguliwa kuwa kiongozi wa wanafunzi au wa kaunti",
                ),
                _t(
                    "Be in charge of a busy hotel and its staff",
                    "Kusimamia hoteli yenye shughuli nyingi na wafanyakazi wake",
                ),
                _t(
                    "Pitch a business idea to investors to get funding",
                    "Kuwasilisha wazo la biashara kwa wawekezaji ili kupata ufadhili",
                ),
                _t(
                    "Plan an advertising campaign for a mobile-money service",
                    "Kupanga kampeni ya matangazo kwa huduma ya pesa kwa simu",
                ),
            ],
        ),
        *_items(
            "C",
            [
                _t(
                    "Keep the record of contributions and loans of a savings group (chama)",
                    "Kutunza kumbukumbu za michango na mikopo ya chama cha akiba",
                ),
                _t(
                    "Type figures into a spreadsheet and check that the totals are right",
                    "Kuingiza tarakimu kwenye lahajedwali na kuhakikisha jumla ni sahihi",
                ),
                _t(
                    "Match receipts against payments to find mistakes",
                    "Kulinganisha risiti na malipo ili kupata makosa",
                ),
                _t(
                    "Arrange files so that any document can be found quickly",
                    "Kupanga mafaili ili hati yoyote ipatikane haraka",
                ),
                _t(
                    "Work out staff salaries and deductions every month",
                    "Kukokotoa mishahara na makato ya wafanyakazi kila mwezi",
                ),
                _t(
                    "Keep an exact count of goods going in and out of a store",
                    "Kuweka hesabu kamili ya bidhaa zinazoingia na kutoka ghalani",
                ),
                _t(
                    "Check that forms are filled in completely before approving them",
                    "Kuhakikisha fomu zimejazwa kikamilifu kabla ya kuziidhinisha",
                ),
                _t(
                    "Manage the appointment book of a busy clinic",
                    "Kusimamia kitabu cha miadi cha zahanati yenye shughuli nyingi",
                ),
            ],
        ),
    ),
    minutes=10,
)


# Work values --------------------------------------------------------------------------------

WORK_VALUE_AREAS = (
    Area(
        "achievement",
        _t("Achievement", "Mafanikio"),
        _t(
            "Work that uses your strengths and gives you a sense of accomplishment.",
            "Kazi inayotumia uwezo wako na kukupa hisia ya kufanikiwa.",
        ),
    ),
    Area(
        "working_conditions",
        _t("Working conditions", "Mazingira ya kazi"),
        _t(
            "Good pay, job security, variety and a safe, comfortable workplace.",
            "Mshahara mzuri, uhakika wa kazi, shughuli mbalimbali na mahali pa kazi salama.",
        ),
    ),
    Area(
        "recognition",
        _t("Recognition", "Kutambuliwa"),
        _t(
            "Respect, praise, promotion and the chance to lead.",
            "Heshima, sifa, kupandishwa cheo na nafasi ya kuongoza.",
        ),
    ),
    Area(
        "relationships",
        _t("Relationships", "Mahusiano"),
        _t(
            "Friendly co-workers, serving others, and never acting against your conscience.",
            "Wafanyakazi wenzako wenye urafiki, kuwahudumia wengine, na kutenda kwa dhamiri njema.",
        ),
    ),
    Area(
        "support",
        _t("Support", "Msaada"),
        _t(
            "Supportive supervisors, fair policies and training.",
            "Wasimamizi wanaokuunga mkono, sera za haki na mafunzo.",
        ),
    ),
    Area(
        "independence",
        _t("Independence", "Uhuru"),
        _t(
            "Deciding for yourself, trying your own ideas, working on your own.",
            "Kujiamulia mwenyewe, kujaribu mawazo yako, kufanya kazi peke yako.",
        ),
    ),
)


def _value_items(area: str, code: str, texts: list[Text]) -> tuple[Item, ...]:
    return tuple(Item(f"{code}{n}", area, text) for n, text in enumerate(texts, start=1))


WORK_VALUES = Inventory(
    key="work_values",
    title=_t("Work values", "Maadili ya kazi"),
    description=_t(
        "24 statements about what a job gives you. Rate how important each one is to you.",
        "Kauli 24 kuhusu kile kazi inakupa. Pima kila moja ni muhimu kiasi gani kwako.",
    ),
    prompt=_t("How important is this to you in a job?", "Hili ni muhimu kiasi gani kwako katika kazi?"),
    scale_min=1,
    scale_max=5,
    scale_labels={
        "en": ("Not important", "A little important", "Important", "Very important", "Essential"),
        "sw": ("Si muhimu", "Muhimu kidogo", "Muhimu", "Muhimu sana", "Muhimu kabisa"),
    },
    areas=WORK_VALUE_AREAS,
    items=(
        *_value_items(
            "achievement",
            "ACH",
            [
                _t(
                    "Seeing the results of what I have worked hard on",
                    "Kuona matokeo ya kazi niliyoifanya kwa bidii",
                ),
                _t("Doing work that stretches my skills", "Kufanya kazi inayopanua ujuzi wangu"),
                _t("Finishing tasks I can be proud of", "Kukamilisha kazi ninazoweza kujivunia"),
                _t(
                    "Getting better at my work year after year",
                    "Kuwa hodari zaidi kazini mwaka baada ya mwaka",
                ),
            ],
        ),
        *_value_items(
            "working_conditions",
            "WOR",
            [
                _t(
                    "Pay that covers my needs and those of my family",
                    "Mshahara unaotosheleza mahitaji yangu na ya familia yangu",
                ),
                _t("A job that is secure and steady", "Kazi yenye uhakika na utulivu"),
                _t(
                    "Being busy with different tasks through the day",
                    "Kuwa na shughuli mbalimbali siku nzima",
                ),
                _t("A safe and comfortable place to work", "Mahali pa kazi salama na pazuri"),
            ],
        ),
        *_value_items(
            "recognition",
            "REC",
            [
                _t(
                    "Being respected in my community for the work I do",
                    "Kuheshimiwa katika jamii yangu kwa kazi ninayofanya",
                ),
                _t("Chances to be promoted to a higher position", "Nafasi za kupandishwa cheo"),
                _t(
                    "Having my good work noticed and praised",
                    "Kazi yangu nzuri kutambuliwa na kusifiwa",
                ),
                _t(
                    "Being in a position to give directions to others",
                    "Kuwa katika nafasi ya kuwaelekeza wengine",
                ),
            ],
        ),
        *_value_items(
            "relationships",
            "REL",
            [
                _t(
                    "Friendly co-workers I get along with",
                    "Wafanyakazi wenzangu wenye urafiki ninaoelewana nao",
                ),
                _t("Work that serves other people", "Kazi inayowahudumia watu wengine"),
                _t(
                    "Never having to do something I believe is wrong",
                    "Kutolazimika kufanya jambo ninaloamini ni baya",
                ),
                _t(
                    "Being part of a team whose members help each other",
                    "Kuwa sehemu ya timu ambayo wanachama wake husaidiana",
                ),
            ],
        ),
        *_value_items(
            "support",
            "SUP",
            [
                _t("A supervisor who backs me up", "Msimamizi anayeniunga mkono"),
                _t("Clear and fair rules at work", "Kanuni za kazi zilizo wazi na za haki"),
                _t("Training given by my employer", "Mafunzo yanayotolewa na mwajiri wangu"),
                _t(
                    "A well-run organisation I can trust",
                    "Shirika linaloendeshwa vizuri ninaloweza kuliamini",
                ),
            ],
        ),
        *_value_items(
            "independence",
            "IND",
            [
                _t(
                    "Deciding for myself how to do my work",
                    "Kuamua mwenyewe jinsi ya kufanya kazi yangu",
                ),
                _t("Trying out my own ideas", "Kujaribu mawazo yangu mwenyewe"),
                _t("Planning my own working hours", "Kupanga saa zangu za kazi mwenyewe"),
                _t(
                    "Working without someone watching over me all the time",
                    "Kufanya kazi bila mtu kunisimamia kila wakati",
                ),
            ],
        ),
    ),
    minutes=5,
)

INVENTORIES: dict[str, Inventory] = {inventory.key: inventory for inventory in (RIASEC, WORK_VALUES)}
