"""Fixed words of a report's layout ("Page 3 of 7", "Generated") in the report's language.

A builder may supply any of them in `Report.labels` (from the web app's translations) and those win;
otherwise the words below are used: Russian for a Russian report, English for every other language.
Renderers ask through `layout_label` so that the PDF, the slides and the web page say the same.
"""

from __future__ import annotations

from smartsmm.reports.document import Report

DEFAULTS: dict[str, dict[str, str]] = {
    "en": {
        "generated_at": "Generated",
        "period": "Period",
        "client": "Client",
        "caveats": "Please note",
        "page": "Page {page}",
        "page_of": "Page {page} of {pages}",
        "no_data": "No data",
        "prepared_by": "Prepared by",
        "download": "Download",
        "continued": "(cont.)",
        "cover": "Cover",
        "contents": "Contents",
        "date": "Date",
        "category": "Category",
    },
    "ru": {
        "generated_at": "Сформирован",
        "period": "Период",
        "client": "Клиент",
        "caveats": "Обратите внимание",
        "page": "Страница {page}",
        "page_of": "Страница {page} из {pages}",
        "no_data": "Нет данных",
        "prepared_by": "Подготовлено",
        "download": "Скачать",
        "continued": "(продолжение)",
        "cover": "Обложка",
        "contents": "Содержание",
        "date": "Дата",
        "category": "Категория",
    },
}


def default_label(language: str, key: str) -> str:
    return DEFAULTS.get(language, DEFAULTS["en"]).get(key, DEFAULTS["en"].get(key, key))


def layout_label(report: Report, key: str) -> str:
    """The builder's word for `key` if it gave one, else the default in the report's language."""
    return report.label(key, default_label(report.language, key))
