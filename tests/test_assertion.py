"""Assertion detection on hand-written, fictional case-review sentences.

Each case is (sentence, cue phrase or None, theme kind, section, expected). The cue
phrase is located in the sentence and turned into a token span, as the rule tagger
would hand it over.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from pipeline.nlp import load_nlp
from pipeline.records import Assertion, Section
from pipeline.tag.assertion import detect_assertion

RF = "risk_factor"
PW = "practice_weakness"
BG = Section.BACKGROUND
AN = Section.ANALYSIS
REC = Section.RECOMMENDATIONS
SUM = Section.SUMMARY
OTH = Section.OTHER

# Written alongside the rules (the brief's hard cases among them).
PRESENT = [
    (
        "The mother disclosed that her partner had assaulted her in front of the children.",
        "assaulted",
        RF,
        BG,
    ),
    (
        "The father was drinking heavily throughout the period under review.",
        "drinking heavily",
        RF,
        BG,
    ),
    ("The information was not shared with the GP.", "information", PW, AN),
    ("No pre-birth assessment was completed.", "pre-birth assessment", PW, AN),
    ("The referral was not passed to the GP.", "referral", PW, AN),
    ("No one asked about the father.", "asked about the father", PW, AN),
    (
        "The health visitor should have shared the information with the midwife.",
        "shared the information",
        PW,
        AN,
    ),
    ("In this case the mother's drinking was not explored.", "drinking", RF, REC),
    ("In this case the mother's drinking was not explored.", "not explored", PW, REC),
    (
        "The pre-birth assessment was not completed before the family moved to another authority.",
        "pre-birth assessment",
        PW,
        REC,
    ),
    ("The health visitor was not aware of the domestic abuse.", "domestic abuse", RF, AN),
    ("The GP did not refer her for treatment of her depression.", "depression", RF, AN),
    (
        "The mother did not attend her appointments with the drug treatment service.",
        "drug treatment",
        RF,
        BG,
    ),
    ("Domestic abuse is a recurring feature of this case.", "Domestic abuse", RF, AN),
    ("Staff had not received training in coercive control.", "training", PW, AN),
    (
        "If the information had been shared, a strategy meeting would have been held.",
        "information had been shared",
        PW,
        AN,
    ),
    (
        "The house was dirty and there was no food in the cupboards.",
        "no food in the cupboards",
        RF,
        BG,
    ),
    ("The father would become violent when he had been drinking.", "violent", RF, BG),
    ("The mother had not only been drinking but had also taken cocaine.", "drinking", RF, BG),
    (
        "There was no evidence that information was shared with the school.",
        "information was shared",
        PW,
        AN,
    ),
    (
        "The father, who had been abused as a child, assaulted the mother when she was pregnant.",
        "assaulted the mother",
        RF,
        BG,
    ),
    (
        "The health visitor could have shared the information earlier.",
        "shared the information",
        PW,
        AN,
    ),
    ("Information about the father's violence was not passed to the health visitor.", None, PW, AN),
    (
        "Child M was self-harming and went missing from home on several occasions.",
        "self-harming",
        RF,
        BG,
    ),
    ("The mother was told that she must stop drinking.", "drinking", RF, BG),
    (
        "Two years before Child K was born, the mother was assaulted by a previous partner.",
        "assaulted",
        RF,
        BG,
    ),
    (
        "The father had witnessed domestic violence as a child and was violent towards the "
        "mother throughout the pregnancy.",
        "violent towards the mother",
        RF,
        BG,
    ),
    (
        "The mother denied drinking, but the father's violence was well documented.",
        "violence",
        RF,
        BG,
    ),
    ("The allocated social worker changed four times in six months.", "changed", PW, AN),
    (
        "Baby J was found unresponsive on the sofa where his father had fallen asleep.",
        "on the sofa",
        RF,
        BG,
    ),
]

NEGATED = [
    ("There was no evidence of domestic abuse in the household.", "domestic abuse", RF, AN),
    ("There were no concerns about her mental health.", "mental health", RF, AN),
    ("No concerns were raised about the mother's drinking.", "drinking", RF, BG),
    ("The mother denied any drug use.", "drug use", RF, BG),
    ("The mother was not known to use drugs.", "use drugs", RF, BG),
    ("Post-natal depression was ruled out by the GP.", "Post-natal depression", RF, BG),
    ("The mother did not disclose any domestic abuse to the midwife.", "domestic abuse", RF, BG),
    ("The baby was seen regularly without any sign of neglect.", "neglect", RF, BG),
    ("There was no evidence that information was withheld.", "information was withheld", PW, AN),
    ("Staffing was not a factor in this case.", "Staffing", PW, AN),
    ("Training was not an issue in this case.", "Training", PW, AN),
    (
        "There were no difficulties with information sharing between agencies.",
        "information sharing",
        PW,
        AN,
    ),
    ("The father had never used illegal drugs.", "used illegal drugs", RF, BG),
    ("There was nothing to suggest that the mother was using drugs.", "using drugs", RF, AN),
    ("Staff turnover did not affect the quality of the assessment.", "Staff turnover", PW, AN),
    ("The review found no gaps in information sharing.", "information sharing", PW, AN),
    ("There was no evidence of domestic abuse.", None, RF, AN),
    (
        "The mother denied drinking, but the father's violence was well documented.",
        "drinking",
        RF,
        BG,
    ),
    ("Her mental health was not a concern to any of the professionals.", "mental health", RF, AN),
]

RECOMMENDATION = [
    (
        "Agencies should ensure that staff are trained to recognise coercive control.",
        "coercive control",
        RF,
        AN,
    ),
    (
        "Agencies should ensure that staff are trained to recognise coercive control.",
        "trained",
        PW,
        AN,
    ),
    (
        "It is recommended that the partnership reviews its pre-birth assessment procedures.",
        "pre-birth assessment",
        PW,
        AN,
    ),
    (
        "The board will seek assurance that staff receive domestic abuse training.",
        "domestic abuse training",
        PW,
        AN,
    ),
    (
        "Recommendation 3: the partnership should audit pre-birth assessments.",
        "pre-birth assessments",
        PW,
        AN,
    ),
    (
        "Learning point: practitioners must consider the impact of parental drinking on the "
        "children.",
        "parental drinking",
        RF,
        AN,
    ),
    (
        "Ensure that information about unborn babies is shared when families move.",
        "information about unborn babies is shared",
        PW,
        AN,
    ),
    ("Practitioners need to be alert to coercive control.", "coercive control", RF, AN),
    (
        "It is important that agencies share information about unborn babies.",
        "share information",
        PW,
        AN,
    ),
    ("Health visitors must ask every mother about domestic abuse.", "domestic abuse", RF, REC),
    (
        "The safeguarding partnership commissions training on parental mental health.",
        "parental mental health",
        RF,
        REC,
    ),
    (
        "All agencies ought to record the details of adult males in the household.",
        "record the details",
        PW,
        AN,
    ),
    ("Managers are asked to review caseloads in the duty team.", "caseloads", PW, REC),
    (
        "Where there is domestic abuse, practitioners should share information.",
        "share information",
        PW,
        AN,
    ),
    (
        "Adult mental health services should consider the parenting role of their patients.",
        None,
        PW,
        AN,
    ),
]

HYPOTHETICAL = [
    ("Domestic abuse is a known risk factor for child maltreatment.", "Domestic abuse", RF, AN),
    (
        "Research shows that domestic abuse often escalates during pregnancy.",
        "domestic abuse",
        RF,
        AN,
    ),
    (
        "Babies who sleep on a sofa with an adult are at greater risk of sudden infant death.",
        "sleep on a sofa",
        RF,
        AN,
    ),
    (
        "Where there is domestic abuse, practitioners should share information.",
        "domestic abuse",
        RF,
        AN,
    ),
    ("If the mother had been drinking, the baby would have been at risk.", "drinking", RF, AN),
    ("The mother may have been using cannabis at the time.", "using cannabis", RF, BG),
    (
        "It is possible that the father was drinking on the night of the incident.",
        "drinking",
        RF,
        AN,
    ),
    ("Parents who misuse alcohol may neglect their children.", "neglect", RF, AN),
    (
        "In cases of parental substance misuse, a referral to children's social care is required.",
        "parental substance misuse",
        RF,
        AN,
    ),
    (
        "It is well known that co-sleeping increases the risk of sudden infant death.",
        "co-sleeping",
        RF,
        AN,
    ),
    ("The children were at risk of neglect.", "neglect", RF, BG),
    (
        "Whenever a parent discloses suicidal thoughts, the GP should consider the children.",
        "suicidal thoughts",
        RF,
        AN,
    ),
    (
        "Coercive control can be difficult for practitioners to recognise.",
        "Coercive control",
        RF,
        AN,
    ),
    ("Information might have been lost when the family moved.", "Information", PW, AN),
    (
        "When a mother discloses domestic abuse, the midwife should make a referral.",
        "domestic abuse",
        RF,
        AN,
    ),
    (
        "Staff should receive regular supervision where caseloads are high.",
        "caseloads are high",
        PW,
        AN,
    ),
    (
        "Parental mental illness is common and does not in itself mean that children are at risk.",
        None,
        RF,
        AN,
    ),
]

HISTORICAL = [
    ("The father had witnessed domestic violence as a child.", "domestic violence", RF, BG),
    ("The mother had experienced neglect in her own childhood.", "neglect", RF, BG),
    ("The father had used cannabis in his teens.", "used cannabis", RF, BG),
    ("When she was a teenager, the mother had self-harmed.", "self-harmed", RF, BG),
    (
        "Years before Child K was born, the mother had been in a violent relationship.",
        "violent relationship",
        RF,
        BG,
    ),
    (
        "The mother had a previous relationship ten years earlier in which she was assaulted.",
        "assaulted",
        RF,
        BG,
    ),
    (
        "The father, who had been abused as a child, assaulted the mother when she was pregnant.",
        "abused",
        RF,
        BG,
    ),
    ("As a young girl, the mother had been neglected by her own parents.", "neglected", RF, BG),
    ("The mother had been treated for depression as a teenager.", "depression", RF, BG),
    (
        "The father had witnessed domestic violence as a child and was violent towards the "
        "mother throughout the pregnancy.",
        "domestic violence",
        RF,
        BG,
    ),
]

# Written after the rules, as a check on them; first pass 160/182 (88%). The misses that
# showed a general gap were fixed by a general rule; the rest are KNOWN_MISSES below.
HELD_OUT_PRESENT = [
    (
        "Police attended the home after neighbours reported shouting and the mother had a"
        " black eye.",
        "black eye",
        RF,
        BG,
    ),
    ("Mr B's alcohol use escalated after the birth of the baby.", "alcohol use", RF, BG),
    (
        "The mother's low mood was noted at the six-week check but no referral was made.",
        "low mood",
        RF,
        BG,
    ),
    (
        "The mother's low mood was noted at the six-week check but no referral was made.",
        "no referral was made",
        PW,
        AN,
    ),
    (
        "The school did not inform children's social care about the bruising.",
        "did not inform",
        PW,
        AN,
    ),
    (
        "There was a lack of professional curiosity about the new partner.",
        "lack of professional curiosity",
        PW,
        AN,
    ),
    (
        "The father's explanation for the injury was accepted without challenge.",
        "accepted without challenge",
        PW,
        AN,
    ),
    (
        "The adult mental health team did not consider the impact of the mother's illness"
        " on the baby.",
        "did not consider the impact",
        PW,
        AN,
    ),
    (
        "High caseloads meant the social worker could not visit as often as planned.",
        "High caseloads",
        PW,
        AN,
    ),
    (
        "The midwife was newly qualified and had received no training in domestic abuse.",
        "training",
        PW,
        AN,
    ),
    (
        "The baby was sleeping in the parents' bed on the night he died.",
        "sleeping in the parents' bed",
        RF,
        BG,
    ),
    (
        "At the time of the review there was no evidence that the mother had stopped drinking.",
        "drinking",
        RF,
        AN,
    ),
    ("Child P told his teacher that he had been hungry all weekend.", "hungry", RF, BG),
    ("The mother's mental health deteriorated during the pregnancy.", "mental health", RF, BG),
    (
        "The couple's relationship was marked by frequent arguments and controlling behaviour.",
        "controlling behaviour",
        RF,
        BG,
    ),
    (
        "Mother was using heroin daily by the time of the child protection conference.",
        "using heroin",
        RF,
        BG,
    ),
    ("The children were often left alone in the flat without food.", "left alone", RF, BG),
    ("Children's social care were not told that the mother was pregnant.", "were not told", PW, AN),
    (
        "Nobody in the core group challenged the father's account.",
        "challenged the father's account",
        PW,
        AN,
    ),
    (
        "The family's move to another health board meant that no pre-birth plan was in place.",
        "pre-birth plan",
        PW,
        AN,
    ),
    (
        "Three different social workers were allocated in the year before the baby died.",
        "social workers were allocated",
        PW,
        AN,
    ),
    (
        "Neither the GP nor the health visitor knew about the domestic abuse.",
        "domestic abuse",
        RF,
        AN,
    ),
    (
        "The assessment did not take account of the father's history of violence.",
        "did not take account",
        PW,
        AN,
    ),
    (
        "Staff told the review they had never been trained in assessing risk to unborn babies.",
        "trained",
        PW,
        AN,
    ),
    (
        "The young person had been missing from care on eleven occasions.",
        "missing from care",
        RF,
        SUM,
    ),
    ("The mother's drinking was a constant feature of family life.", None, RF, SUM),
    ("Staff vacancies in the health visiting team were not filled for six months.", None, PW, AN),
    ("No checks were made on the new partner.", None, PW, AN),
    # Conservative: "several years" is not clearly distant, so the factor counts.
    ("Several years before, the mother had lived in a refuge.", "lived in a refuge", RF, BG),
    (
        "Although the mother said she was no longer using drugs, no test was requested "
        "and the father's drinking was not discussed.",
        "father's drinking",
        RF,
        AN,
    ),
    (
        "Although the mother said she was no longer using drugs, no test was requested "
        "and the father's drinking was not discussed.",
        "no test was requested",
        PW,
        AN,
    ),
    (
        "The midwife recorded that there was no domestic abuse, but the police had "
        "attended the address twice.",
        "police had attended the address",
        RF,
        BG,
    ),
    (
        "The mother's depression was treated by her GP, who did not ask about the children.",
        "did not ask about the children",
        PW,
        AN,
    ),
    (
        "The mother's depression was treated by her GP, who did not ask about the children.",
        "depression",
        RF,
        AN,
    ),
    (
        "Baby L died after being placed to sleep on a sofa by his father, who had drunk "
        "six cans of lager.",
        "sleep on a sofa",
        RF,
        SUM,
    ),
    ("The strategy discussion took place without the police.", "without the police", PW, AN),
    ("The health visitor was unaware that the family had moved.", "unaware", PW, AN),
    (
        "None of the agencies involved shared their concerns with each other.",
        "shared their concerns",
        PW,
        AN,
    ),
    (
        "There were delays in sharing the police report with the school.",
        "sharing the police report",
        PW,
        AN,
    ),
    ("The mother told the GP she felt suicidal.", "suicidal", RF, BG),
    ("There was no pre-birth assessment despite the mother's history.", None, PW, AN),
    (
        "The review found that the mother's mental health had not been assessed.",
        "mental health",
        RF,
        AN,
    ),
    ("The GP was not informed of the father's conviction for assault.", "assault", RF, AN),
    (
        "The father's controlling behaviour isolated the mother from her friends.",
        "controlling behaviour",
        RF,
        BG,
    ),
    (
        "The mother was admitted to a psychiatric unit two months after the birth.",
        "psychiatric unit",
        RF,
        BG,
    ),
    ("The baby's nappy rash and weight loss were not followed up.", "weight loss", RF, AN),
    (
        "The police did not share the domestic abuse notification with the health visitor.",
        "did not share",
        PW,
        AN,
    ),
    (
        "The adult mental health nurse never asked whether the mother had children.",
        "never asked whether the mother had children",
        PW,
        AN,
    ),
    (
        "The social worker had been qualified for less than a year and had no experience "
        "of neglect cases.",
        "no experience",
        PW,
        AN,
    ),
    ("Child R was being sexually exploited by older men.", "sexually exploited", RF, BG),
    ("The team had five vacancies and relied on agency staff.", "agency staff", PW, AN),
    ("The mother continued to drink heavily despite the warnings.", "drink heavily", RF, BG),
    (
        "The father's account was accepted and no further enquiries were made.",
        "no further enquiries were made",
        PW,
        AN,
    ),
    (
        "No one in the maternity service knew that the mother had moved from another area.",
        "knew that the mother had moved",
        PW,
        AN,
    ),
    (
        "The records show that the baby regularly slept in a car seat overnight.",
        "slept in a car seat",
        RF,
        BG,
    ),
]

HELD_OUT_NEGATED = [
    ("There was no evidence of substance misuse by either parent.", "substance misuse", RF, AN),
    ("Neither parent was known to misuse alcohol.", "misuse alcohol", RF, BG),
    ("The GP found no signs of depression at the postnatal review.", "depression", RF, BG),
    ("Workload pressures did not contribute to the delay.", "Workload pressures", PW, AN),
    (
        "The panel did not identify any issues with how information was shared.",
        "information was shared",
        PW,
        AN,
    ),
    ("The home was clean and there were no concerns about neglect.", "neglect", RF, BG),
    ("The father denied that he had ever hit the mother.", "hit the mother", RF, BG),
    ("Toxicology tests found no alcohol or drugs in the mother's blood.", "drugs", RF, BG),
    ("The mother consistently denied using drugs and tests were negative.", "using drugs", RF, BG),
    ("There were no reports of violence between the parents.", "violence", RF, BG),
    ("The father had no history of mental health problems.", "mental health problems", RF, BG),
    (
        "Information sharing was not a significant issue in this review.",
        "Information sharing",
        PW,
        AN,
    ),
    (
        "It was not found that staff lacked the relevant training.",
        "lacked the relevant training",
        PW,
        AN,
    ),
    ("Safe sleep advice was given and the baby was not co-sleeping.", "co-sleeping", RF, BG),
    ("The home conditions were never a concern.", "home conditions", RF, BG),
    ("No concerns were identified about the mother's mental health.", None, RF, AN),
    (
        "The midwife recorded that there was no domestic abuse, but the police had "
        "attended the address twice.",
        "domestic abuse",
        RF,
        BG,
    ),
    ("The father was not considered to pose a risk of domestic abuse.", "domestic abuse", RF, AN),
    ("Hair strand testing showed no evidence of cocaine use.", "cocaine use", RF, BG),
    ("The mother was not depressed at the time of the birth.", "depressed", RF, BG),
    (
        "There is no indication that staff shortages affected the response.",
        "staff shortages",
        PW,
        AN,
    ),
    ("There was no evidence of neglect or of domestic abuse.", "domestic abuse", RF, AN),
    ("The mother did not drink alcohol during the pregnancy.", "drink alcohol", RF, BG),
    (
        "The review did not find any evidence that training was lacking.",
        "training was lacking",
        PW,
        AN,
    ),
    ("There were no recorded concerns about the father's drug use.", "drug use", RF, BG),
    ("The mother said she had not been drinking that evening.", "drinking", RF, BG),
    ("Neither parent had any mental health difficulties.", "mental health difficulties", RF, BG),
    ("The social worker found no evidence of neglect during the home visit.", "neglect", RF, BG),
    ("Workload was not a barrier to completing the assessment.", "Workload", PW, AN),
    ("No shortfalls in training were identified.", "training", PW, AN),
    ("The mother did not have a history of self-harm.", "self-harm", RF, BG),
    (
        "The school raised no concerns about the children's presentation.",
        "children's presentation",
        RF,
        BG,
    ),
]

HELD_OUT_RECOMMENDATION = [
    (
        "Local authorities should agree who is responsible for a pre-birth assessment "
        "when a pregnant woman moves.",
        "pre-birth assessment",
        PW,
        AN,
    ),
    (
        "The partnership must assure itself that adult services think about the children "
        "of their patients.",
        "think about the children",
        PW,
        AN,
    ),
    (
        "Training on coercive control should be mandatory for all frontline staff.",
        "coercive control",
        RF,
        AN,
    ),
    (
        "Health and social care staff need to share information about pregnant women promptly.",
        "share information",
        PW,
        AN,
    ),
    (
        "The board should review the recruitment and retention of social workers.",
        "retention of social workers",
        PW,
        REC,
    ),
    (
        "That the local authority develops guidance on safe sleep for parents who drink.",
        "safe sleep",
        RF,
        REC,
    ),
    ("Midwives should routinely ask about domestic abuse at booking.", "domestic abuse", RF, AN),
    (
        "Practitioners should be mindful that parental drinking can affect the care of a baby.",
        "parental drinking",
        RF,
        AN,
    ),
    (
        "Agencies should consider how they record information about fathers.",
        "record information",
        PW,
        AN,
    ),
    (
        "Each agency must ensure that its staff have completed domestic abuse training.",
        "domestic abuse training",
        PW,
        REC,
    ),
    ("The partnership should seek assurance that caseloads are manageable.", "caseloads", PW, AN),
    (
        "A protocol for pregnant women moving between areas is needed.",
        "pregnant women moving between areas",
        PW,
        REC,
    ),
    (
        "Practitioners should not accept parental explanations for injuries without question.",
        "accept parental explanations",
        PW,
        AN,
    ),
    ("Health visitors ought to discuss safe sleep at every contact.", "safe sleep", RF, AN),
    (
        "The board will publish a briefing on parental mental health.",
        "parental mental health",
        RF,
        AN,
    ),
    (
        "Review the guidance on information sharing with adult services.",
        "information sharing",
        PW,
        REC,
    ),
    (
        "Agencies should make sure that an unborn baby's plan follows the mother when she moves.",
        "unborn baby's plan",
        PW,
        AN,
    ),
    (
        "The panel recommends that all GPs ask about alcohol use at every consultation.",
        "alcohol use",
        RF,
        AN,
    ),
    ("It is essential that workers are given protected time for training.", "training", PW, OTH),
    ("Managers should monitor caseloads to ensure they remain manageable.", "caseloads", PW, REC),
    (
        "Commissioners must ensure that adult drug services ask about children in the household.",
        "ask about children",
        PW,
        AN,
    ),
    (
        "Safeguarding partners are asked to consider the findings about coercive control.",
        "coercive control",
        RF,
        REC,
    ),
    (
        "There is a need for better information sharing between midwives and health visitors.",
        "information sharing",
        PW,
        AN,
    ),
    (
        "GPs should record the names of all adults living in the household.",
        "record the names",
        PW,
        SUM,
    ),
    (
        "Agencies should ask about fathers and male partners at every assessment.",
        "ask about fathers",
        PW,
        AN,
    ),
    (
        "Staff must be supported to challenge parents who appear to comply.",
        "challenge parents",
        PW,
        AN,
    ),
    (
        "The partnership will audit the quality of pre-birth assessments.",
        "pre-birth assessments",
        PW,
        OTH,
    ),
    ("Services for adults need to think family.", "think family", PW, AN),
    (
        "Information about missing episodes should be shared with the school.",
        "missing episodes",
        RF,
        AN,
    ),
    ("Midwives should be trained to ask about coercive control.", "coercive control", RF, REC),
    (
        "Consider a multi-agency review of all cases where a pregnant woman moves area.",
        "pregnant woman moves area",
        PW,
        REC,
    ),
    (
        "The learning from this review will be shared with all GP practices.",
        "shared with all GP practices",
        PW,
        REC,
    ),
]

HELD_OUT_HYPOTHETICAL = [
    (
        "Substance misuse by a parent can have a serious impact on a child's development.",
        "Substance misuse",
        RF,
        AN,
    ),
    ("Young people who go missing are vulnerable to exploitation.", "go missing", RF, AN),
    (
        "Sleeping with a baby on a sofa is particularly dangerous.",
        "Sleeping with a baby on a sofa",
        RF,
        AN,
    ),
    ("If a parent has been drinking, the baby should sleep in a separate cot.", "drinking", RF, AN),
    (
        "The father might have been using cocaine, but this was never tested.",
        "using cocaine",
        RF,
        AN,
    ),
    (
        "Studies suggest that staff turnover weakens relationships with families.",
        "staff turnover",
        PW,
        AN,
    ),
    (
        "Perinatal mental illness affects up to one in five women.",
        "Perinatal mental illness",
        RF,
        AN,
    ),
    (
        "There was a risk that the baby would be neglected if the mother relapsed.",
        "neglected",
        RF,
        AN,
    ),
    ("Young people who self-harm need a timely assessment.", "self-harm", RF, AN),
    ("Alcohol misuse often co-exists with domestic abuse.", "domestic abuse", RF, AN),
    ("The national analysis found that neglect featured in most reviews.", "neglect", RF, AN),
    ("Had the mother been drinking, the outcome could have been different.", "drinking", RF, AN),
    (
        "A baby sleeping next to an intoxicated adult faces a much higher risk of death.",
        "sleeping next to an intoxicated adult",
        RF,
        AN,
    ),
    ("Should there be concerns about neglect, a referral must be made.", "neglect", RF, AN),
    ("The mother could be depressed, the health visitor thought.", "depressed", RF, BG),
    ("Workers may lack confidence in talking about coercive control.", "coercive control", RF, AN),
    (
        "Where a parent misuses drugs, the risk to the children must be assessed.",
        "misuses drugs",
        RF,
        AN,
    ),
    ("Neglect is often cumulative and hard to see.", "Neglect", RF, AN),
    (
        "Parents with mental health problems do not necessarily pose a risk to their children.",
        "mental health problems",
        RF,
        AN,
    ),
    (
        "Unless the information is shared, nobody sees the whole picture.",
        "information is shared",
        PW,
        AN,
    ),
    ("The father's drinking may have contributed to the incident.", "father's drinking", RF, AN),
    ("Babies are most at risk of sudden death in the first six months.", None, RF, AN),
    ("Exploitation of young people is a growing concern nationally.", "Exploitation", RF, AN),
    (
        "It is possible that the information was never received.",
        "information was never received",
        PW,
        AN,
    ),
    ("Children who live with domestic abuse are harmed by it.", "domestic abuse", RF, AN),
    (
        "If the baby had been sleeping in a cot, he might have survived.",
        "sleeping in a cot",
        RF,
        AN,
    ),
    (
        "The father may have been under the influence of drugs.",
        "under the influence of drugs",
        RF,
        BG,
    ),
    ("Teenagers who go missing are at risk of exploitation.", "exploitation", RF, AN),
    (
        "In cases where parents misuse alcohol, babies should never share a bed with them.",
        "misuse alcohol",
        RF,
        AN,
    ),
    ("Perhaps the mother was more depressed than she appeared.", "depressed", RF, AN),
    (
        "High turnover of staff makes it harder to build relationships with families.",
        "High turnover of staff",
        PW,
        AN,
    ),
    (
        "Research suggests that mothers with postnatal depression often go undiagnosed.",
        "postnatal depression",
        RF,
        AN,
    ),
]

HELD_OUT_HISTORICAL = [
    ("The mother had been taken into care as a child because of neglect.", "neglect", RF, BG),
    (
        "In his youth the father had been convicted of assaulting a partner.",
        "assaulting a partner",
        RF,
        BG,
    ),
    (
        "The mother reported that she had been sexually abused in her childhood.",
        "sexually abused",
        RF,
        BG,
    ),
    (
        "Fifteen years earlier the father had been treated for heroin addiction.",
        "heroin addiction",
        RF,
        BG,
    ),
    ("During her teens the mother had taken overdoses.", "taken overdoses", RF, BG),
    ("As a child, the father had lived with his own father's alcoholism.", "alcoholism", RF, BG),
    ("The mother's eating disorder dated from her early teens.", "eating disorder", RF, BG),
    (
        "Many years before the family came to the area, the father had a conviction for violence.",
        "violence",
        RF,
        BG,
    ),
    (
        "The father had been in local authority care as a teenager after his own mother's"
        " drinking.",
        "his own mother's drinking",
        RF,
        BG,
    ),
    (
        "As a young man, the father had served a prison sentence for assaulting a girlfriend.",
        "assaulting a girlfriend",
        RF,
        BG,
    ),
    ("The mother described being beaten by her stepfather when she was young.", "beaten", RF, BG),
    ("Twenty years ago the father received treatment for depression.", "depression", RF, BG),
    ("The mother began self-harming at the age of thirteen.", "self-harming", RF, BG),
    (
        "In adolescence the mother had been diagnosed with bipolar disorder.",
        "bipolar disorder",
        RF,
        BG,
    ),
    (
        "The maternal grandmother had drunk heavily throughout the mother's childhood.",
        "drunk heavily",
        RF,
        BG,
    ),
    (
        "The mother had spent time in foster care as a child because of her mother's "
        "alcohol misuse.",
        "alcohol misuse",
        RF,
        BG,
    ),
    ("In his own childhood the father had witnessed his mother being beaten.", "beaten", RF, BG),
    ("The mother had taken an overdose as a teenager.", "overdose", RF, BG),
    ("The father's cannabis use began in adolescence.", "cannabis use", RF, BG),
    (
        "Thirty years earlier the maternal grandfather had been convicted of neglect.",
        "neglect",
        RF,
        BG,
    ),
    (
        "The mother had been physically abused as a child and had later self-harmed.",
        "physically abused",
        RF,
        BG,
    ),
    ("When the father was a child, his parents had drunk heavily.", "drunk heavily", RF, BG),
    (
        "The mother recalled hiding from her father's violence when she was young.",
        "violence",
        RF,
        BG,
    ),
    (
        "The father had been placed on the child protection register as a child because "
        "of neglect.",
        "neglect",
        RF,
        BG,
    ),
    ("In her teens the mother had been excluded from school for fighting.", "fighting", RF, BG),
    (
        "The mother's own mother had misused alcohol when the mother was a child.",
        "misused alcohol",
        RF,
        BG,
    ),
    (
        "As a teenager, the father had been cautioned for assaulting his girlfriend.",
        "assaulting his girlfriend",
        RF,
        BG,
    ),
    (
        "The mother's first partner, some fifteen years earlier, had been violent towards her.",
        "violent towards her",
        RF,
        BG,
    ),
    (
        "Decades before, the grandfather had been imprisoned for cruelty to his children.",
        "cruelty to his children",
        RF,
        BG,
    ),
    ("The father had a history of offending as a young person.", "offending", RF, BG),
    (
        "The mother had lived with domestic violence as a child and spoke of its lasting effect.",
        "domestic violence",
        RF,
        BG,
    ),
]

# Regressions from checking the rules against the taxonomy's own examples and negatives.
REGRESSIONS = [
    ("Information sharing between the nursery and the health visitor was good throughout.",
     "Information sharing", PW, AN, Assertion.NEGATED),  # good practice denies the weakness
    ("The pre-birth assessment was thorough and involved both parents.",
     "pre-birth assessment", PW, AN, Assertion.NEGATED),
    ("The pre-birth assessment was thorough, but it left out the father.",
     "pre-birth assessment", PW, AN, Assertion.PRESENT),  # the praise is turned
    ("The baby was seen promptly by the GP, who did not ask who lived at home.", None, PW,
     AN, Assertion.PRESENT),
    ("The stepfather told the nurse that he did not drink, and nothing in the GP records "
     "suggested otherwise.", None, RF, BG, Assertion.NEGATED),  # a joined clause denies it
    ("The social worker spoke to the grandmother and found no evidence that she drank while "
     "caring for the twins.", None, RF, AN, Assertion.NEGATED),
    ("The mother told the GP that she felt nothing for the baby.", None, RF, BG,
     Assertion.PRESENT),  # "nothing" felt is the symptom, not a denial of evidence
    ("Ms K was not known to any adult mental health service before the birth.",
     "adult mental health service", PW, AN, Assertion.NEGATED),  # no service, no miss
    ("Neither parent was in contact with drug or alcohol services during the review period.",
     "drug or alcohol services", PW, AN, Assertion.NEGATED),
    ("Mr B was not known to any adult service, so there was no missed opportunity for a "
     "practitioner to think about his parenting.", "practitioner", PW, AN,
     Assertion.NEGATED),  # the infinitive under "opportunity" is in the noun's scope
    ("There was a missed opportunity for a practitioner to think about his parenting.",
     "practitioner", PW, AN, Assertion.PRESENT),
    ("The drug service knew the father but was not in contact with the children's social "
     "worker.", None, PW, AN, Assertion.PRESENT),  # a service, not a parent, out of contact
    ("The boy arrived at school without a coat in the snow.", "without a coat", RF, BG,
     Assertion.PRESENT),  # "without" negates only evidence: "without any sign of"
    ("A nine-year-old was feeding and dressing his younger siblings.", None, RF, BG,
     Assertion.PRESENT),  # "nine-year-old" is not "nine years earlier"
    ("Practitioners were unclear about their duties when the mother moved.", None, PW, AN,
     Assertion.PRESENT),  # hedges count only as "it is unclear whether"
    ("Think Family guidance was not followed by the drug service.", None, PW, AN,
     Assertion.PRESENT),  # a misparsed "Think" is not an imperative
    ("The nurse did not lack experience of working with parents who drink.", "lack experience",
     PW, AN, Assertion.NEGATED),
    ("There were no vacancies in the health visiting team.", "vacancies", PW, AN,
     Assertion.NEGATED),
    ("Police checks found no record of violence at the address.", "violence", RF, BG,
     Assertion.NEGATED),  # the noun "record" is not the practice verb "record"
    ("Long before the family moved to the area, the father had been violent to a former "
     "partner.", "violent", RF, BG, Assertion.HISTORICAL),
    ("The maternal grandmother had been treated for depression in the 1980s.", "depression",
     RF, BG, Assertion.HISTORICAL),
    ("The partnership should ensure that any young person who goes missing is offered a "
     "return interview.", "goes missing", RF, AN, Assertion.RECOMMENDATION),
]  # fmt: skip

# Genuinely hard cases the parse-based rules get wrong; kept visible rather than hidden.
KNOWN_MISSES: dict[tuple[str, str | None], str] = {
    ("Staff should receive regular supervision where caseloads are high.", "caseloads are high"): (
        "misparse: 'where caseloads are high' is attached as a relative clause of "
        "'supervision', like a place ('the flat where ...'), so it is read as a "
        "RECOMMENDATION, not a condition; it is still not counted"
    ),
    (
        "At the time of the review there was no evidence that the mother had stopped drinking.",
        "drinking",
    ): "double negation: 'no evidence that she had stopped' asserts the drinking",
    ("The mother's eating disorder dated from her early teens.", "eating disorder"): (
        "misparse: 'disorder' is the root and 'dated' its modifier, so 'from her early teens' "
        "is outside the cue's clause"
    ),
    ("Young people who self-harm need a timely assessment.", "self-harm"): (
        "misparse: 'people' is the root and 'need' a relative clause, so there is no "
        "present-tense main verb with a generic subject"
    ),
    ("Alcohol misuse often co-exists with domestic abuse.", "domestic abuse"): (
        "the tokenizer splits 'co-exists' and the parser makes the noun 'co' the root"
    ),
    ("The mother began self-harming at the age of thirteen.", "self-harming"): (
        "ages are not childhood markers yet: 'at the age of sixteen' also describes young "
        "parents within the case"
    ),
    (
        "The father had been placed on the child protection register as a child because of "
        "neglect.",
        "neglect",
    ): "misparse: 'as a child' modifies 'register', below the depth the rule scans",
}

CASES: list[tuple[str, str | None, str, Section, Assertion]] = [
    *[(*case, Assertion.PRESENT) for case in PRESENT + HELD_OUT_PRESENT],
    *[(*case, Assertion.NEGATED) for case in NEGATED + HELD_OUT_NEGATED],
    *[(*case, Assertion.RECOMMENDATION) for case in RECOMMENDATION + HELD_OUT_RECOMMENDATION],
    *[(*case, Assertion.HYPOTHETICAL) for case in HYPOTHETICAL + HELD_OUT_HYPOTHETICAL],
    *[(*case, Assertion.HISTORICAL) for case in HISTORICAL + HELD_OUT_HISTORICAL],
    *REGRESSIONS,
]


def _params() -> list[Any]:
    params = []
    for text, cue, kind, section, expected in CASES:
        reason = KNOWN_MISSES.get((text, cue))
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        label = f"{expected.value}:{text[:40]}:{cue}"
        params.append(pytest.param(text, cue, kind, section, expected, marks=marks, id=label))
    return params


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def cue_span(nlp: Language, text: str, cue: str | None) -> tuple[Any, tuple[int, int] | None]:
    doc = nlp(text)
    if cue is None:
        return doc, None
    start = text.index(cue)
    span = doc.char_span(start, start + len(cue), alignment_mode="expand")
    assert span is not None, f"cue {cue!r} does not align with tokens"
    return doc, (span.start, span.end)


@pytest.mark.parametrize(("text", "cue", "kind", "section", "expected"), _params())
def test_detect_assertion(
    nlp: Language,
    text: str,
    cue: str | None,
    kind: str,
    section: Section,
    expected: Assertion,
) -> None:
    doc, span = cue_span(nlp, text, cue)
    assert detect_assertion(doc, section, span, theme_kind=kind) == expected


def test_every_class_has_at_least_eight_cases() -> None:
    counts = {assertion: 0 for assertion in Assertion}
    for *_, expected in CASES:
        counts[expected] += 1
    assert min(counts.values()) >= 8, counts
    assert len(KNOWN_MISSES) < 0.1 * len(CASES)


def test_theme_kind_decides_a_negated_practice(nlp: Language) -> None:
    doc, span = cue_span(nlp, "No pre-birth assessment was completed.", "pre-birth assessment")
    assert detect_assertion(doc, AN, span, theme_kind=PW) == Assertion.PRESENT
    assert detect_assertion(doc, AN, span, theme_kind=RF) == Assertion.NEGATED
    assert detect_assertion(doc, AN, span) == Assertion.NEGATED


def test_recommendations_section_defaults_to_recommendation(nlp: Language) -> None:
    doc, span = cue_span(nlp, "Training on coercive control for all GPs.", "coercive control")
    assert detect_assertion(doc, REC, span, theme_kind=RF) == Assertion.RECOMMENDATION
    assert detect_assertion(doc, AN, span, theme_kind=RF) == Assertion.PRESENT


def test_detect_assertion_does_not_change_the_doc(nlp: Language) -> None:
    doc, span = cue_span(nlp, "There were no concerns about her mental health.", "mental health")
    before = [(token.text, token.dep_, token.head.i) for token in doc]
    detect_assertion(doc, AN, span, theme_kind=RF)
    assert [(token.text, token.dep_, token.head.i) for token in doc] == before


def test_each_cue_is_judged_within_its_own_sentence(nlp: Language) -> None:
    text = "The father hit her. No concerns were raised about neglect."
    doc, hit = cue_span(nlp, text, "hit")
    assert detect_assertion(doc, BG, hit, theme_kind=RF) == Assertion.PRESENT
    doc, neglect = cue_span(nlp, text, "neglect")
    assert detect_assertion(doc, BG, neglect, theme_kind=RF) == Assertion.NEGATED


def test_empty_text_is_present_and_a_bad_cue_is_rejected(nlp: Language) -> None:
    assert detect_assertion(nlp(""), AN) == Assertion.PRESENT
    doc = nlp("The mother was drinking.")
    with pytest.raises(ValueError, match="not a non-empty token span"):
        detect_assertion(doc, AN, (3, 3))
    with pytest.raises(ValueError, match="not a non-empty token span"):
        detect_assertion(doc, AN, (2, 9))


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_cue_span_gets_an_assertion(nlp: Language, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([case[0] for case in CASES[::7]]))
    doc = nlp(text)
    start = data.draw(st.integers(0, len(doc) - 1))
    end = data.draw(st.integers(start + 1, len(doc)))
    section = data.draw(st.sampled_from(list(Section)))
    kind = data.draw(st.sampled_from([None, RF, PW]))
    assert detect_assertion(doc, section, (start, end), theme_kind=kind) in set(Assertion)
