"""The pre-entry page in a real headless Chromium, filled as a resident would: a four-person
move-in read back from a screenshot of its QR code by zbarimg and decoded by counter-app; every
language looked at; bad input refused; no request, cookie or storage beyond the tab."""

import datetime as dt
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from households import household

from counter_app.address import city_postal_codes
from counter_app.domain.era import default_era_table
from counter_app.preentry import encode

pytestmark = pytest.mark.slow
pytest_plugins = ["browser_fixtures"]  # the browser, the page and its server
ROOT = Path(__file__).resolve().parents[2]
MOVE_DATE = dt.date.today() + dt.timedelta(days=7)
LANGUAGES = ("ja", "easy", "en")
STEPS = ("move", "address", "members", "questions", "contact", "summary")

# Everything a person reads on a step: sizes, contrast, labels, width (WCAG 2.1 relative luminance).
MEASURE = """(() => {
  const out = {small: [], lowContrast: [], unlabeled: [], positiveTabindex: [],
               width: document.documentElement.scrollWidth, text: document.body.innerText};
  const parse = (c) => { const p = c.match(/[\\d.]+/g).map(Number);
                         return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (el.closest('[hidden], .visually-hidden, noscript') || style.display === 'none') continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText && !el.matches('input[type=text], select, button')) continue;
    if (el.getBoundingClientRect().right < 0) continue;  // the skip link, until focused
    const size = parseFloat(style.fontSize);
    if (size < 16) out.small.push(`${el.tagName}#${el.id} ${size}px`);
    const [light, dark] = [luminance(parse(style.color)), luminance(background(el))]
      .sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < 4.5) out.lowContrast.push(`${el.tagName}#${el.id} ${ratio.toFixed(2)}`);
  }
  for (const el of document.querySelectorAll('input, select')) {
    if (!el.labels.length && !el.getAttribute('aria-label')) out.unlabeled.push(el.id);
  }
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (Number(el.getAttribute('tabindex')) > 0) out.positiveTabindex.push(el.id);
  }
  return out;
})()"""


def zbar(png):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                             str(png)], capture_output=True, text=True, timeout=60)
    return result.stdout.splitlines()


def era_parts(iso):
    era_date = default_era_table().to_era(dt.date.fromisoformat(iso))
    return era_date.era.name, str(era_date.year), str(era_date.month), str(era_date.day)


def counter_app(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "counter_app", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def step_of(page):
    return page.evaluate("document.querySelector('#main form').id.replace('step-', '')")


def press_next(page, expected):
    page.click("#next")
    page.wait_for(f"document.querySelector('#main form').id === 'step-{expected}'")


def type_date(page, group, parts, western=False):
    era, year, month, day = parts
    page.choose(f"#{group}-era", "western" if western else era)
    page.type(f"#{group}-year", year)
    page.type(f"#{group}-month", month)
    page.type(f"#{group}-day", day)


def open_page(chromium, page_url, lang):
    page = chromium.page()
    page.goto(page_url)
    page.wait_for("document.body.dataset.ready === 'true'")
    page.click(f"[data-lang='{lang}']")
    return page


class Flow:
    """What the four-person move-in left behind, for the tests below to check."""

    def __init__(self):
        self.measures = {}  # (language, step) -> MEASURE result
        self.screenshots = {}  # (language, step) -> png
        self.payloads = {}  # language -> payload read from the summary's screenshot
        self.requests_after_load = []
        self.questions_shown = []
        self.kept_across_languages = None
        self.kept_across_reload = None
        self.storage = None
        self.fonts = {}  # language -> font families Chromium drew the text with


def fill_four_person_move_in(page, flow, expected):
    members = expected["members"]
    # 1. The move.
    page.click("#kind-move_in")
    type_date(page, "move-date", era_parts(expected["move"]["date"]))
    press_next(page, "address")
    # 2. Addresses: a dash and full-width digits as a Japanese keyboard types them.
    page.choose("#prev-pref", "茨城県")
    page.type("#prev-address", "つくば市竹園一丁目2番3号")
    page.type("#prev-building", "つくばハイツ101")
    page.type("#next-postal", "０９９－９９０３")
    page.wait_for("document.getElementById('next-town').textContent.includes('若葉町')")
    page.type("#next-block", "１ー２ー３")
    page.type("#next-building", "あおばハイツ203")
    press_next(page, "members")
    # 3. Members: kana typed in hiragana; one birth date in the Western calendar.
    for i, member in enumerate(members):
        if i:
            page.click("#add-member")
        surname, given = member["name"].split("\u3000")
        surname_kana, given_kana = member["kana"].split("\u3000")
        page.type(f"#m{i}-surname", surname)
        page.type(f"#m{i}-given", given)
        page.type(f"#m{i}-surname-kana", "みほん" if surname_kana == "ミホン" else surname_kana)
        if i == 0:
            # Half-way through a person, the language changes and back: nothing is lost.
            page.click("[data-lang='en']")
            page.wait_for("document.documentElement.lang === 'en'")
            flow.kept_across_languages = page.evaluate(
                "[document.getElementById('m0-surname').value,"
                " document.getElementById('m0-surname-kana').value]")
            page.click("[data-lang='ja']")
        page.type(f"#m{i}-given-kana", given_kana)
        born = member["birth_date"]
        if i == 2:
            type_date(page, f"m{i}-birth", ("", *born.split("-")), western=True)
        else:
            type_date(page, f"m{i}-birth", era_parts(born))
        page.click(f"#m{i}-sex-{member['sex']}")
        page.choose(f"#m{i}-rel", member["relationship"])
    flow.measures[("ja", "members")] = page.evaluate(MEASURE)
    press_next(page, "questions")
    # 4. Questions: the answers of the case file; what it leaves out is "わからない".
    flow.questions_shown = page.evaluate(
        "[...document.querySelectorAll('fieldset.choices')].map((f) => f.id)")
    for group in flow.questions_shown:
        if group.startswith("q-"):
            key = group[2:].replace("household_", "household.").replace("move_", "move.")
        else:
            index, fact = re.match(r"q(\d+)-(.+)", group).groups()
            key = f"member.{index}.{fact}"
        value = expected["answers"].get(key, "unknown")
        page.click(f"#{group}-{str(value).lower() if isinstance(value, bool) else value}")
    press_next(page, "contact")
    # 5. Contact, then a reload: the draft comes back from this tab's sessionStorage.
    page.choose("#filer", "0")
    page.type("#phone", "０９０－１２３４－５６７８")
    page.evaluate("window.beforeReload = true")
    page.send("Page.reload")
    page.wait_for("!window.beforeReload && document.body?.dataset.ready === 'true'")
    flow.kept_across_reload = page.evaluate(
        "[document.querySelector('#main form').id, document.getElementById('phone').value]")
    press_next(page, "summary")


def read_summary(page, flow, language, artifacts):
    page.wait_for("document.getElementById('qr').dataset.version")
    shot = page.screenshot(artifacts / f"{language}-summary.png")
    flow.screenshots[(language, "summary")] = shot
    flow.measures[(language, "summary")] = page.evaluate(MEASURE)
    flow.payloads[language] = zbar(shot)


def fonts_used(page):
    """Font families Chromium drew each element's text with (CSS.getPlatformFontsForNode)."""
    page.send("DOM.enable")
    page.send("CSS.enable")
    root = page.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    nodes = page.send("DOM.querySelectorAll", {"nodeId": root, "selector": "body *"})["nodeIds"]
    families = set()
    for node in nodes:
        for font in page.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            families.add(font["familyName"])
    return families


@pytest.fixture(scope="module")
def flow(chromium, page_url, artifacts):
    expected = household(4, MOVE_DATE.isoformat())
    flow = Flow()
    page = open_page(chromium, page_url, "ja")
    chromium.pump(0.5)
    loaded = len(chromium.events)
    fill_four_person_move_in(page, flow, expected)
    read_summary(page, flow, "ja", artifacts)
    # Every language, every step, from the same entries: the summary's edit links, then Next.
    for language in LANGUAGES:
        page.click(f"[data-lang='{language}']")
        page.wait_for("document.getElementById('qr').dataset.version")
        page.click("#main button.link")  # edit the first step
        page.wait_for("document.querySelector('#main form').id === 'step-move'")
        for step, following in itertools.pairwise(STEPS):
            flow.measures[(language, step)] = page.evaluate(MEASURE)
            flow.screenshots[(language, step)] = page.screenshot(
                artifacts / f"{language}-{STEPS.index(step) + 1}-{step}.png")
            press_next(page, following)
        read_summary(page, flow, language, artifacts)
        flow.fonts[language] = fonts_used(page)
    chromium.pump(0.5)
    flow.requests_after_load = [
        e["params"]["request"]["url"] for e in chromium.events[loaded:]
        if e["method"] == "Network.requestWillBeSent" and e.get("sessionId") == page.session
        and e["params"]["type"] != "Document"]  # the reload re-requests the page itself
    flow.storage = page.evaluate(
        "({cookie: document.cookie, local: localStorage.length,"
        " session: Object.keys(sessionStorage)})")
    flow.expected = expected
    return flow


def test_the_four_person_move_in_scans_back_to_its_case_file(flow, tmp_path):
    assert flow.payloads["ja"] and len(flow.payloads["ja"]) == 1
    payload = flow.payloads["ja"][0]
    decoded = counter_app("preentry", "decode", "-", stdin=payload + "\n")
    assert decoded.returncode == 0, decoded.stderr
    assert json.loads(decoded.stdout) == flow.expected
    # The page and the app write the very same payload for the same case.
    assert payload == encode(flow.expected)


def test_switching_language_keeps_every_entry(flow):
    assert flow.kept_across_languages == ["見本", "ミホン"]  # hiragana became katakana
    assert flow.payloads["easy"] == flow.payloads["en"] == flow.payloads["ja"]


def test_the_draft_survives_a_reload_in_the_same_tab_only(flow):
    assert flow.kept_across_reload == ["step-contact", "０９０－１２３４－５６７８"]
    assert flow.storage == {"cookie": "", "local": 0, "session": ["madoguchi-preentry-draft"]}


def test_no_network_request_after_the_page_has_loaded(flow):
    # The reload fetched the page's own files again; nothing else went out, ever.
    allowed = {"index.html", "style.css", "app.js", "dates.js", "kana.js", "payload.js", "qr.js",
               "city.json", "ja.json", "easy.json", "en.json"}
    assert [u for u in flow.requests_after_load if u.rsplit("/", 1)[-1] not in allowed] == []
    assert all(u.startswith("http://127.0.0.1:") for u in flow.requests_after_load)


def test_only_the_questions_that_apply_are_asked(flow):
    asked = {g for g in flow.questions_shown}
    expected = {"q-household_has_dog", "q-household_has_moped"}
    for key in flow.expected["answers"]:
        if key.startswith("member."):
            _, index, fact = key.split(".")
            expected.add(f"q{index}-{fact}")
    expected.add("q1-pension_category")  # 36: asked; the case file leaves it for the counter
    assert asked == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_step_is_readable_at_360_px(flow, language):
    for step in STEPS:
        measure = flow.measures[(language, step)]
        assert measure["width"] <= 360, (step, measure["width"])
        assert measure["small"] == [], step
        assert measure["lowContrast"] == [], step
        assert measure["unlabeled"] == [], step
        assert measure["positiveTabindex"] == [], step


def _charset(family):
    found = subprocess.run(["fc-list", f":family={family}", "--format", "%{charset}\n"],
                           capture_output=True, text=True).stdout
    covered = set()
    for token in found.split():
        low, _, high = token.partition("-")
        covered.update(range(int(low, 16), int(high or low, 16) + 1))
    return covered


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_without_missing_glyphs(flow, language):
    families = flow.fonts[language]
    assert families, "Chromium reported no fonts"
    covered = set().union(*(_charset(f) for f in families))
    text = "".join(flow.measures[(language, step)]["text"] for step in STEPS)
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in covered})
    assert missing == [], (families, missing)
    assert "BIZ UDPGothic" in families  # the page's first choice, installed by setup.sh


def test_every_screenshot_was_written(flow):
    for (language, step), path in flow.screenshots.items():
        assert path.stat().st_size > 10_000, (language, step)
    assert len(flow.screenshots) == len(LANGUAGES) * len(STEPS)


def test_the_first_step_works_from_the_keyboard_alone(chromium, page_url):
    page = open_page(chromium, page_url, "ja")  # focus: the 日本語 button just pressed
    active = ("(() => { const e = document.activeElement;"
              " return e.id || e.dataset.lang || e.tagName; })()")
    order = []
    for _ in range(8):
        page.key("Tab")
        order.append(page.evaluate(active))
    # Focus follows what the eye reads: languages, move kind, date, then 次へ.
    assert order == ["easy", "en", "kind-move_in", "move-date-era", "move-date-year",
                     "move-date-month", "move-date-day", "next"]
    page.focus("#kind-move_in")
    page.key(" ")
    page.key("ArrowDown")  # arrows move the choice within the group, as screen readers expect
    assert page.evaluate("document.querySelector('[name=kind]:checked').value") == "move_within"
    page.key("ArrowUp")
    _, year, month, day = era_parts(MOVE_DATE.isoformat())
    page.key("Tab")
    for text in (year, month, day):
        page.key("Tab")
        page.send("Input.insertText", {"text": text})
    page.key("Enter")  # Enter sends the step, as in any form
    page.wait_for("document.querySelector('#main form').id === 'step-address'")
    assert page.evaluate("document.activeElement.id") == "step-title"
    assert page.evaluate("document.querySelector('#main h2').textContent") == "住所"


OTHER_MOVES = {
    "move_within": {
        "move": {"kind": "move_within", "date": MOVE_DATE.isoformat(),
                 "previous_address": "北海道あおば市東雲3-4",
                 "previous_building": "", "new_postal_code": "0999914",
                 "new_address": "北海道あおば市南が丘2丁目5-6", "new_building": "南が丘コーポ2F"},
        "members": [
            {"name": "試験　健", "kana": "シケン　ケン", "birth_date": "1984-05-20", "sex": "male",
             "relationship": "世帯主", "source": "preentry"},
            {"name": "試験　空", "kana": "シケン　ソラ", "birth_date": "2015-06-03",
             "sex": "female", "relationship": "子", "source": "preentry"}],
        "filer": {"member": 0, "phone": "0123-45-6789"},
        "answers": {"household.has_dog": False, "household.school_district_changes": True,
                    "member.0.card_held": True, "member.0.foreign_resident": False,
                    "member.0.disability_certificate": False, "member.1.card_held": False,
                    "member.1.foreign_resident": False, "member.1.health_insurance": "employee",
                    "member.1.disability_certificate": False},
    },
    "move_out": {
        "move": {"kind": "move_out", "date": MOVE_DATE.isoformat(),
                 "previous_address": "北海道あおば市桜町7-8",
                 "previous_building": "", "new_postal_code": "",
                 "new_address": "沖縄県那覇市泉崎1丁目2番2号", "new_building": ""},
        "members": [
            {"name": "NGUYEN　VAN AN", "kana": "グエン　ヴァン　アン", "birth_date": "1955-03-03",
             "sex": "male", "relationship": "世帯主", "source": "preentry"}],
        "filer": {"member": 0, "phone": "09012345678"},
        "answers": {"household.has_moped": True, "member.0.health_insurance": "nhi",
                    "member.0.care_certified": True, "member.0.seal_registered": False},
    },
}


def _fill_address(page, side, move):
    address, building = move[f"{side}_address"], move[f"{side}_building"]
    html_side = "prev" if side == "previous" else "next"
    if address.startswith("北海道あおば市"):  # in the city: its postal code, then the block
        rest = address[len("北海道あおば市"):]
        town = next(t for t in city_postal_codes().towns if rest.startswith(t.town_ja))
        page.type(f"#{html_side}-postal", town.postal_code)
        page.wait_for(f"document.getElementById('{html_side}-town').textContent")
        page.type(f"#{html_side}-block", rest[len(town.town_ja):])
    else:
        prefecture = re.match("^(.+?[都道府県])", address).group(1)
        page.choose(f"#{html_side}-pref", prefecture)
        page.type(f"#{html_side}-address", address[len(prefecture):])
    page.type(f"#{html_side}-building", building)


@pytest.mark.parametrize("kind", sorted(OTHER_MOVES))
def test_moves_within_and_out_of_the_city_scan_back_to_their_case_files(
        chromium, page_url, artifacts, kind):
    expected = OTHER_MOVES[kind]
    page = open_page(chromium, page_url, "ja")
    page.click(f"#kind-{kind}")
    type_date(page, "move-date", era_parts(expected["move"]["date"]))
    press_next(page, "address")
    _fill_address(page, "previous", expected["move"])
    _fill_address(page, "new", expected["move"])
    press_next(page, "members")
    for i, member in enumerate(expected["members"]):
        if i:
            page.click("#add-member")
        surname, given = member["name"].split("\u3000")
        surname_kana, given_kana = member["kana"].split("\u3000", 1)
        page.type(f"#m{i}-surname", surname)
        page.type(f"#m{i}-given", given)
        page.type(f"#m{i}-surname-kana", surname_kana)
        page.type(f"#m{i}-given-kana", given_kana.replace("\u3000", " "))  # a space typed
        type_date(page, f"m{i}-birth", era_parts(member["birth_date"]))
        page.click(f"#m{i}-sex-{member['sex']}")
        page.choose(f"#m{i}-rel", member["relationship"])
    press_next(page, "questions")
    shown = page.evaluate("[...document.querySelectorAll('fieldset.choices')].map((f) => f.id)")
    answered = set()
    for group in shown:
        if group.startswith("q-"):
            key = group[2:].replace("household_", "household.")
        else:
            index, fact = re.match(r"q(\d+)-(.+)", group).groups()
            key = f"member.{index}.{fact}"
        value = expected["answers"].get(key, "unknown")
        answered.add(key)
        page.click(f"#{group}-{str(value).lower() if isinstance(value, bool) else value}")
    assert set(expected["answers"]) <= answered
    press_next(page, "contact")
    page.type("#phone", expected["filer"]["phone"])
    press_next(page, "summary")
    page.wait_for("document.getElementById('qr').dataset.version")
    shot = page.screenshot(artifacts / f"ja-summary-{kind}.png")
    payloads = zbar(shot)
    assert len(payloads) == 1
    decoded = counter_app("preentry", "decode", payloads[0])
    assert decoded.returncode == 0, decoded.stderr
    assert json.loads(decoded.stdout) == expected


# --- bad input -------------------------------------------------------------------------------


def _error(page, field):
    return page.evaluate(f"(() => {{ const e = document.getElementById('{field}-error');"
                         " return e.hidden ? '' : e.textContent; })()")


def test_bad_input_is_refused_as_it_is_typed(chromium, page_url, artifacts):
    page = open_page(chromium, page_url, "ja")
    page.click("#kind-move_in")
    type_date(page, "move-date", ("令和", "7", "2", "30"))
    assert _error(page, "move-date") == "暦にない日付です"
    type_date(page, "move-date", ("平成", "32", "1", "1"))
    assert _error(page, "move-date") == "平成は平成31年4月30日までです"
    type_date(page, "move-date", ("", "2019", "13", "1"), western=True)
    assert _error(page, "move-date") == "暦にない日付です"
    type_date(page, "move-date", ("", "2001", "1", "1"), western=True)
    assert _error(page, "move-date") == "異動日は今日の前後1年以内の日付を入力してください"
    page.click("#next")  # refused: the summary of problems takes the focus
    assert step_of(page) == "move"
    assert page.evaluate("document.activeElement.id") == "errors"
    type_date(page, "move-date", era_parts(MOVE_DATE.isoformat()))
    assert _error(page, "move-date") == ""
    press_next(page, "address")

    page.type("#next-postal", "12a")
    assert _error(page, "next-postal") == "郵便番号は7けたの数字で入力してください"
    page.type("#next-postal", "1000013")  # a real code, but not this city's
    assert _error(page, "next-postal") == "あおば市の郵便番号ではありません。番号を確かめてください"
    page.type("#next-postal", "0999901")
    assert _error(page, "next-postal") == ""
    page.type("#next-building", "マイナンバー123456789012")
    assert _error(page, "next-building").startswith("12けた以上の番号は入力できません")
    page.click("#next")
    assert step_of(page) == "address"
    errors = page.evaluate("[...document.querySelectorAll('#errors li')].map(e => e.textContent)")
    assert len(errors) == 4  # prefecture, previous address, block number, building
    page.screenshot(artifacts / "refused-address.png")
    page.choose("#prev-pref", "東京都")
    page.type("#prev-address", "千代田区霞が関1-1")
    page.type("#next-block", "1")
    page.type("#next-building", "")
    press_next(page, "members")

    page.type("#m0-surname", "見本")
    page.type("#m0-surname-kana", "Mihon")
    assert _error(page, "m0-surname-kana") == "フリガナはカタカナで入力してください"
    page.type("#m0-surname-kana", "みほん")
    assert page.evaluate("document.getElementById('m0-surname-kana').value") == "ミホン"
    assert _error(page, "m0-surname-kana") == ""
    type_date(page, "m0-birth", ("昭和", "64", "1", "8"))
    assert _error(page, "m0-birth") == "昭和は昭和64年1月7日までです"
    type_date(page, "m0-birth", ("", "1850", "1", "1"), western=True)
    assert _error(page, "m0-birth") == "明治は明治元年1月25日からです"
    future = dt.date.today() + dt.timedelta(days=3)
    type_date(page, "m0-birth", ("", *future.isoformat().split("-")), western=True)
    assert _error(page, "m0-birth") == "生年月日が今日より後になっています"
    page.click("#add-member")
    page.choose("#m1-rel", "世帯主")
    assert _error(page, "m1-rel") == "世帯主は1人だけ選んでください"
    invalid = page.evaluate("document.getElementById('m0-surname-kana')"
                            ".getAttribute('aria-invalid')")
    assert invalid is None
    assert page.evaluate("document.getElementById('m0-birth-year')"
                         ".getAttribute('aria-invalid')") == "true"
    page.screenshot(artifacts / "refused-members.png")
    page.click("#next")
    assert step_of(page) == "members"
