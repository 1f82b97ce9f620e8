"""The timeline picture of a scenario result (runner.py's dict) as SVG.

One horizontal band per node and instance, coloured by the state failoverd
logged (MASTER, BACKUP, FAULT, INIT) and hatched where no agent ran (killed,
stopped, crashed); one band per probe, green while it was answered and red
over each gap, with the gap's length written above it; each fault step a
dashed vertical line labelled with its name; a time axis in seconds from the
scenario start.  Plain SVG 1.1 text, no scripts, no external fonts, so the
file can be opened from the report as it is.
"""

import math
from xml.sax.saxutils import escape

from .expect import state_history

COLORS = {"MASTER": "#2e9d4f", "BACKUP": "#4a7fc1", "FAULT": "#d2392f", "INIT": "#b8b8b8",
          None: "#e8e8e8"}
PROBE_OK = "#9fd8a8"
PROBE_GAP = "#d2392f"
WIDTH = 960
LEFT = 150
RIGHT = 24
BAND = 22
BAND_GAP = 8
TOP = 56
LABEL_ROW = 13


def nice_step(span, target=10):
    """A tick step of 1, 2 or 5 times a power of ten giving about `target` ticks."""
    raw = max(span, 1e-6) / target
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def state_segments(node, instance, t_from, t_to):
    """[(start, end, state)] of node's instance over [t_from, t_to]; state None
    where no agent ran (or nothing is known yet)."""
    history = state_history(node, instance)
    current = None
    for t, value in history:
        if t <= t_from:
            current = value
    segments, start = [], t_from
    for t, value in history:
        if t_from < t < t_to and value != current:
            segments.append((start, t, current))
            start, current = t, value
    segments.append((start, t_to, current))
    return [s for s in segments if s[1] > s[0]]


class _Canvas:
    def __init__(self, t_from, t_to):
        self.t_from = t_from
        self.t_to = max(t_to, t_from + 0.1)
        self.items = []

    def x(self, t):
        span = self.t_to - self.t_from
        return LEFT + (min(max(t, self.t_from), self.t_to) - self.t_from) / span * \
            (WIDTH - LEFT - RIGHT)

    def add(self, text):
        self.items.append(text)

    def rect(self, x, y, w, h, fill, attrs="", tip=None):
        body = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.8):.1f}" height="{h:.1f}" '
                f'fill="{fill}"{attrs}')
        self.add(body + (f'><title>{escape(tip)}</title></rect>' if tip else '/>'))

    def text(self, x, y, content, size=11, anchor="start", extra=""):
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
                 f'{extra}>{escape(str(content))}</text>')


def render(result):
    """SVG text of the result's timeline."""
    t_from, t_to = 0.0, max(result.get("end") or 0.0, 0.1)
    canvas = _Canvas(t_from, t_to)
    steps = [s for s in result.get("steps", []) if s.get("t") is not None]
    rows = _step_label_rows(canvas, steps)
    y = TOP + max(rows + [0]) * LABEL_ROW + LABEL_ROW
    for node_name, node in result.get("nodes", {}).items():
        for instance in node.get("instances") or ["-"]:
            _state_band(canvas, y, f"{node_name} {instance}", node, instance)
            y += BAND + BAND_GAP
    for name, probe in result.get("probes", {}).items():
        y = _probe_band(canvas, y, name, probe)
    bands_bottom = y - BAND_GAP
    _steps(canvas, steps, rows, bands_bottom)
    y = _axis(canvas, bands_bottom + 6)
    y = _legend(canvas, y + 10)
    title = f"{result.get('code', '')} {result.get('scenario', '')}: " \
            f"{(result.get('outcome') or 'not run').upper()}"
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 10}" '
            f'viewBox="0 0 {WIDTH} {y + 10}" font-family="sans-serif">',
            f'<title>{escape(title)}</title>',
            '<defs><pattern id="down" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern>'
            '</defs>',
            f'<rect width="{WIDTH}" height="{y + 10}" fill="white"/>']
    canvas.items.insert(0, f'<text x="10" y="22" font-size="15" font-weight="bold">'
                           f'{escape(title)}</text>')
    desc = result.get("description") or ""
    canvas.items.insert(1, f'<text x="10" y="40" font-size="11" fill="#444">'
                           f'{escape(desc[:150])}</text>')
    return "\n".join(head + canvas.items + ["</svg>"]) + "\n"


def _state_band(canvas, y, label, node, instance):
    canvas.text(LEFT - 8, y + BAND / 2 + 4, label, anchor="end")
    for start, end, state in state_segments(node, instance, canvas.t_from, canvas.t_to):
        x0, x1 = canvas.x(start), canvas.x(end)
        fill = COLORS.get(state, COLORS[None]) if state else "url(#down)"
        canvas.rect(x0, y, x1 - x0, BAND, fill, ' stroke="white" stroke-width="0.5"',
                    f"{label}: {state or 'no agent'} {start:.3f}-{end:.3f} s")
        if state and x1 - x0 > 50:
            canvas.text((x0 + x1) / 2, y + BAND / 2 + 4, state, size=10, anchor="middle",
                        extra=' fill="white"')


def _probe_band(canvas, y, name, probe):
    label_y = y
    y += 12                               # room for the gap lengths above the band
    canvas.text(LEFT - 8, y + BAND / 2 + 4, f"probe {name}", anchor="end")
    start = probe.get("start", canvas.t_from)
    stop = probe.get("stop", canvas.t_to)
    x0, x1 = canvas.x(start), canvas.x(stop)
    canvas.rect(x0, y, x1 - x0, BAND, PROBE_OK, tip=f"probe {name}: {probe.get('target')}")
    for gap in probe.get("gaps", []):
        g0, g1 = canvas.x(gap["start"]), canvas.x(gap["end"])
        tip = f"gap {gap['duration_ms']:.0f} ms, {gap.get('failed')} failed ({gap.get('reason')})"
        canvas.rect(g0, y, g1 - g0, BAND, PROBE_GAP, tip=tip)
        canvas.text((g0 + g1) / 2, label_y + 9, f"{gap['duration_ms']:.0f} ms", size=9,
                    anchor="middle", extra=f' fill="{PROBE_GAP}"')
    return y + BAND + BAND_GAP


def _step_label_rows(canvas, steps):
    """The label row of each step, so that labels do not overlap."""
    ends, rows = [], []
    for step in steps:
        x = canvas.x(step["t"])
        width = 6.5 * len(step["name"]) + 8
        for row, end in enumerate(ends):
            if x > end:
                ends[row] = x + width
                rows.append(row)
                break
        else:
            rows.append(len(ends))
            ends.append(x + width)
    return rows


def _steps(canvas, steps, rows, bottom):
    for step, row in zip(steps, rows):
        x = canvas.x(step["t"])
        label_y = TOP + row * LABEL_ROW + 9
        color = "#b00020" if step.get("error") else "#333"
        canvas.add(f'<line x1="{x:.1f}" y1="{label_y + 3:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                   f'stroke="{color}" stroke-width="1.2" stroke-dasharray="4 3">'
                   f'<title>{escape(step["name"])} ({escape(step["kind"])}) at '
                   f'{step["t"]:.3f} s: {escape(step.get("detail") or "")}</title></line>')
        canvas.text(x + 3, label_y, step["name"], size=11, extra=f' fill="{color}"')


def _axis(canvas, y):
    canvas.add(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
               'stroke="#333"/>')
    step = nice_step(canvas.t_to - canvas.t_from)
    tick = math.ceil(canvas.t_from / step) * step
    while tick <= canvas.t_to + 1e-9:
        x = canvas.x(tick)
        canvas.add(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 5:.1f}" '
                   'stroke="#333"/>')
        canvas.text(x, y + 17, f"{tick:.{max(0, -math.floor(math.log10(step)))}f}", size=10,
                    anchor="middle")
        tick += step
    canvas.text(WIDTH - RIGHT, y + 31, "seconds after the scenario start", size=10,
                anchor="end", extra=' fill="#444"')
    return y + 34


def _legend(canvas, y):
    x = LEFT
    entries = [(COLORS["MASTER"], "MASTER"), (COLORS["BACKUP"], "BACKUP"),
               (COLORS["FAULT"], "FAULT"), (COLORS["INIT"], "INIT"),
               ("url(#down)", "no agent running"), (PROBE_OK, "probe answered"),
               (PROBE_GAP, "probe gap")]
    for fill, label in entries:
        canvas.rect(x, y, 14, 12, fill, ' stroke="#666" stroke-width="0.5"')
        canvas.text(x + 18, y + 10, label, size=10)
        x += 24 + 6.2 * len(label)
    canvas.add(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 12:.1f}" '
               'stroke="#333" stroke-dasharray="4 3"/>')
    canvas.text(x + 6, y + 10, "fault step", size=10)
    return y + 16
