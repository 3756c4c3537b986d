"""Print a sample 附件1 as an office would: LibreOffice to PDF (A4 landscape), pdftoppm to PNG.

A manual check, not a test (CI has no LibreOffice): look at the pictures and see that no text
overlaps the next row and no long unit name or 备注 is cut. Usage:

    .venv/bin/python scripts/render_annex1.py [--out DIR] [--dpi 80]   # DIR: $TMPDIR/annex1-render

Needs Debian's ``libreoffice-calc-nogui`` and ``poppler-utils`` and a CJK font
(``fonts-noto-cjk``; ``fonts-crosextra-carlito`` gives Calibri's widths); without LibreOffice
or pdftoppm it says so and exits 0. The sample rows carry a 200-character 备注, 60-character unit
names, a name that wraps, identifiers at full length and a cell with line breaks.
"""

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT = (
    "四川省成都市锦江区某某建筑工程劳务分包有限责任公司第三分公司"
    "（原四川某某建设集团有限公司成都分公司）项目部"
)
FINDING = (
    "经核查，该人员注册单位与社会保险缴费单位不一致，本人书面说明系原单位改制后未及时变更注册，"
    "已责令其限期办理变更或注销手续，并对注册单位予以通报批评，记入不良行为记录。"
)
PENALTY = (
    "个人：撤销注册，3年内不得再次申请注册，记入不良行为记录；"
    "单位：通报，列入黑名单（川建罚〔2019〕12号）"
)


def sample_rows() -> list[dict]:
    """Return rows that stress the printed form: long texts, wrapping names, line breaks."""
    long_unit = (UNIT * 2)[:60]
    remarks = ("补报（2019年2月）；" + FINDING * 3)[:200]
    base = {
        "name": "张三",
        "id_number": "51010419800101002X",
        "certificate_number": "川1512019000001",
        "certificate_title": "一级建造师（市政公用工程）",
        "registered_unit": "四川华信建设工程有限公司",
        "actual_unit": "成都蓉城工程设计有限公司",
        "unit_name": "四川华信建设工程有限公司",
        "unit_uscc": "91510104MA61XXXX0X",
        "self_correction": "",
        "penalty": PENALTY,
        "remarks": "",
    }
    return [
        {**base, "remarks": remarks},
        {**base, "name": "欧阳娜仁高娃", "registered_unit": long_unit, "unit_name": long_unit},
        {**base, "penalty": "", "self_correction": "已注销注册", "certificate_title": "一级建造师"},
        {**base, "actual_unit": long_unit, "remarks": "更正（2019年1月）：\n处理决定已撤销"},
        {**base, "name": "阿依古丽·买买提", "remarks": remarks[:120], "penalty": PENALTY * 2},
    ]


def workbook() -> bytes:
    """Return the sample workbook's bytes (no database: the writer takes rows)."""
    sys.path.insert(0, str(ROOT))
    from reports.excel import SheetData, Signatory, annex1_workbook

    return annex1_workbook(
        SheetData(
            agency_name="成都市锦江区住房和城乡建设局",
            rows=sample_rows() * 2,
            preparer=Signatory("王丽", "028-86651234"),
            signer=Signatory("陈建国", "028-86651235"),
            submitted_on=datetime.date(2019, 4, 2),
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "annex1-render")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    office, pdftoppm = (
        shutil.which("libreoffice") or shutil.which("soffice"),
        shutil.which("pdftoppm"),
    )
    if not office or not pdftoppm:
        print(
            "LibreOffice or pdftoppm is not installed: skipped (apt-get install -y "
            "libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-crosextra-carlito)."
        )
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    xlsx = args.out / "annex1-sample.xlsx"
    xlsx.write_bytes(workbook())
    subprocess.run(  # noqa: S603 — fixed arguments, our own file
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(args.out), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = xlsx.with_suffix(".pdf")
    subprocess.run(  # noqa: S603 — fixed arguments, our own file
        [pdftoppm, "-png", "-r", str(args.dpi), str(pdf), str(args.out / "annex1-sample")],
        check=True,
        timeout=180,
    )
    for picture in sorted(args.out.glob("annex1-sample*.png")):
        print(picture)
    return 0


if __name__ == "__main__":
    sys.exit(main())
