"""The wording the floor tracker reads: how chairs hand over the floor, and how delegations open, name themselves,
reply, plead and are cut short, in the Council's working languages as a recogniser writes them.

Each pattern is for a class of wording, drawn from UN practice (see bench/data/floor/README.md for the sessions
that measure them); what the tracker makes of a match is in floor_tracker.py.
"""

from __future__ import annotations

import re

from uprwatch.matching.gazetteer import fold

# Phrases the President uses to hand over the floor; `x` captures the words naming the next speaker.
ANNOUNCE = [
    re.compile(p, re.I)
    for p in (
        r"\bgive (?:\w+ )?(?:the|a) floor (?:back |now |again )*to (?P<x>[^.;!?]+)",
        r"\bgive the flo\w+ (?P<x>[^.;!?]+)",  # as heard: "give the floater Chili"
        r"\bfloor (?:is |now )*\S*(?:given|passed|goes) (?:back |now )*to (?P<x>[^.;!?]+)",
        # "next speaker is", "next on my list is", "the last delegation on the list is" (not "the last is")
        r"\b(?:next(?: speaker| delegation)?(?: (?:on|in) (?:the|my|our) list)?|last (?:speaker|delegation)"
        r"(?: (?:on|in) (?:the|my|our) list)?|last (?:on|in) (?:the|my|our) list) (?:is|will be) (?P<x>[^.;!?]+)",
        r"\bi (?:now )?(?:invite|call (?:up)?on|recognize|recognise) (?P<x>[^.;!?]+)",
        r"\b(?:over to|next (?:is|in|up)|next,) (?P<x>[^.;!?]+)",  # "next in" is how ASR often hears "next is"
        r"^(?P<x>[^.;!?]{2,80}?),? (?:you have the floor|please(?: take the floor)?|the floor is yours)\b",
        # the chair in French and Spanish, official languages of the Council
        r"\b(?:donne|donner|passe|passer|redonne|redonner|c[eè]de) (?:maintenant |à présent |ensuite )?la parole "
        r"(?:à|au|aux) (?P<x>[^.;!?]+)",
        r"\bla parole est (?:maintenant )?(?:à|au|aux) (?P<x>[^.;!?]+)",
        # moving on to a speaker: "nous passons maintenant au Ghana", "pasamos a Chile", "we now move on to Chile"
        r"\b(?:passons|pasamos|we (?:now )?move(?: on)?) (?:maintenant |ahora |donc |now )?(?:à|au|aux|a|al|to) "
        r"(?P<x>[^.;!?]+)",
        r"\b(?:doy|cedo|paso|concedo|damos|otorgo) (?:ahora )?la palabra (?:a|al) (?P<x>[^.;!?]+)",
        r"^(?P<x>[^.;!?]{2,80}?),? (?:vous avez la parole|tiene (?:usted )?la palabra|(?:el micr[oó]fono|la palabra) "
        r"es suy[oa]|la parole est [aà] vous|c'est [aà] vous)\b",
        # the floor given with its time: "Kazakhstan, you have eight minutes", "vous disposez de trois minutes"
        r"^(?P<x>[^.;!?]{2,80}?),? (?:you have|vous (?:avez|disposez de)|usted (?:tiene|dispone de)|"
        r"(?:tiene|dispone) usted(?: de)?)"  # to the one called: "el Estado examinado dispone de …" calls no one
        r"(?: uh| euh| eh)? (?:\w+ ){0,2}(?:minutes?|minutos)\b",
    )
]
# Words a delegation uses and a chair handing over the floor does not: a short sentence without them that names a
# State other than the one speaking hands the floor to it, whatever its verb ("Fiji has the floor", "Cutter next").
# What is asked of the State under review: the action verbs recommendations are made of (not a modal: the chair
# also says what "should" be done).
_ACTIONS = (
    r"ratify\w*|adopt\w*|ensur\w*|establish\w*|strengthen\w*|guarantee\w*|abolish\w*|implement\w*|protect\w*|"
    r"publish\w*"
)
DELEGATION_CUES = re.compile(
    r"\b(?:recommend\w*|welcom\w*|commend\w*|urg\w*|encourag\w*|congratulat\w*|appreciat\w*|acknowledg\w*|"
    r"support\w*|applaud\w*|laud\w*|prais\w*|thanks|report|efforts?|"
    # the same in French and Spanish: "nous recommandons", "recomendamos", "saluons", "felicitamos"
    r"recommand\w*|recomend\w*|saluons|saludamos|f[ée]licit\w*|alentamos|exhortons|instamos|" + _ACTIONS + r")\b",
    re.I,
)
# A delegation's own voice, which a chair shares ("we now hear from…"): only with a hand-over word is such a
# sentence the chair's.
DELEGATION_VOICE = re.compile(r"\b(?:we|our|us|my|nous|notre|nos|nuestr[oa]s?|nosotros)\b", re.I)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i'll|me|we|our|us|my)\b", re.I)
# Words of running a meeting. With shortness, the absence of a delegation's words, an utterance's opening and a
# statement just closed ("I thank you."), they are evidence that the chair has taken the floor back even when no
# hand-over is heard: a delegation never continues across a chair remark.
# The chair naming a delegation by those it speaks for: "our colleagues from Ljubljana", "friends from the Pacific".
_NAMED_BY_ITS_PEOPLE = r"(?:colleagues|friends) (?:from|of)"
# The Council's languages, which name its interpretation channels.
_LANGUAGES = r"english|french|spanish|arabic|russian|chinese"
PROCEDURE = re.compile(
    r"\b(?:floor|speakers?|list|minutes?|seconds|adjourn\w*|interpret\w*|interrupt\w*|secretariat|delegations|responses|"
    rf"concluding|remarks|proceed|go ahead|speaking time|{_NAMED_BY_ITS_PEOPLE}|"
    # (folded) in French and Spanish: "la parole", "la liste des orateurs", "dispone de setenta minutos"
    r"parole|palabra|orateurs?|oradores?|liste|lista|minutos|segundos|secondes|secretariat|secretaria|"
    r"delegaciones|interpretes|seance|sesion)\b",
    re.I,
)
# Words that hand the floor on, whether or not a name follows.
_HANDING_ON = (
    r"next|proceed|go ahead|invit\w*|call(?:s|ing)? (?:up)?on|recogni[sz]e\w*|over to|back to|turn to|"
    r"your (?:minute|time|turn)|hear(?:ing)? from|(?:shall|will|now|to) hear|followed by|listening|"
    # in French and Spanish, as heard or folded, in forms a statement does not use: "s'il vous plaît", "allez-y",
    # "c'est à vous", "au tour de", "la délégation suivante", "je passe la parole", "adelante"
    r"s'il vous pla[iî]t|allez-y|c'est [aà] vous|au tour d|d[eé]l[eé]gation suivante|orateur suivant|"
    r"je passe (?:la parole|donc|[aà])|adelante|siguiente delegaci[oó]n|(?:micr[oó]fono|palabra) es suy[oa]|"
    # moving on to the next speaker: "nous passons à la Belgique", "pasamos a Chile", "we move on to Chile"
    r"(?:nous )?passons (?:maintenant )?(?:[aà]|au|aux)|pasamos (?:ahora )?(?:a|al)|(?:we )?move (?:on )?to|"
    r"(?:micro|parole) est [aà] vous"
)
# Evidence that the chair is speaking: those, and words the chair says around a hand-over (a skipped speaker is
# "returned to", "it is the turn of" someone) that are no hand-over alone.
HANDOVER_WORDS = re.compile(
    rf"\b(?:{_HANDING_ON}|floor|then|please|(?:return|come back) to|turn of|you have|you may|la parole|la palabra|"
    rf"{_NAMED_BY_ITS_PEOPLE})\b",
    re.I,
)
# The words of a hand-over that names nobody ("Next speaker, please.", "Go ahead."): it still advances the speakers
# list. The noun "floor" alone is not one ("no sound from the floor"), nor a promise to come back to someone.
NAMELESS_HANDOVER = re.compile(
    rf"\b(?:{_HANDING_ON}|(?:have|take|give\w*) the floor|floor is yours|the floor (?:is|goes)|vous avez la parole|"
    r"tiene la palabra|la parole (?:est|à)|la palabra (?:a|al))\b",
    re.I,
)
# The chair giving the floor back to the speaker it interrupted: "Please resume, Excellency."
RESUME_INVITE = re.compile(
    r"^(?:please |you may (?:now )?)?(?:resume|continue|go on|carry on|start (?:again|over)|begin again)\b", re.I
)
FOLLOWED = re.compile(
    r"\b(?:followed by|(?:and )?then|after (?:that|which|them|him|her),?|"
    # in French and Spanish: "suivie de", "puis", "ensuite", "seguido de", "y luego", "después"
    r"suivie? (?:de|du|des|par)|puis|ensuite|seguid[oa] (?:de|del|por)|(?:y )?luego|despu[eé]s) (?P<x>[^.;!?]+)",
    re.I,
)
LEAD_IN = re.compile(
    r"^(?:(?:the )?(?:head o[fn] (?:the )?)?(?:distinguished )?(?:delegation|representative|ambassador|"
    r"permanent representative|observer)s? (?:o[fn] )?)+"
    # (folded) "à la délégation du Sénégal", "al distinguido representante de España"
    r"|^(?:(?:a |au |aux |al )?(?:la |el |l )?(?:distinguee? |distinguido |distinguida )?(?:delegation|delegacion|"
    r"representant\w*|ambassad\w*|embajador\w*)s? (?:de la |de l |du |des |de |del )?)+",
)
# A person called by title and name, not by the State they speak for ("the floor to Ambassador Abdel Rahman", "my
# colleague Dr Ortiz"): the name is a person's, never heard as a State by sound. Matched on folded words.
_TITLE_WORD = (
    r"(?:deputy |vice[- ])?(?:minister|ambassador|doctor|dr|professor|mr|mister|mrs|ms|madam|director|judge|"
    r"senator|madame|monsieur|docteure?|senora?|doctora?|directeur|directrice|directora|ambassadeur|ambassadrice|"
    r"embajadora?|conseill[eè]re?|consejer[oa])\b"
)
# Titles are taken whole ("Madam Ambassador of …" is a State's), and the chair's own ("Madam President") is no person.
_TITLES = rf"(?:(?:his|her) excellency )?{_TITLE_WORD}(?: {_TITLE_WORD})*+"
_NOT_THE_CHAIR = r"president|presidente|presidenta|vice|chair\w*"
PERSON = re.compile(
    rf"^{_TITLES}(?!,? (?:of|on|from|for|de|du|del|des|d|{_NOT_THE_CHAIR})\b)(?: [\w'-]+){{1,3}}$"
)  # a name is one to three words
# The head of the State under review's delegation passing the floor to a member of it ("on women I give the floor to
# Ambassador Abdel Rahman", "I will now hand over to my colleague", "je cède la parole à Madame …"): the State under
# review goes on speaking. Matched on folded words.
WITHIN_DELEGATION = re.compile(
    r"\b(?:(?:floor|parole|palabra) (?:\w+ )?(?:to|a|al|au|aux)|hand (?:\w+ )?over to|"
    r"pass (?:it |the word )?(?:on )?to) "
    # a colleague, not "our colleagues from Ljubljana", who are another delegation
    rf"(?:(?:my|our|mon|ma|notre|mi|nuestr[oa]) (?:\w+ )?(?:colleague|collegue|colega|companer[oa])\b|"
    # a title, with a name or a function ("au directeur des droits humains")
    rf"(?:the |la |le |el |l )?{_TITLES}(?!,? (?:{_NOT_THE_CHAIR})\b)(?= \w))"
)
# Who a chair addresses without naming a State, and its hand-over words: never a name, even when they sound like one
# ("please" and Palau, "go ahead"); matched on folded words.
NOT_A_NAME = re.compile(
    r"\b(?:(?:his |her |your |son |su )?(?:excellency|excellence|excelencia)|minist(?:er|re|ro)|secretary|"
    r"secretaire|secretari[oa]|ambassador|ambassadeur|embajador[a]?|mr|mister|madam|madame|monsieur|senor|senora|"
    r"le|la|el|go ahead|please|next|proceed|you have the floor|the floor is yours|you|yourself|you may|begin|"
    r"start|speak|continue|resume|"
    # (folded) the same in French and Spanish: "adelante", "allez-y", "tiene usted la palabra", "s'il vous plaît"
    r"adelante|allez y|proceda|usted|ustedes|vous|por favor|sil vous plait|tiene|avez)\b"
)
# The chair's terse words after a hand-over, which no statement opens with alone ("Briefly.", "Two minutes, please.")
TERSE = re.compile(
    r"\b(?:briefly|quickly|shortly|very|thank you|thanks|one|two|three|four|five|a|minutes?|seconds?|only|"
    r"max(?:imum)?|"
    # (folded) "dispone usted de cinco minutos", "vous disposez de trois minutes"
    r"brevemente|brievement|minutos|segundos|secondes|uno?|una?|une|dos|tres|cuatro|cinco|deux|trois|quatre|cinq|"
    r"dispone|disposez|de|solo|seulement|maximo)\b"
)
# The head of the State under review's delegation is a minister (or a secretary, an attorney general); delegations
# are led by ambassadors. A hand-over that names only such a title gives the floor to the State under review.
MINISTER = re.compile(
    r"\b(?:minist(?:er|re|ro|ra)|secretary|secretaire|secretari[oa]|attorney general|prime minister)\b", re.I
)
# Thanks to whoever just spoke, by title: "Thank you, Minister", "Merci monsieur le ministre". The title is the last
# speaker's, not the one the chair then calls.
THANKED = re.compile(
    r"^\W*(?:thank you(?: very much| so much)?|thanks|merci(?: beaucoup)?|(?:muchas )?gracias),? "
    r"(?:(?:mr\.?|mister|madam|madame|honou?rable|monsieur|le|la|se[nñ]or|se[nñ]ora|el|your|his|her|dear|deputy|"
    r"vice) )*"
    r"(?:minist(?:er|re|ro|ra)|excellency|excellence|excelencia)\b[.,!]?",
    re.I,
)
# The chair opening a review: "This morning we will conduct the review of …", "the Working Group is now in session".
REVIEW_OPENS = re.compile(
    r"\b(?:(?:the|this|our) review of|is (?:now )?in session|we (?:will|shall) (?:now )?review)\b"
)
CUT_AFTER = re.compile(r",|\bto be followed\b|\bfollowed by\b|\bfor (?:its|their|his|her)\b|\byou have\b", re.I)
# The verbs a delegation names itself with, in English, French and Spanish: "Germany recommends", "La Belgique
# salue", "Alemania recomienda".
_SELF_VERBS = (
    "recommends|welcomes|commends|appreciates|acknowledges|congratulates|encourages|urges|applauds|lauds|praises|"
    "salutes|recommande|salue|félicite|souhaite|encourage|recomienda|saluda|felicita|reconoce|alienta|insta|acoge"
)
# A delegation naming itself as it opens: "Thank you, Mr President. Germany recommends …".
SELF = re.compile(
    r"^(?P<x>[^.!?]{2,70}?)\s+(?:also |further |warmly |would like to |wishes to )?"
    rf"(?:{_SELF_VERBS}|thanks|notes|da (?:\w+ ){{0,3}}?bienvenida)\b",  # "da la más cordial bienvenida"
    re.I,
)
# The same verbs anywhere in a statement (on folded words), the words between a name and its verb, and "on behalf of".
SELF_VERB = frozenset(fold(verb) for verb in _SELF_VERBS.split("|"))
SUBJECT_FILLER = re.compile(r"delegation|government|also|further|therefore|warmly|strongly|again|still|would|like|to")
ON_BEHALF = re.compile(r"\bon behalf of (?:the )?(?:government of |delegation of |people of )?(?P<x>.+)")
# The chair's title in the Council's languages, and the thanks a statement opens with.
# (and Portuguese, in which Lusophone delegations often greet the chair before speaking English or French)
_TITLE_FR_ES = (
    r"(?:monsieur|madame) (?:le |la )?(?:vice-?)?pr[eé]sidente?|(?:se[nñ]or|se[nñ]ora|senhora?) (?:vice)?president[ea]"
)
_CHAIR_TITLE = rf"(?:(?:mr|mister|madam|madame)\.? (?:vice[- ])?president|{_TITLE_FR_ES})"
_THANKS_WORDS = r"(?:thank you(?: very much)?|merci(?: beaucoup)?|(?:muchas )?gracias|(?:muito )?obrigad[oa])"
# What a delegation says before naming itself: "Thank you, Mr President." / "Madam Vice-President,"; the English title
# also as heard ("Mr Premident", "modern President").
SALUTATION = re.compile(
    rf"^(?:{_THANKS_WORDS}[,.]?\s*)?"
    rf"(?:(?:{_TITLE_FR_ES}|(?:mr|mister|madam|madame)\.? (?:vice[- ])?[a-z]+|[a-z]+ (?:vice[- ])?president)[,.]?\s*)?",
    re.I,
)
# The State under review named by its role, in a chair's sentence giving it the floor: "I give the delegation under
# review the opportunity to respond", "back to the State under review", "the head of delegation"; and its rounds of
# responses and concluding remarks, which are its alone.
UNDER_REVIEW = re.compile(
    r"\b(?:state|delegation|country) (?:now )?under review\b|\bhead of (?:the )?delegation\b(?! of)|"
    r"\b(?:round of|first|second|its) (?:responses|replies)\b|"
    r"\b(?:concluding|closing|final) (?:remarks|statement|words)\b|\bthe last word\b|"
    # (folded) "le chef de la délégation", "el Estado examinado", "vos remarques finales", "observaciones finales"
    r"\b(?:chef(?:fe)? de (?:la )?delegation|jef[ea] de (?:la )?delegacion)\b(?! d)|"
    r"\b(?:etat|pays|estado|pais|delegation|delegacion) (?:examine|examinado|sous examen|bajo examen)\b|"
    r"\b(?:remarques|observations|observaciones|palabras) (?:finales|de cloture)\b",
    re.I,
)
TO_RESPOND = re.compile(
    rf"\b(?:{_HANDING_ON}|give|giving|floor|back|turn|respond|reply|answer|opportunity|you|your|parole|palabra|vos|"
    r"sus|donner|donne)\b",
    re.I,
)
# A hand-over put off until something else: "before giving the floor back to the State under review, one delegation
# not on the list has asked to speak".
DEFERRED = re.compile(
    r"^(?:(?:thank you|thanks|merci|gracias|colleagues|distinguished delegates)(?: [a-z']+){0,3}?\W+)*"
    r"(?:before (?:giving|handing|returning|turning|(?:i|we) (?:give|hand|return|turn))|"
    # (folded) "avant de donner la parole", "antes de pasar a la delegación"
    r"avant de (?:donner|passer|redonner|rendre|ceder) la parole|avant de passer (?:a la delegation|au |a l )|"
    r"antes de (?:dar|pasar|ceder|devolver|conceder) la palabra|antes de pasar a la delegacion)\b",
    re.I,
)
# The State under review, named, given the floor to answer: "Indonesia wishes to respond", "the delegation of the
# Republic of Kenya has the floor to respond to the questions" — the chair's wording, not a delegation's ("we regret
# that Peru chose not to respond").
ASKED_TO_REPLY = re.compile(
    r"\b(?:wish(?:es)?|would like|has the floor|the floor|invite\w*|give\w*|call\w*|turn)\b.{0,60}?"
    r"\b(?:respond|reply|answer|responses|replies|reponses|respuestas)\b",
    re.I,
)
# How the State under review opens a reply in the middle of the dialogue: "Allow me to respond to some points",
# "in reply to the questions raised"; a recommending delegation answers nobody.
REPLIES = re.compile(
    r"\b(?:respond\w*|repl(?:y|ies|ying)|answer\w*)\b[^.]{0,40}?\b(?:questions?|points?|issues?|comments?|"
    r"concerns?|recommendations?)\b|\bquestions? (?:raised|asked)\b|\b(?:raised|mentioned|asked|posed) by\b",
    re.I,
)
# A speaker taking up again where the chair interrupted (a technical fault, the interpreters): "As I was saying",
# "Decía que…", "Je disais…". Such a statement is the interrupted speaker's, not the next one's.
RESUMES = re.compile(
    r"^(?:(?:thank you|thanks|gracias|merci)[,.]?\s*)?(?:(?:as|like) i was saying|i was saying|to continue|continuing|"
    r"(?:como )?dec[ií]a|(?:comme )?je disais|je reprends|to resume|resuming)\b",
    re.I,
)
# A speaker cut short asking to finish: "May I just finish…", "Permettez-moi de terminer", "Permítame concluir".
PLEADS = re.compile(
    r"^(?:(?:thank you|thanks|gracias|merci|sorry)[,.]?\s*)?(?:(?:may|can|could) i (?:just |please |quickly )?"
    r"(?:finish|conclude|complete)|permettez-moi de (?:terminer|conclure)|perm[ií]tame (?:terminar|concluir))\b",
    re.I,
)
# A statement opens by thanking the chair: heard while a delegation holds the floor, at the start of an utterance,
# it means a new statement has begun and the chair's hand-over was missed.
# After thanks, the bare title is the chair too: "gracias presidente", "merci président", "thank you president"
_THANKS_TO_CHAIR = rf"{_THANKS_WORDS},? (?:{_CHAIR_TITLE}|(?:vice[- ]?)?pr[eé]sident[ea]?)"
GREETS_CHAIR = re.compile(rf"^{_THANKS_TO_CHAIR}\b", re.I)
# How a statement opens and a chair's remark never does: addressing the chair, or a delegation's own voice.
ADDRESSES_CHAIR = re.compile(rf"^(?:{_THANKS_TO_CHAIR}|{_CHAIR_TITLE})\b", re.I)
DELEGATION_OPENS = re.compile(
    r"\b(?:recommend\w*|(?:my|our) (?:delegation|country|government)|" + _ACTIONS + r")\b", re.I
)
FLOOR_WORDS = re.compile(
    r"\b(?:you have the floor|the floor to|floor is|next speaker|vous avez la parole|tiene la palabra)\b", re.I
)
CHAIR_ONLY = re.compile(
    r"^(?:good (?:morning|afternoon)|the working group (?:will|is)|this concludes|i (?:now )?declare|"
    r"we (?:will )?(?:now )?(?:begin|start|continue|resume)|distinguished delegates|"
    r"buenos d[ií]as|buenas tardes|bonjour|declaro abiert[ao]|je d[ée]clare ouvert)",
    re.I,
)
# The chair asking the speaker to finish or to slow down: a remark inside a statement that hands over nothing (not
# "your time is up", after which the chair calls the next speaker), and
# whose words ("to a close") must not be heard as a State. A request opening the sentence or following a comma, and
# about the statement itself: a delegation's "to conclude", "please conclude the negotiations" or "please bring
# torture to an end" is not one.
PACE = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:excellency|sir|madam|ambassador)\W+)?"
    r"(?:please|kindly|could you|would you|can you|i invite you to|"
    # "May I ask the distinguished delegate to…", "I must ask the speaker to…": the one speaking, not one called
    r"(?:i (?:must|would|will have to)|may i|might i) ask (?:you|the (?:distinguished )?(?:delegate|delegation|"
    r"speaker|representative|ambassador)) to)"
    r"\W+(?:\w+\W+)?(?:conclude(?=\s+(?:your|now|please|quickly|in)\b|\W*$)|wrap (?:it )?up|"
    r"slow down|speak (?:a (?:little|bit) )?(?:more )?slowly|"
    r"bring (?:your|the|this) (?:statement|remarks|intervention) to an? (?:close|end))\b",
    re.I,
)
# The chair cutting into a statement over the room, not over the speaker's time: interpretation, sound, microphones,
# technicians. The speaker then goes on ("please go ahead", "start again from your recommendations"), even when the
# statement restarts by addressing the chair.
ROOM_TROUBLE = re.compile(
    # the room's interpreters, sound and technicians, in the chair's words: not "interpreters in the courts", "the
    # restrictive interpretation is applied", "military courts cannot hear cases"
    r"\b(?:sorry to interrupt|(?:the|our) interpreters (?:are|is|can|cannot|can't|have|ask\w*|tell)|"
    r"for the interpreters|interpreters'? booth|the interpretation (?:is|has) (?:not|back|stopped|gone|restored)|"
    rf"interpretation booth|(?:{_LANGUAGES}|interpretation|floor|audio) channel|"
    r"(?:lost the|no) sound|no interpretation|(?:the )?sound (?:is|has|isn't) (?:not|gone|back|cut|working)|"
    r"(?:channel|microphone|interpretation) (?:is|isn't) (?:not )?working|"
    r"(?:we|they|i|interpreters) (?:can ?not|can't|could not|couldn't) hear|"
    r"(?:can ?not|can't|could not|couldn't) hear (?:you|me|the speaker|the delegate|anything)|"
    r"(?:your|the) microphone|the technicians|"
    r"technical (?:problem|issue|difficult\w*)|clock (?:has been |is |will be )?(?:stopped|reset)|"
    r"it (?:is |seems to be |'s )?(?:working|back) (?:now|again)|it works (?:now|again)|"
    r"(?:it|that)(?:'s| is| has been| seems| seems to be) (?:now )?(?:restored|fixed|resolved|sorted)|"
    # in French and Spanish: "un problème technique avec les micros", "on n'entend pas", "el micrófono"
    r"probl[eè]me technique|problema t[eé]cnico|(?:les|des) micros|(?:el|los|su) micr[oó]fonos? (?:no|est[aá] apagado)|"
    r"on n'entend pas|no (?:se )?(?:le )?(?:escucha|oye)|les interpr[eè]tes|los int[eé]rpretes|"
    r"c'est r[eé]gl[eé]|[cç]a (?:marche|fonctionne) (?:maintenant|de nouveau)|ya (?:funciona|se escucha)|"
    r"(?:sound|interpretation|channel|connection) (?:is |has been )?(?:back|restored))\b",
    re.I,
)
# The chair asking the speaker to say something again: the answer is that speaker's, with no hand-over between.
ASKS_AGAIN = re.compile(
    r"\b(?:(?:could|would|can|may) (?:i ask )?you (?:please )?(?:to )?(?:kindly )?(?:repeat|say (?:it|that) again)|"
    r"(?:please|kindly) repeat|repeat (?:it|that|your \w+),? (?:please|slowly)|"
    r"(?:pourriez|pouvez)-vous r[ée]p[ée]ter|(?:veuillez|merci de) r[ée]p[ée]ter|"
    r"(?:puede|podr[ií]a|le ruego) (?:usted )?repetir)\b",
    re.I,
)
# A delegation breaking into another's statement on a point of order: it is never the speaker it interrupts.
POINT_OF_ORDER = re.compile(
    # after the chair's title or an apology for breaking in ("perdón señor presidente perdón una cuestión de orden")
    rf"^(?:(?:{_CHAIR_TITLE}|excuse me|sorry|pardon|perd[oó]n\w*|disculpe?\w*|excusez-moi)[,.]? )*"
    r"(?:on )?(?:a |un |une |una )?"
    r"(?:point of order|motion d'ordre|point d'ordre|(?:cuesti[oó]n|moci[oó]n) de orden)\b",
    re.I,
)
# A language named for the room's channels, not a State: "the Spanish channel", "interpretation into French".
LANGUAGE_OF_ROOM = re.compile(
    rf"\b(?:{_LANGUAGES})(?= (?:channel|interpretation|booth|interpreters?)\b)|\binto (?:{_LANGUAGES})\b",
    re.I,
)
# The chair breaking into a statement: "Excuse me, distinguished delegate", "Sorry, Excellency".
BREAKS_IN = re.compile(
    r"^\W*(?:excuse me|(?:i'm |i am )?sorry|pardon(?: me)?)\b.{0,40}?\b(?:distinguished delegate|excellency|"
    r"ambassador|sir|madam)\b",
    re.I,
)
NEXT_ONE = re.compile(r"\b(?:next|following|suivante?|siguiente)\b", re.I)
TIME_UP = re.compile(
    r"\b(?:time is (?:up|over)|out of time|time has (?:run out|expired)|(?:must|have to) stop you)\b", re.I
)
# The chair finding a called delegation absent: "X is not in the room", "I don't see the delegation of X", "X n'est
# pas dans la salle". The delegation keeps its place to be called later; the list goes on past it.
ABSENT = re.compile(
    r"\b(?:(?:is|are) not (?:in the room|present|here)|not in the room|(?:is|are) absent|"
    r"(?:don't|do not|cannot|can't) see (?:the )?(?:delegation|distinguished|representative)|"
    r"n'est pas (?:dans la salle|pr[eé]sente?|l[aà])|ne (?:la |le )?vois pas|"
    r"no (?:est[aá]|se encuentra) (?:en la sala|presente)|no veo)\b",
    re.I,
)
# The chair thanking whoever just spoke: "I thank the delegation of Nepal." / "I thank Benin."
THANK_NAMED = re.compile(
    r"^(?:i thank|thank you(?: very much)?,?|thanks,?|merci|gracias) (?:the |my |la |el )?(?:distinguished )?"
    r"(?:(?:delegation|representative|head of (?:the )?delegation) (?:of |on |from )?)?(?P<x>[^.,;!?]+)",
    re.I,
)
# The chair thanking the speaker for what was just said ("Thank you for those responses."): the statement has ended,
# even without its "I thank you", and is not taken up again after the chair's next words.
THANKS_FOR_IT = re.compile(
    r"^(?:(?:i )?thank you|thanks|merci|gracias)(?: (?:very|so) much)?,? (?:(?:excellency|minister|ambassador),? )?"
    r"for (?:th(?:ose|ese|is|at)|your) (?:responses|replies|answers|clarifications|statement|remarks|intervention|"
    r"presentation|comments)\b",
    re.I,
)
SENTENCE = re.compile(
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<=[.!?])\s+"
    # a recogniser may run the chair's hand-over and the next statement together without punctuation: thanks to the
    # chair, by title or bare ("… adelante por favor muchas gracias presidente …"), inside a sentence start a new one
    # (not after the word that opens the thanks: "muchas gracias", "muito obrigado")
    rf"|(?<=\w)(?<!\bmuchas)(?<!\bmuito)\s+(?={_THANKS_TO_CHAIR}\b)",
    re.I,
)
# Courtesies that name nobody: a delegation closes with "I thank you."; the chair opens with "Thank you."
CLOSING = re.compile(r"^i thank you(?: very much)?[.!]?$", re.I)
COURTESY = re.compile(r"^(?:(?:i )?thank you(?: very much)?[.!,]?\s*)+", re.I)
CLOSED = re.compile(r"\bthank you(?: (?:very|so) much)?(?: for your attention)?[.!]?$", re.I)
LEAD_THANKS = re.compile(r"^(?:(?:i )?thank you(?: (?:very|so) much)?[.!]\s*)+", re.I)  # a bare "Thank you." first
THANKS = re.compile(r"^(?:thank you|thanks)(?: (?:very|so) much)?[.!]?$", re.I)
THANKS_LEAD = re.compile(rf"^(?:i )?(?:{_THANKS_WORDS}|thanks)(?: (?:very|so) much)?[,.!]?\s+", re.I)
