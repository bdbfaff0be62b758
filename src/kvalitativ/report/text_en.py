"""The report's template texts in English, keyed by the Danish text the templates hold.

Why keyed by the Danish: the templates stay one file each, in Danish as before (a Danish report
is the templates' own text, byte for byte); an English report looks each text up here
(:func:`kvalitativ.report.words.translator`), whitespace inside a key not counting. A text
missing here stays Danish, and a test lists the templates' texts that have no English.
"""

from __future__ import annotations

TEXT_EN: dict[str, str] = {
    # header, footer, shared tables
    "Kørsel": "Run", "dannet": "made", "kodebog": "codebook",
    "Dannet af kvalitativ. Tallene beskriver sammenhænge i observationsdata, ikke årsager.":
        "Made by kvalitativ. The numbers describe associations in observational data, not causes.",
    "Celler med færre end {n} personer er skjult.": "Cells with fewer than {n} persons are hidden.",
    "kommunen": "the municipality", "Tal": "Numbers", "Indikator": "Indicator", "Kommunen": "Municipality",
    "Personer": "Persons", "Note": "Note", "skjult": "hidden", "færre end grænsen": "below the threshold",
    "Hyppigste temaer": "Most frequent themes", "Tema": "Theme", "Andel": "Share", "Citat": "Quote",
    # method and caveats
    "Sådan er tallene lavet": "How the numbers were made", "Kodning.": "Coding.",
    "Hver sætning i notaterne er kodet til temaer fra kodebogen":
        "Every sentence of the notes is coded into themes from the codebook",
    "version": "version",
    "med en valens: styrke, bekymring eller neutral. En person har et tema, når mindst ét af personens notater har det.":
        "with a valence: strength, concern or neutral. A person has a theme when at least one of their notes has it.",
    "Udbredelse.": "Prevalence.",
    "Andelen er antal personer med temaet delt med antal personer med mindst ét notat i gruppen":
        "The share is the number of persons with the theme divided by the number of persons with at least one note in "
        "the group",
    "(kommunen, enheden eller skoleåret)": "(the municipality, the unit or the school year)",
    ", kun notater før {day}": ", only notes before {day}",
    ", med et 95 %-konfidensinterval (Wilson)": ", with a 95% confidence interval (Wilson)",
    "Udbredelsen tæller alle med notater før den dato; sammenhængen med udfaldet kun dem, der stadig var der den dag, "
    "og derfor færre":
        "The prevalence counts everyone with notes before that date; the association with the outcome only those still "
        "there on that day, and so fewer",
    "Udvikling.": "Trend.",
    "Ændringen over skoleår er testet med Cochran–Armitage-testen for trend;":
        "The change over school years is tested with the Cochran–Armitage test for trend;",
    "«stigende» eller «faldende» kræver q &lt; 0,05 (p-værdien justeret for, at der testes mange temaer og enheder;":
        "“rising” or “falling” needs q &lt; 0.05 (the p-value adjusted for testing many themes and units;",
    "Benjamini–Hochberg, for kommunen og for enhederne hver for sig) og mindst tre skoleår med nok personer, ellers "
    "«stabil».":
        "Benjamini–Hochberg, for the municipality and for the units separately) and at least three school years with "
        "enough persons, else “stable”.",
    "Udfald.": "Outcome.",
    "Frafald betyder her at have forladt en ungdomsuddannelse inden for":
        "Dropout here means having left a youth education within",
    "{n} måneder": "{n} months",
    "Frafaldsdefinitionen (vinduet i måneder) er ikke oplyst i data":
        "The dropout definition (the window in months) is not given in the data",
    "der findes ingen fælles definition (3, 6, 15 og 27 måneder er alle i brug).":
        "there is no common definition (3, 6, 15 and 27 months are all in use).",
    "Udfaldet er": "The outcome is", "(kolonnen «{column}»).": "(the column “{column}”).",
    "Notaterne har ingen datoer, så alle notater tæller (tværsnit): et tema kan være skrevet efter udfaldet":
        "The notes have no dates, so all notes count (cross-sectional): a theme may have been written after the outcome",
    "Kun notater skrevet <em>før</em> {day} tæller": "Only notes written <em>before</em> {day} count",
    "(og højst {n} måneder før)": "(and at most {n} months before)",
    ", og kun {who}, der stadig var der den dag, sammenlignes: alle følges over de samme datoer, så den, der forlod "
    "forløbet tidligt, ikke ser ud til at være uden temaet, blot fordi der blev skrevet færre notater om vedkommende":
        ", and only {who} still there on that day are compared: everyone is followed over the same dates, so someone "
        "who left early does not seem to be without the theme merely because fewer notes were written about them",
    "Kun notater skrevet <em>før</em> udfaldet tæller": "Only notes written <em>before</em> the outcome count",
    ", og kun notater før {day}": ", and only notes before {day}",
    "Bemærk:": "Note:", "uden": "without", "med": "with",
    "udfaldet havde i gennemsnit {times} gange så mange notater før deres udfaldsdato som de øvrige, så et tema, der "
    "blot er noteret én gang, hænger":
        "the outcome had on average {times} times as many notes before their outcome date as the others, so a theme "
        "noted only once goes",
    "sammen med ikke at have udfaldet": "with not having the outcome", "sammen med udfaldet": "with the outcome",
    "alene af den grund. Sammenhængene kan derfor pege den forkerte vej; en sammenligning over de samme datoer "
    "(link.timing: landmark) undgår det.":
        "for that reason alone. The associations may therefore point the wrong way; a comparison over the same dates "
        "(link.timing: landmark) avoids it.",
    "Odds ratio (OR) sammenligner personer med og uden temaet": "The odds ratio (OR) compares persons with and without "
                                                                "the theme",
    "; den justerede OR tager højde for de baggrundsforhold,": "; the adjusted OR takes into account the background "
                                                              "factors",
    "analytikeren har valgt (fx fravær, karakterer, køn)": "the analyst chose (e.g. absence, grades, gender)",
    "p-værdier er justeret for mange test (Benjamini–Hochberg, q).":
        "p-values are adjusted for many tests (Benjamini–Hochberg, q).",
    "Citater": "Quotes",
    "er den sætning, der bar temaet, forkortet ved et ordskel, valgt så de ligner temaets øvrige sætninger":
        "are the sentence that carried the theme, shortened at a word boundary, chosen to resemble the theme's other "
        "sentences",
    "og er forskellige fra hinanden (højst ét citat pr. person). Alle citater er anonymiseret to gange":
        "and to differ from each other (at most one quote per person). All quotes are anonymised twice",
    "(navne, CPR-numre, telefon, e-mail og adresser erstattes af [NAVN], [CPR], [TELEFON], [EMAIL], [ADRESSE]).":
        "(names, CPR numbers, phone numbers, e-mail addresses and addresses are replaced by [NAVN], [CPR], [TELEFON], "
        "[EMAIL], [ADRESSE]).",
    "Diskretion.": "Disclosure control.",
    "Tal for færre end {n} personer vises ikke (heller ikke som andel), og der skjules":
        "Numbers for fewer than {n} persons are not shown (not as a share either), and further cells",
    "yderligere celler, så et skjult tal ikke kan regnes ud fra de andre. Temaer, der ses hos færre end":
        "are hidden so that a hidden number cannot be worked out from the others. Themes seen in fewer than",
    "{n} personer — i kommunen og i enheden — får ingen citater.":
        "{n} persons — in the municipality and in the unit — get no quotes.",
    "Forbehold": "Caveats", "Sammenhænge, ikke årsager.": "Associations, not causes.",
    "Notater skrives, når nogen er bekymret, og af forskellige faggrupper med forskellig praksis.":
        "Notes are written when someone is worried, and by different professions with different practices.",
    "En højere andel kan betyde flere problemer — eller mere opmærksomhed og flere notater. Brug tallene som":
        "A higher share may mean more problems — or more attention and more notes. Use the numbers as",
    "udgangspunkt for dialog, ikke som dom over en enhed.": "a starting point for dialogue, not as a verdict on a unit.",
    "UPV.": "UPV.",
    "Uddannelsesparathedsvurderingen (UPV) blev afskaffet fra skoleåret 2024/25. Dens personlige, sociale og":
        "The education readiness assessment (UPV) was abolished from the school year 2024/25. Its personal, social and",
    "praksisfaglige kriterier er bevaret i kodebogen som et mærket, historisk sæt":
        "practical criteria are kept in the codebook as a labelled, historical set",
    ", fordi ældre notater bruger deres ord — ikke som juridisk standard.":
        ", because older notes use their words — not as a legal standard.",
    "Automatisk kodning tager fejl; se kodningens pålidelighed (kappa/alpha) i analysens dokumentation, før der drages "
    "konklusioner.":
        "Automatic coding makes mistakes; see the coding's reliability (kappa/alpha) in the analysis documentation "
        "before drawing conclusions.",
    "Små enheder og sjældne temaer har brede konfidensintervaller.":
        "Small units and rare themes have wide confidence intervals.",
    # the report's sections
    "Overblik": "Overview", "Temaer": "Themes", "Sammenhæng med {what}": "Association with {what}",
    "Udvikling": "Trend", "Enheder": "Units", "Borgerinput": "Citizen input", "Metode og forbehold": "Method and caveats",
    "Rapporten samler, hvad notaterne om {who} handler om, hvor ofte temaerne optræder":
        "The report brings together what the notes about {who} are about, how often the themes occur",
    ", hvordan det udvikler sig": ", how that develops",
    ", og hvordan temaerne hænger sammen med {what}": ", and how the themes are associated with {what}",
    "Tallene viser <b>sammenhænge, ikke årsager</b>.": "The numbers show <b>associations, not causes</b>.",
    "notater": "notes", "personer": "persons", "enheder": "units", "skoleår": "school years",
    "Notater dateret": "Notes dated", "Kodebog": "Codebook", "Udfald": "Outcome",
    "inden for {n} måneder": "within {n} months", "Diskretionsgrænse": "Disclosure threshold",
    "færre end {n} personer vises ikke": "fewer than {n} persons are not shown",
    "Temaernes udbredelse": "Prevalence of the themes",
    "Andel af {who}, hvor temaet er noteret mindst én gang, i hele kommunen. Stregen viser 95 %-konfidensintervallet.":
        "Share of {who} for whom the theme is noted at least once, in the whole municipality. The line shows the 95% "
        "confidence interval.",
    "95 %-KI": "95% CI", "Nøgleord": "Keywords", "Tidligere UPV-kriterium": "Former UPV criterion",
    "tidl. UPV": "former UPV", "skjult (færre end {n})": "hidden (fewer than {n})", "({pp} pr. år)": "({pp} per year)",
    "ingen datoer": "no dates", "for få år": "too few years",
    "stigende": "rising", "faldende": "falling", "stabil": "stable",
    "Hvad der står i notaterne": "What the notes say", "{n} citater": "{n} quotes", "1 citat": "1 quote",
    "Odds ratio (OR) over 1: {who} med temaet {more} end {who} uden; under 1: sjældnere.":
        "Odds ratio (OR) above 1: {who} with the theme {more} than {who} without; below 1: less often.",
    "Punkter er skøn, stregerne 95 %-konfidensintervaller": "Points are estimates, the lines 95% confidence intervals",
    "; den justerede OR tager højde for baggrundsforhold": "; the adjusted OR takes background factors into account",
    "Frafald inden for {n} måneder.": "Dropout within {n} months.",
    "Temaerne er kodet af en maskine, der tager fejl en gang imellem; den korrigerede OR bruger de håndkodede {who} til "
    "at rette for det, og står i figuren ved siden af de ukorrigerede.":
        "The themes are coded by a machine that is wrong now and then; the corrected OR uses the hand-coded {who} to "
        "correct for that, and stands in the figure beside the uncorrected ones.",
    "Sammenhænge, ikke årsager: et tema kan være et tidligt tegn uden at være grunden.":
        "Associations, not causes: a theme can be an early sign without being the reason.",
    "Med temaet": "With the theme", "{rate} med": "{rate} with", "{rate} uden": "{rate} without",
    "OR (95 %-KI)": "OR (95% CI)", "Justeret OR (95 %-KI)": "Adjusted OR (95% CI)", "(justeret)": "(adjusted)",
    "Korrigeret OR (95 %-KI)": "Corrected OR (95% CI)", "q (korrigeret)": "q (corrected)",
    "Fundet af kvalitativ discover, ikke et tema i kodebogen; q gælder blandt de fundne emner":
        "Found by kvalitativ discover, not a theme of the codebook; q is among the discovered topics",
    "fundet emne": "discovered topic",
    "skjult (færre end {n} personer i en celle)": "hidden (fewer than {n} persons in a cell)",
    "«Med temaet» tæller kun {who} med oplysninger om udfaldet": "“With the theme” counts only {who} with a known outcome",
    ", der stadig var der {day}, og kun notater skrevet før den dag":
        " still there on {day}, and only notes written before that day",
    "og kun notater skrevet før udfaldet": "and only notes written before the outcome", "og før {day}": "and before {day}",
    "; derfor kan antallet være lavere end under «Temaernes udbredelse».":
        "; so the number can be lower than under “Prevalence of the themes”.",
    "Tilfører notaterne noget, tallene ikke har?": "Do the notes add something the numbers do not have?",
    "Model": "Model", "Læsning": "Reading", "Udvikling over tid": "Trend over time",
    "Andel af {who} med notater i skoleåret, hvor temaet er noteret. Huller betyder for få personer til at vise tallet.":
        "Share of {who} with notes in the school year for whom the theme is noted. Gaps mean too few persons to show "
        "the number.",
    "Bekymringer": "Concerns", "Styrker": "Strengths",
    "For hver enhed: dens tal og dens hyppigste temaer ved siden af kommunens — pakken til den årlige kvalitetsdialog. "
    "Den lodrette streg i søjlerne er kommunens andel.":
        "For each unit: its numbers and its most frequent themes beside the municipality's — the pack for the annual "
        "quality dialogue. The vertical line in the bars is the municipality's share.",
    "{n} tema(er) er skjult, fordi de ses hos for få personer.": "{n} theme(s) hidden because they are seen in too few "
                                                                 "persons.",
    "Hvad borgerne skriver til kommunen (forslag, klager, høringssvar) fordelt på temaer, bydele/distrikter, kanaler og "
    "år. Borgerinput har ingen kobling til udfald; en henvendelse uden afsender-id tæller som én person.":
        "What citizens write to the municipality (proposals, complaints, consultation responses) by theme, "
        "district, channel and year. Citizen input has no link to outcomes; an inquiry without a sender id counts "
        "as one person.",
    "Kanaler": "Channels", "Distrikter": "Districts",
    "Pålidelighed: mennesker og model": "Reliability: people and model",
    "Hvor godt kodere er enige med hinanden og med modellen, over alle temaer (samlet). Cohens kappa for par af kodere, "
    "Krippendorffs alfa for alle menneskelige kodere; 95 %-intervaller ved bootstrap over notater. Modellen efter "
    "genoptræning er trænet på de menneskelige koder og målt på notater, den ikke er trænet på.":
        "How well coders agree with each other and with the model, over all themes (overall). Cohen's kappa for pairs "
        "of coders, Krippendorff's alpha for all human coders; 95% intervals by bootstrap over notes. The model after "
        "retraining is trained on the human codes and measured on notes it was not trained on.",
    "Koder A": "Coder A", "Koder B": "Coder B", "Notater": "Notes", "Enighed": "Agreement",
    "Kappa (95 %-KI)": "Kappa (95% CI)", "Alfa (95 %-KI)": "Alpha (95% CI)",
    # the one-unit brief
    "{unit}: tal og temaer til kvalitetsdialogen": "{unit}: numbers and themes for the quality dialogue",
    "Enhedens tal står ved siden af kommunens. Temaerne er det, medarbejderne har skrevet i notaterne om {who}. "
    "Tallene viser <b>sammenhænge, ikke årsager</b>, og er et udgangspunkt for dialog.":
        "The unit's numbers stand beside the municipality's. The themes are what staff wrote in the notes about {who}. "
        "The numbers show <b>associations, not causes</b>, and are a starting point for dialogue.",
    "{n} tema(er) er skjult, fordi de ses hos færre end {k} personer.":
        "{n} theme(s) hidden because they are seen in fewer than {k} persons.",
    "Søjlen er enhedens andel, stregen kommunens.": "The bar is the unit's share, the line the municipality's.",
    "Citater fra enhedens notater": "Quotes from the unit's notes",
    # the discovery-only page (report/topics.py)
    "Emne": "Topic", "Nærmeste kodebogstema (lighed)": "Nearest codebook theme (similarity)", "Nyt tema": "New theme",
    "Stabilitet": "Stability", "Eksempler (redigerede sætninger)": "Examples (redacted sentences)",
    "ja": "yes", "nej": "no", "ustabil": "unstable", "Ustabile emner:": "Unstable topics:",
    "Emner fundet i notaterne (BERTopic), {n} i alt. Mappen har ingen evidenstabel (ingen <code>kvalitativ "
    "summarize</code>/<code>link</code>): rapporten viser derfor kun emnerne. Antal under {min_cell} personer "
    "vises som &lt;{min_cell}.":
        "Topics found in the notes (BERTopic), {n} in all. The folder has no evidence table (no <code>kvalitativ "
        "summarize</code>/<code>link</code>), so the report shows only the topics. Counts below {min_cell} persons "
        "are shown as &lt;{min_cell}.",
    "ét emne rummer {share} af notaterne; prøv <code>kvalitativ tune</code> eller en mindre "
    "<code>min_topic_size</code>.":
        "one topic holds {share} of the notes; try <code>kvalitativ tune</code> or a smaller "
        "<code>min_topic_size</code>.",
    "{n} emne(r) kom ikke igen med de samme notater, når grupperingen blev gentaget med andre frø (stabilitet "
    "under {bound}: mindre end halvdelen af notaterne blev sammen). Læs dem med forsigtighed.":
        "{n} topic(s) did not come back with the same notes when the grouping was repeated with other seeds "
        "(stability below {bound}: fewer than half of the notes stayed together). Read them with care.",
    "Der var ingen kodebog med i <code>kvalitativ discover</code>: kør den igen med <code>--codebook</code> for at "
    "se hvert emnes nærmeste kodebogstema, og hvilke emner der er nye.":
        "<code>kvalitativ discover</code> ran without a codebook: run it again with <code>--codebook</code> to see "
        "each topic's nearest codebook theme and which topics are new.",
    "Den korrigerede OR retter for maskinens kodningsfejl ud fra {n} tilfældigt udvalgte {who}, hvis notater alle er "
    "kodet af et menneske; hvor den findes, bygger sætningerne på den.":
        "The corrected OR corrects for the machine's coding errors from {n} randomly chosen {who} whose notes were "
        "all coded by a person; where it exists, the sentences rest on it.",
}
