"""``thidua-sim template --out FILE.xlsx``: write the import template for review results.

The template has the Vietnamese headers the importer reads ("Xã/thị trấn", "Nhóm hộ",
"Năm", "Tổng số hộ", "Hộ nghèo", ...), one row per commune and group ready to fill in and,
in the .xlsx, a second sheet explaining every column in Vietnamese and English.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "template",
        help="write the spreadsheet template for importing review results (.xlsx or .csv)",
        description="Write the template for a year's review results (kết quả rà soát hộ nghèo, hộ cận nghèo): "
                    "one row per commune and group, Vietnamese headers, a guide sheet (.xlsx). Fill it in and "
                    "check it with 'thidua-sim validate FILE'.",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="file to write: .xlsx (with a guide sheet) or .csv")
    parser.add_argument("--data", default=None, metavar="DATA_DIR",
                        help="data folder whose areas fill the rows (default: the shipped data/kbang)")
    parser.add_argument("--year", type=int, default=None,
                        help="review year to pre-fill (also picks the communes in force that year)")
    parser.add_argument("--households", action="store_true",
                        help="the template of a household list (danh sách hộ) instead, for 'thidua-sim households'")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the message printed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....data import write_template
    from ....report.i18n import t

    from ....io._guard import check_output

    check_output(args.out, inputs=[args.data], force=args.force)
    if args.households:
        from ....data import write_household_template

        path = write_household_template(args.out, year=args.year, overwrite=args.force)
        print(t("file_written", args.language, path=path))
        return 0
    path = write_template(args.out, areas=args.data, year=args.year, overwrite=args.force)
    print(t("file_written", args.language, path=path))
    return 0
