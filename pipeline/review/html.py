"""Markup shared by the document report and the batch index: no external assets, so a
report opens from the file system anywhere."""

from __future__ import annotations

from html import escape

from pipeline.review.settings import ReviewSettings

FRAME_COLOUR = "rgb(0,150,136)"  # the 1px frame around every page image and crop

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:16px 24px;
color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:6px 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
td.n,th.n{text-align:right}
.badge{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:600}
.flag{margin:10px 0 18px;padding:6px 10px;border-left:4px solid #999}
.efd td,.efd th{font-variant-numeric:tabular-nums}
.crop{margin:8px 0}.crop figcaption{font-size:12px;color:#555}
.frame{position:relative;border:1px solid __FRAME__;line-height:0}
.frame img{display:block}
.hl{position:absolute;box-sizing:border-box;border:2px solid;pointer-events:auto}
.hl.compared{border-style:dashed}
pre.lines{background:#fafafa;border:1px solid #ddd;padding:4px 0;overflow-x:auto;line-height:1.5}
pre.lines .ln{display:inline-block;width:5em;color:#888;text-align:right;padding-right:8px;user-select:none}
mark{background:none;border:2px solid;padding:0 1px}mark.compared{border-style:dashed}
.tbl td a{color:inherit;text-decoration:none;border-bottom:1px dotted #999}
.tbl{font-size:12px;margin:6px 0}
.page{display:none;margin:10px 0}.page:target{display:block}
.page .marker{position:absolute;border:2px solid #e91e63;box-sizing:border-box}
#source .line:target{background:#ffeb3b}
.muted{color:#777}
details>summary{cursor:pointer}
""".replace("__FRAME__", FRAME_COLOUR)


def severity_css(settings: ReviewSettings) -> str:
    """Badge, flag and box colours by severity."""
    out = []
    for sev in settings.colours:
        c = settings.css_colour(sev)
        out.append(f".sev-{sev} .badge,.badge.sev-{sev}{{background:{c}}}"
                   f".flag.sev-{sev}{{border-left-color:{c}}}"
                   f".hl.sev-{sev},mark.sev-{sev}{{border-color:{c}}}")
    return "\n".join(out)


def page(title: str, body: str, settings: ReviewSettings, script: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{CSS}{severity_css(settings)}</style></head>"
            f"<body>{body}" + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


def badge(severity: str) -> str:
    return f'<span class="badge sev-{escape(severity)}">{escape(severity.upper())}</span>'


def rows_table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table of already escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}">{thead}<tbody>{body}</tbody></table>'


def fmt_box(box) -> str:
    return ",".join(f"{v:.1f}" for v in box)
