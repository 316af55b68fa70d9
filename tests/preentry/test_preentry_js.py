"""The page's JavaScript against the app's Python, in Chromium: the same payload for the same
case, the same ages and eras, and QR codes that zbarimg reads at every version."""

import datetime as dt
import json
import subprocess
import zlib

import pytest
from households import compact_of, household
from PIL import Image

from counter_app.domain.era import default_era_table
from counter_app.domain.facts import age, legal_age, school_grade
from counter_app.preentry import decode, encode

pytestmark = pytest.mark.slow
pytest_plugins = ["browser_fixtures"]  # the browser, the page and its server


@pytest.fixture(scope="module")
def page(chromium, page_url):
    page = chromium.page()
    page.goto(page_url)
    page.wait_for("document.body.dataset.ready === 'true'")
    page.evaluate("""(async () => {
      window.payload = await import('./js/payload.js');
      window.qr = await import('./js/qr.js');
      window.dates = await import('./js/dates.js');
      window.city = await (await fetch('data/city.json')).json();
    })()""")
    return page


def qr_png(code, path, scale=3):
    """Draw a code's modules with a 4-module quiet zone."""
    size = code["size"]
    image = Image.new("L", ((size + 8) * scale,) * 2, 255)
    for y, row in enumerate(code["rows"]):
        for x, dark in enumerate(row):
            if dark == "1":
                image.paste(0, ((x + 4) * scale, (y + 4) * scale,
                                (x + 5) * scale, (y + 5) * scale))
    image.save(path)
    return path


def zbar(png):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                             str(png)], capture_output=True, text=True, timeout=60)
    return result.stdout.rstrip("\n")


ENCODE = """(async (compact) => {
  const text = await payload.payloadOf(compact, city.payload);
  const code = qr.encodeQr(payload.qrSegments(text, city.payload), %s);
  return {text, version: code.version, level: code.level, size: code.size,
          rows: code.dark.map((row) => row.map((d) => (d ? '1' : '0')).join(''))};
})(%s)"""


def test_page_and_app_write_the_same_payload_and_the_code_reads_back(page, artifacts, tmp_path):
    rows = ["| people | payload characters | deflated bytes | QR version (M) | modules |",
            "|---|---|---|---|---|"]
    for size in (1, 2, 3, 4, 5, 6, 10):
        case = household(size)
        compact = compact_of(case)
        code = page.evaluate(ENCODE % ("{}", json.dumps(compact, ensure_ascii=False)))
        assert code["text"] == encode(case), size
        assert decode(code["text"]) == case
        assert zbar(qr_png(code, tmp_path / f"household-{size}.png")) == code["text"]
        content = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = len(packer.compress(content) + packer.flush())
        rows.append(f"| {size} | {len(code['text'])} | {deflated} | {code['version']}-"
                    f"{code['level']} | {code['size']}×{code['size']} |")
        if size == 4:
            assert code["level"] == "M" and code["version"] <= 15
    (artifacts / "sizes.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize("level", ["M", "L"])
def test_every_qr_version_is_read_by_zbarimg(page, tmp_path, level):
    for version in range(1, 41):
        digits = str(version * 7919 % 100000).zfill(5) * (version % 3 + 1)
        options = json.dumps({"level": level, "minVersion": version})
        code = page.evaluate(
            f"(() => {{ const c = qr.encodeQr([{{mode: 'alphanumeric', text: 'MDP'}},"
            f" {{mode: 'numeric', text: '1{digits}'}}], {options});"
            " return {version: c.version, size: c.size,"
            " rows: c.dark.map((r) => r.map((d) => (d ? '1' : '0')).join(''))}; })()")
        assert code["version"] == version and code["size"] == 4 * version + 17
        assert zbar(qr_png(code, tmp_path / f"v{version}.png", scale=2)) == f"MDP1{digits}"


def test_every_mask_and_an_alphanumeric_text_are_read(page, tmp_path):
    text = "HELLO WORLD $%*+-./: 0123456789"
    for mask in range(8):
        code = page.evaluate(
            f"(() => {{ const c = qr.encodeQr([{{mode: 'alphanumeric', text: {json.dumps(text)}}}],"
            f" {{mask: {mask}}}); return {{size: c.size, mask: c.mask,"
            " rows: c.dark.map((r) => r.map((d) => (d ? '1' : '0')).join(''))}; })()")
        assert code["mask"] == mask
        assert zbar(qr_png(code, tmp_path / f"mask{mask}.png")) == text


def test_text_a_qr_mode_cannot_hold_is_refused(page):
    for segment in ("{mode: 'numeric', text: '12a'}", "{mode: 'alphanumeric', text: 'abc'}"):
        with pytest.raises(Exception, match="not"):
            page.evaluate(f"qr.encodeQr([{segment}])")


def test_ages_and_grades_match_the_app(page):
    borns = ["2000-02-29", "2018-04-01", "2018-04-02", "1984-05-20", "1951-12-31", "2024-03-31"]
    ons = ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01", "2025-05-19",
           "2025-05-20", "2028-02-28", "2028-02-29"]
    pairs = [(b, o) for b in borns for o in ons if b <= o]
    got = page.evaluate(f"{json.dumps(pairs)}.map(([b, o]) =>"
                        " [dates.age(b, o), dates.legalAge(b, o), dates.schoolGrade(b, o)])")
    expected = []
    for born, on in pairs:
        b, o = dt.date.fromisoformat(born), dt.date.fromisoformat(on)
        expected.append([age(b, o), legal_age(b, o), school_grade(b, o)])
    assert got == expected


def test_era_dates_match_the_app(page):
    table = default_era_table()
    days = ["1868-01-25", "1912-07-29", "1912-07-30", "1926-12-24", "1926-12-25", "1989-01-07",
            "1989-01-08", "2019-04-30", "2019-05-01", "2026-12-31"]
    got = page.evaluate(f"{json.dumps(days)}.map((d) => dates.toEraText(city.eras, d))")
    assert got == [table.format(dt.date.fromisoformat(d)) for d in days]
    typed = [("大正", "15", "12", "25"), ("昭和", "元", "12", "25"), ("昭和", "64", "1", "8"),
             ("平成", "31", "4", "30"), ("平成", "31", "5", "1"), ("令和", "1", "5", "1"),
             ("明治", "1", "1", "24"), ("令和", "8", "2", "29"), ("令和", "6", "2", "29")]
    got = page.evaluate(f"{json.dumps(typed)}.map(([era, year, month, day]) =>"
                        " dates.fromTyped(city.eras, {era, year, month, day}))")
    codes = {e.name: e.code for e in table.eras}
    for (era, year, month, day), result in zip(typed, got, strict=True):
        try:
            expected = table.from_era(codes[era], 1 if year == "元" else int(year), int(month),
                                      int(day)).isoformat()
        except ValueError:
            expected = None
        assert result.get("date") == expected, (era, year, month, day, result)
