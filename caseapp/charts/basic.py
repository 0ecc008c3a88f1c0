"""Bar, stacked bar, line and age-pyramid charts as SVG strings, German labels, suppressed counts as "•".

Every function takes plain labels and numbers (None = suppressed: drawn as an empty bar marked "•")
and returns an SVG string. The same input always gives the same bytes, so a chart is memoised on its
input: figures are never stale, because the figures themselves are the cache key.
"""
from __future__ import annotations

from datetime import date

from matplotlib.ticker import FuncFormatter, MaxNLocator

from caseapp.charts.base import PALETTE, SUPPRESSED_DE, cached, german_axis, new_figure, number_de, rc, to_svg


def _t(values) -> tuple:
    return tuple(values)


def bar_chart(labels, values, *, title: str = "", xlabel: str = "", ylabel: str = "Anzahl",
              horizontal: bool = False, width: float = 6.4, height: float = 3.2) -> str:
    return _bar(_t(labels), _t(values), title, xlabel, ylabel, horizontal, width, height)


@cached
def _bar(labels, values, title, xlabel, ylabel, horizontal, width, height) -> str:
    with rc():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        drawn = [0 if v is None else v for v in values]
        pos = range(len(labels))
        if horizontal:
            ax.barh(pos, drawn, color=PALETTE[0])
            ax.set_yticks(list(pos), labels)
            ax.invert_yaxis()
            german_axis(ax.xaxis)
            ax.set_xlabel(ylabel)
            ax.set_ylabel(xlabel)
        else:
            ax.bar(pos, drawn, color=PALETTE[0])
            ax.set_xticks(list(pos), labels, rotation=45 if len(labels) > 8 else 0,
                          ha="right" if len(labels) > 8 else "center")
            german_axis(ax.yaxis)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
        for i, v in enumerate(values):
            if v is None:
                xy = (0, i) if horizontal else (i, 0)
                ax.annotate(SUPPRESSED_DE, xy, ha="left" if horizontal else "center",
                            va="center" if horizontal
                            else "bottom", fontsize=11)
        if title:
            ax.set_title(title)
        return to_svg(fig, title)


def stacked_bar(categories, series: dict, *, title: str = "", ylabel: str = "Anzahl",
                width: float = 6.4, height: float = 3.2) -> str:
    """categories along x; series {legend label: [value per category]} stacked on each other."""
    return _stacked(
        _t(categories), tuple((k, _t(v)) for k, v in series.items()), title, ylabel, width, height
    )


@cached
def _stacked(categories, series, title, ylabel, width, height) -> str:
    with rc():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        bottom = [0] * len(categories)
        pos = list(range(len(categories)))
        for i, (name, values) in enumerate(series):
            drawn = [0 if v is None else v for v in values]
            ax.bar(pos, drawn, bottom=bottom, label=name, color=PALETTE[i % len(PALETTE)])
            bottom = [b + d for b, d in zip(bottom, drawn, strict=True)]
        ax.set_xticks(pos, categories, rotation=45 if len(categories) > 8 else 0,
                      ha="right" if len(categories) > 8 else "center")
        german_axis(ax.yaxis)
        ax.set_ylabel(ylabel)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        if title:
            ax.set_title(title)
        return to_svg(fig, title)


def line_chart(x, series: dict, *, title: str = "", ylabel: str = "Anzahl", xlabel: str = "",
               width: float = 6.4, height: float = 3.2, bands: dict | None = None) -> str:
    """x: labels or dates; series {label: [y]}; bands {label: ([low], [high])} shaded around a series."""
    band_items = tuple((k, _t(lo), _t(hi)) for k, (lo, hi) in (bands or {}).items())
    return _line(_t(x), tuple((k, _t(v)) for k, v in series.items()), title, ylabel, xlabel, width, height,
                 band_items)


@cached
def _line(x, series, title, ylabel, xlabel, width, height, bands) -> str:
    with rc():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        colours = {}
        for i, (name, values) in enumerate(series):
            (line,) = ax.plot(x, [float("nan") if v is None else v for v in values], label=name,
                              color=PALETTE[i % len(PALETTE)], linewidth=1.6)
            colours[name] = line.get_color()
        for name, lo, hi in bands:
            ax.fill_between(x, [float("nan") if v is None else v for v in lo],
                            [float("nan") if v is None else v for v in hi],
                            alpha=0.2, color=colours.get(name, PALETTE[0]), linewidth=0)
        german_axis(ax.yaxis)
        if x and isinstance(x[0], date):  # dates read as 01.10., not 2026-10-01
            from matplotlib.dates import DateFormatter

            ax.xaxis.set_major_formatter(DateFormatter("%d.%m.%Y" if (x[-1] - x[0]).days > 366 else "%d.%m."))
        ax.set_ylabel(ylabel)
        if xlabel:
            ax.set_xlabel(xlabel)
        if len(series) > 1:
            ax.legend(fontsize=8)
        if len(x) > 12:
            fig.autofmt_xdate()
        if title:
            ax.set_title(title)
        return to_svg(fig, title)


def pyramid(age_labels, male, female, *, title: str = "Altersaufbau", width: float = 6.4,
            height: float = 3.6, words: tuple[str, str, str] = ("männlich", "weiblich", "Personen")) -> str:
    """Age pyramid: male to the left, female to the right, youngest group at the bottom. `words`: the
    legend's two labels and the axis label (the admin passes them translated)."""
    return _pyramid(_t(age_labels), _t(male), _t(female), title, width, height, tuple(words))


@cached
def _pyramid(labels, male, female, title, width, height, words) -> str:
    with rc():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        pos = list(range(len(labels)))
        ax.barh(pos, [-(v or 0) for v in male], color=PALETTE[0], label=words[0])
        ax.barh(pos, [v or 0 for v in female], color=PALETTE[1], label=words[1])
        ax.set_yticks(pos, labels)
        ax.axvline(0, color="#333333", linewidth=0.8)
        # Whole persons only, symmetric around zero, so small counts do not repeat tick labels.
        widest = max([v or 0 for v in (*male, *female)] + [1])
        ax.set_xlim(-widest * 1.08, widest * 1.08)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, symmetric=True, nbins=6))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: number_de(abs(v))))
        for i, (m, f) in enumerate(zip(male, female, strict=True)):
            if m is None:
                ax.annotate(SUPPRESSED_DE, (0, i), ha="right", va="center")
            if f is None:
                ax.annotate(SUPPRESSED_DE, (0, i), ha="left", va="center")
        ax.legend(loc="lower right", fontsize=8)
        ax.set_xlabel(words[2])
        if title:
            ax.set_title(title)
        return to_svg(fig, title)
