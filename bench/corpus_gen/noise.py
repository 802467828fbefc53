"""From a plan to the bytes of a file, with what real files carry around and inside the text.

The noise kinds are those of the bundled corpus (data/corpus/README.md): web
chrome, a notice of issue, a press release, a site banner with page chunks that
cut words (``N、``), a spam word, non-breaking and ideographic spaces, characters
lost at line ends and around quotes, full-width punctuation, CRLF, GB18030.
Headings, tables, titles and the sentence citing the parent plan are spared,
except by the page chunks, which the loaders undo.  Rates are in data/noise.yaml.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .document import Line, Plan, body_lines
from .lexicon import data, spam_tokens
from .text import Filler

FULLWIDTH = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；", "%": "％", "?": "？", "!": "！"})
PROSE = {"prose", "itembody"}
SPARED_BY_WIDTH = {"chrome"}  # times and URLs in chrome keep their ASCII colons


def chance(rng: random.Random, key: str) -> bool:
    return rng.random() < data("noise")["rates"][key]


def render(plan: Plan, filler: Filler, rng: random.Random) -> tuple[str, str]:
    """The plan's text with its noise, and the encoding to write it in."""
    spec = plan.spec
    rates = data("noise")["rates"]
    issued = date(2021, 3, 1) + timedelta(days=rng.randint(0, 400))
    if spec.chunked:
        front: list[Line] = []
    else:
        kind = "notice" if spec.level == "national" and rng.random() < 0.8 else rng.choices(
            list(rates["preamble"]), weights=list(rates["preamble"].values()))[0]
        spec.noise.append(f"preamble:{kind}")
        front = preamble(kind, plan, filler, rng, issued)
    body = body_lines(plan)
    trailer = trailers(filler, rng) if not spec.chunked and chance(rng, "trailer") else []
    lines = [*front, *plan.front, *plan.toc, *plan.opening, *body, *plan.glossary, *trailer]
    lines = line_noise(lines, spec, rng)
    if spec.chunked:
        spec.noise.append("chunks")
        text = chunked(lines, plan, filler, rng)
    else:
        blank = "\n\n" if chance(rng, "blank_between") else "\n"
        text = blank.join(line.text for line in lines) + "\n"
    if chance(rng, "crlf"):
        spec.noise.append("crlf")
        text = text.replace("\n", "\r\n")
    encodings = rates["encoding"]
    spec.encoding = rng.choices(list(encodings), weights=list(encodings.values()))[0]
    return text, spec.encoding


# -- before the plan ----------------------------------------------------------------------------

def preamble(kind: str, plan: Plan, filler: Filler, rng: random.Random, issued: date) -> list[Line]:
    lex = data("noise")
    spec = plan.spec
    published = issued + timedelta(days=rng.randint(3, 40))
    words = {"date_dash": published.isoformat(),
             "date_cn": f"{published.year}年{published.month:02d}月{published.day:02d}日",
             "hh": f"{rng.randint(8, 18):02d}", "mm": f"{rng.randint(0, 59):02d}",
             "source": spec.issuers[0] if spec.issuers else "民政局", "title": spec.title,
             "spam": rng.choice(spam_tokens())}
    if kind == "none":
        return []
    if kind == "press":
        press = lex["press"]
        words.update(date_md=f"{issued.month}月{issued.day}日", issuer=spec.issuers[0] if spec.issuers else "民政部门",
                     media=rng.choice(press["media"]), reporter=rng.choice(lex["reporters"]))
        lines = [Line("chrome", "当前位置:首页>文章中心>民政新闻>" + filler.fill(rng.choice(press["headline"])))]
        lines.append(Line("front", filler.fill(rng.choice(press["headline"]), **words)))
        lines.append(Line("chrome", filler.fill(press["dateline"], **words)))
        lines += [Line("front", filler.fill(p, **words)) for p in press["paragraphs"][: rng.randint(2, 4)]]
        lines[-1] = Line("front", lines[-1].text + filler.fill(press["source"], **words))
        return lines
    lines = []
    if kind == "chrome":
        chrome = lex["chrome"]
        lines += [Line("chrome", filler.fill(t, **words)) for t in rng.choice(chrome["top"])]
        lines.append(Line("chrome", filler.fill(rng.choice(chrome["meta"]), **words)))
    lines += notice(plan, filler, rng, issued, words, spam=kind == "chrome" and chance(rng, "spam_in_notice"))
    if kind == "chrome" and rng.random() < 0.5:
        lines.append(Line("chrome", rng.choice(lex["chrome"]["tools"])))
    return lines


def notice(plan: Plan, filler: Filler, rng: random.Random, issued: date, words: dict, spam: bool) -> list[Line]:
    """The notice of issue (002, 004): title, addressees, one paragraph, signatures, date."""
    lex = data("noise")["notice"]
    spec = plan.spec
    issuers = spec.issuers
    if spam:
        spec.noise.append("spam")
        head = filler.fill(lex["spam_title"], **words)
    else:
        head = filler.fill(lex["title"], issuers=rng.choice([" ", "  ", "、"]).join(issuers) if len(issuers) > 1
                           else issuers[0], **words)
    lines = [Line("front", head)]
    if rng.random() < 0.5:
        lines.append(Line("front", f"发布时间:{(issued + timedelta(days=rng.randint(3, 30))).isoformat()}"))
    lines.append(Line("front", lex["addressees"][spec.level]))
    lines.append(Line("front", filler.fill(rng.choice(lex["body"]), **words)))
    lines.append(Line("front", "     ".join(issuers)))
    lines.append(Line("front", f"{issued.year}年{issued.month}月{issued.day}日"))
    return lines


def trailers(filler: Filler, rng: random.Random) -> list[Line]:
    lex = data("noise")
    words = {"source": filler.context.get("bureau", ""), "reporter": rng.choice(lex["reporters"]),
             "other": filler.fill("{area}“十四五”社会救助事业发展规划")}
    return [Line("trailer", filler.fill(t, **words)) for t in rng.choice(lex["trailers"])]


# -- inside the plan ----------------------------------------------------------------------------

def line_noise(lines: list[Line], spec, rng: random.Random) -> list[Line]:
    """Spaces, lost characters and full-width punctuation, each on a share of documents."""
    rates = data("noise")["rates"]
    nbsp, indent, heading_space = chance(rng, "nbsp"), chance(rng, "ideographic_indent"), chance(rng, "heading_space")
    lost, fullwidth = chance(rng, "lost_chars") and not spec.chunked, chance(rng, "fullwidth")
    for name, on in (("nbsp", nbsp), ("indent", indent), ("heading-space", heading_space), ("lost-chars", lost),
                     ("fullwidth", fullwidth)):
        if on:
            spec.noise.append(name)
    out: list[Line] = []
    for line in lines:
        text = line.text
        if lost and line.kind in PROSE:
            text = text.replace("“十四五”", "十四五").replace("“十三五”", "十三五")
            if rng.random() < rates["lost_char_per_line"] and len(text) > 20:
                cut = len(text) - 1 if rng.random() < 0.5 else rng.randrange(len(text) // 2, len(text) - 1)
                text = text[:cut] + text[cut + 1 :]
        if heading_space and line.kind == "heading" and text.startswith("第"):
            text = text.replace(" ", rng.choice(["\u3000", "\u2003", "  "]), 1)
        if indent and line.kind == "prose":
            text = "\u3000\u3000" + text
        elif nbsp and line.kind == "prose" and rng.random() < 0.1:
            text = "\u00a0" * rng.randint(1, 4) + text
        if fullwidth and line.kind not in SPARED_BY_WIDTH:
            text = text.translate(FULLWIDTH)
        out.append(Line(line.kind, text))
        if nbsp and rng.random() < 0.04:
            out.append(Line("blank", "\u00a0"))
    return out


def chunked(lines: list[Line], plan: Plan, filler: Filler, rng: random.Random) -> str:
    """A sharing site's copy (001): a banner, then the text run together in numbered page chunks."""
    lex = data("noise")["sharing"]
    banner = filler.fill(lex["banner"], title=plan.spec.title, site=rng.choice(lex["sites"]))
    run = "".join(line.text.strip() for line in lines if line.text.strip())
    chunks, start = [], 0
    low, high = lex["chunk_chars"]
    while start < len(run):
        size = rng.randint(low, high)
        chunks.append(run[start : start + size])
        start += size
    return banner + "\n" + "\n".join(f"{k}、{chunk}" for k, chunk in enumerate(chunks, start=1)) + "\n"
