"""Candidate complexity features (Python mirror for research; the Swift featurizer is the product)."""
import math, re
import numpy as np

WORD = re.compile(r"[0-9a-z\u00c0-\uffff]+")

def words(text):
    return WORD.findall(text.lower())

CONSTRAINT_W = set("must exactly without never ensure require requires required requirement requirements constraint constraints mandatory strictly precisely only".split())
CODE_W = set("def func function class select include return import struct enum const var void int lambda async await println printf console null nil elif fn impl pub sql regex python javascript typescript rust swift java golang kotlin bash compile compiler segfault stacktrace exception debug refactor api json query algorithm recursion recursive thread threads".split())
REASON_W = set("prove proof derive derivation analyze analyse analysis optimize optimise optimization compare contrast evaluate justify reasoning theorem lemma rigorous rigorously tradeoff tradeoffs implications complexity design architecture implement calculate solve estimate integral derivative induction".split())
NEG_W = set("not except least false incorrect never cannot unlikely exception".split())
ALLNONE = [("all", "of", "the", "above"), ("none", "of", "the", "above"), ("both", "a", "and", "b")]
MATH_W = set("equation equations solve value integer integers sum product probability function polynomial root roots prime divisible ratio percent percentage area volume radius matrix vector derivative integral limit mean median variance expected remainder digits number numbers total average".split())
LOGIC_W = set("statement statements true false valid invalid argument premise premises conclusion implies if then therefore entails necessarily".split())
LAW_W = set("plaintiff defendant court statute contract jurisdiction tort negligence liable liability constitutional evidence motion trial jury appeal damages breach lawsuit testimony hearsay prosecution convicted testify".split())
MORAL_W = set("morally wrong ordinary standards scenario".split())

CHOICE = re.compile(r"^\(?([A-J])[.)]\s?(.*)$")

def dense(prompt, scalar_features=True):
    t = prompt
    ws = words(t)
    nw = len(ws)
    lines = t.split("\n")
    f = {}
    # --- current Swift features (approximations)
    f["length.log_chars"] = math.log1p(len(t))
    f["length.est_tokens"] = min(len(t.encode()) / 4, 8000) / 100
    f["length.log_words"] = math.log1p(nw)
    f["length.log_lines"] = math.log1p(t.count("\n"))
    f["questions"] = math.log1p(t.count("?"))
    c = sum(w in CONSTRAINT_W for w in ws); f["constraints"] = math.log1p(c)
    f["code.keywords"] = math.log1p(sum(w in CODE_W for w in ws))
    f["code.symbols"] = math.log1p(sum(t.count(ch) for ch in "{};#"))
    f["math.expressions"] = math.log1p(len(re.findall(r"[0-9)]\s*[-+*/=^%<>]\s*[0-9a-zA-Z(]", t)))
    f["math.notation"] = math.log1p(sum(t.count(ch) for ch in "^$\\"))
    f["math.digit_share"] = sum(ch.isdigit() for ch in t) / max(len(t), 1)
    f["reasoning.cues"] = math.log1p(sum(w in REASON_W for w in ws))
    f["non_ascii.share"] = sum(ord(ch) > 127 for ch in t) / max(len(t), 1)
    return f

def dense_new(prompt):
    t = prompt
    ws = words(t)
    nw = max(len(ws), 1)
    lines = t.split("\n")
    f = {}
    # MCQ structure
    choices = []
    stem_lines = []
    for ln in lines:
        m = CHOICE.match(ln)
        if m and len(choices) < 10 and (ord(m.group(1)) - 65 == len(choices)):
            choices.append(m.group(2).strip())
        elif not choices:
            stem_lines.append(ln)
    is_mcq = len(choices) >= 2
    stem = "\n".join(stem_lines) if is_mcq else t
    stem_words = words(stem)
    f["mcq.present"] = float(is_mcq)
    f["stem.log_words"] = math.log1p(len(stem_words))
    if is_mcq:
        cw = [words(c) for c in choices]
        lens = [len(x) for x in cw]
        f["mcq.choice_log_words"] = math.log1p(np.mean(lens))
        f["mcq.choice_spread"] = math.log1p(max(lens)) - math.log1p(min(lens))
        f["mcq.numeric"] = np.mean([bool(re.match(r"^[-−$]?\s*[0-9]", c)) for c in choices])
        sets = [set(x) for x in cw]
        sims = []
        for i in range(len(sets)):
            for j in range(i + 1, len(sets)):
                u = sets[i] | sets[j]
                sims.append(len(sets[i] & sets[j]) / len(u) if u else 1)
        f["mcq.overlap"] = np.mean(sims)
        f["mcq.pairs"] = np.mean([c.count(",") == 1 and len(c.split()) <= 4 for c in choices])
        f["mcq.truefalse"] = np.mean([bool(re.search(r"\b(true|false|wrong)\b", c.lower())) for c in choices])
        f["mcq.allnone"] = float(any(re.search(r"(all|none|both) of the (above|these)|both [a-d] and", c.lower()) for c in choices))
        f["mcq.choice_share"] = sum(lens) / nw
    else:
        for k in ["mcq.choice_log_words", "mcq.choice_spread", "mcq.numeric", "mcq.overlap", "mcq.pairs", "mcq.truefalse", "mcq.allnone", "mcq.choice_share"]:
            f[k] = 0.0
    f["neg.caps"] = math.log1p(len(re.findall(r"\b(NOT|EXCEPT|LEAST|FALSE|INCORRECT|NEVER)\b", t)))
    f["neg.words"] = math.log1p(sum(w in NEG_W for w in stem_words))
    nums = re.findall(r"\d+(?:[.,]\d+)*", t)
    f["numbers.count"] = math.log1p(len(nums))
    f["numbers.distinct"] = math.log1p(len(set(nums)))
    f["numbers.in_stem"] = math.log1p(len(re.findall(r"\d+(?:[.,]\d+)*", stem)))
    f["numbers.decimal"] = math.log1p(len(re.findall(r"\d[.]\d", t)))
    f["numbers.percent"] = math.log1p(t.count("%") + sum(w in ("percent", "percentage") for w in ws))
    f["numbers.fraction"] = math.log1p(len(re.findall(r"\d/\d", t)) + sum(w in ("half", "third", "quarter", "twice", "double", "triple") for w in ws))
    f["money"] = math.log1p(t.count("$"))
    sents = [s for s in re.split(r"[.?!]\s", stem) if s.strip()]
    f["sentences.log"] = math.log1p(len(sents))
    f["sentence.mean_words"] = math.log1p(len(stem_words) / max(len(sents), 1))
    f["word.mean_len"] = np.mean([len(w) for w in ws]) if ws else 0
    f["word.long_share"] = np.mean([len(w) >= 9 for w in ws]) if ws else 0
    f["cue.math"] = math.log1p(sum(w in MATH_W for w in ws))
    f["cue.logic"] = math.log1p(sum(w in LOGIC_W for w in ws))
    f["cue.law"] = math.log1p(sum(w in LAW_W for w in ws))
    f["cue.moral"] = math.log1p(sum(w in MORAL_W for w in ws))
    f["pronoun.i"] = sum(w in ("i", "my", "me") for w in stem_words) / max(len(stem_words), 1)
    f["statement.marker"] = float(bool(re.search(r"statement 1|scenario 1", t.lower())))
    f["caps.share"] = sum(ch.isupper() for ch in t) / max(len(t), 1)
    f["paren.count"] = math.log1p(t.count("("))
    f["quote.count"] = math.log1p(t.count('"') + t.count("“"))
    f["which.following"] = float("which of the following" in t.lower())
    f["question.how_many"] = float(bool(re.search(r"how (many|much)", t.lower())))
    return f
