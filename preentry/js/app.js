// The pre-entry page: a resident enters the move step by step; the last step shows a QR code
// that the counter scans. Nothing leaves the browser: no requests after loading, no cookies;
// the draft stays in this tab's sessionStorage only.

import * as dates from './dates.js';
import { cleanText, hasLongNumber, isKatakana, toKatakana } from './kana.js';
import { answerPairs, payloadOf, qrSegments } from './payload.js';
import { encodeQr, qrSvg } from './qr.js';

const DRAFT_KEY = 'madoguchi-preentry-draft';
const LANGUAGES = ['ja', 'easy', 'en'];
const STEPS = ['move', 'address', 'members', 'questions', 'contact', 'summary'];
const UNKNOWN = 'unknown';
const ABROAD = 'abroad';
const DASHES = /[ー−‐‑–—―－]/g;

let city;
let texts;
let state;
const checks = new Map(); // field id → () => null | {key, params, format}
const touched = new Set(); // fields the resident has left once: their errors show

// --- small helpers ---------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else if (name === 'value') element.value = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

function t(key, params = {}) {
  const text = texts[state.lang][key] ?? texts.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
}

function safeId(text) {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

function blankDate() {
  return { era: '', year: '', month: '', day: '' };
}

function blankAddress() {
  return { pref: '', address: '', postal: '', block: '', building: '' };
}

function blankMember(first) {
  return {
    surname: '', given: '', surnameKana: '', givenKana: '', birth: blankDate(), sex: '',
    relationship: first ? '世帯主' : '', answers: {},
  };
}

function blankState(lang) {
  return {
    format: 1, lang, step: 0, kind: '', moveDate: { ...blankDate(), era: city.eras[0].name },
    prev: blankAddress(), next: blankAddress(), members: [blankMember(true)], answers: {},
    filer: 0, phone: '',
  };
}

function save() {
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify(state));
}

function restore() {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY));
    if (draft && draft.format === 1 && Array.isArray(draft.members) && draft.members.length) {
      return draft;
    }
  } catch {
    // a damaged draft is dropped
  }
  return null;
}

function browserLanguage() {
  return (navigator.language || '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

// --- what the entries mean -------------------------------------------------------------------

function typedDate(typed) {
  return dates.fromTyped(city.eras, typed);
}

function moveDate() {
  return typedDate(state.moveDate).date;
}

function inCity(side) {
  return state.kind === 'move_within' || (state.kind === 'move_in') === (side === 'next');
}

function postalCode(text) {
  return text.normalize('NFKC').replace(DASHES, '-').replace(/[\s-]/g, '');
}

function townOf(code) {
  return city.towns.find((town) => town.postal_code === code);
}

function blockText(text) {
  // A dash typed with a Japanese IME is often ー or －: 1ー2ー3 is 1-2-3.
  return cleanText(text.normalize('NFKC')).replace(/(\d)\s*[ー−‐‑–—―－-]\s*(?=\d)/g, '$1-');
}

function addressOf(side) {
  const entry = state[side];
  if (inCity(side)) {
    const town = townOf(postalCode(entry.postal));
    return {
      postal: town ? town.postal_code : '',
      address: town
        ? `${city.city.prefecture_ja}${city.city.name_ja}${town.town_ja}${blockText(entry.block)}`
        : '',
      building: cleanText(entry.building),
    };
  }
  const rest = cleanText(entry.address);
  return {
    postal: '', address: entry.pref === ABROAD ? rest : `${entry.pref}${rest}`,
    building: cleanText(entry.building),
  };
}

function fullName(member) {
  const given = cleanText(member.given);
  return given ? `${cleanText(member.surname)}\u3000${given}` : cleanText(member.surname);
}

function fullKana(member) {
  const given = toKatakana(cleanText(member.givenKana));
  const surname = toKatakana(cleanText(member.surnameKana));
  return given ? `${surname}\u3000${given}` : surname;
}

function memberFacts(member) {
  const born = typedDate(member.birth).date;
  const on = moveDate();
  if (!born || !on) return null;
  return {
    age: dates.age(born, on), legal_age: dates.legalAge(born, on),
    school_grade: dates.schoolGrade(born, on), sex: member.sex, relationship: member.relationship,
  };
}

function matches(facts, alternative) {
  return Object.entries(alternative).every(([fact, range]) => {
    const value = facts[fact];
    if (Array.isArray(range)) {
      return (range[0] === null || value >= range[0]) && (range[1] === null || value <= range[1]);
    }
    if (range.in && !range.in.includes(value)) return false;
    return !(range.not_in && range.not_in.includes(value));
  });
}

/** The questions that apply: [{question, member (index or null)}], household ones first. */
function applicableQuestions() {
  const move = city.moves[state.kind];
  if (!move) return [];
  const facts = state.members.map(memberFacts);
  const asked = [];
  for (const question of move.questions) {
    if (question.scope !== 'household') continue;
    const alternatives = question.members;
    if (alternatives === null
        || facts.some((f) => f && alternatives.some((alternative) => matches(f, alternative)))) {
      asked.push({ question, member: null });
    }
  }
  state.members.forEach((member, index) => {
    for (const question of move.questions) {
      if (question.scope !== 'member' || !facts[index]) continue;
      if (question.members.some((alternative) => matches(facts[index], alternative))) {
        asked.push({ question, member: index });
      }
    }
  });
  return asked;
}

function answerOf(item) {
  const store = item.member === null ? state.answers : state.members[item.member].answers;
  return store[item.question.fact];
}

function compactCase() {
  const fmt = city.payload;
  const household = {};
  const perMember = state.members.map(() => ({}));
  for (const item of applicableQuestions()) {
    const value = answerOf(item);
    if (value === undefined || value === UNKNOWN) continue;
    if (item.member === null) household[item.question.fact] = value;
    else perMember[item.member][item.question.fact] = value;
  }
  const previous = addressOf('prev');
  const next = addressOf('next');
  return [
    fmt.kinds.indexOf(state.kind) + 1, moveDate().replaceAll('-', ''),
    previous.address, previous.building, next.postal, next.address, next.building,
    Number(state.filer), phoneText(state.phone),
    state.members.map((member, index) => [
      fullName(member), fullKana(member), typedDate(member.birth).date.replaceAll('-', ''),
      fmt.sexes.indexOf(member.sex) + 1, member.relationship, answerPairs(perMember[index], fmt),
    ]),
    answerPairs(household, fmt),
  ];
}

function phoneText(text) {
  return text.normalize('NFKC').replace(DASHES, '-').replace(/[\s()]/g, '');
}

// --- checks ----------------------------------------------------------------------------------

function textCheck(value, { required = false, limit = 60 } = {}) {
  const text = cleanText(value);
  if (hasLongNumber(text)) return { key: 'error.longNumber', format: true };
  if (text.length > limit) return { key: 'error.tooLong', params: { limit }, format: true };
  if (required && !text) return { key: 'error.required' };
  return null;
}

function dateCheck(typed, { past, around }) {
  const parts = [typed.year, typed.month, typed.day].map((p) => String(p ?? '').trim());
  if (parts.some((p) => !p) || !typed.era) {
    // Incomplete while typing is fine; a number that cannot be a date part is not.
    if (parts.some((p) => p && !/^(\d+|元)$/.test(p.normalize('NFKC')))) {
      return { key: 'date.notNumber', format: true };
    }
    return { key: 'date.incomplete' };
  }
  const result = typedDate(typed);
  if (result.error) return { key: result.error[0], params: result.error[1], format: true };
  const oldest = city.eras[city.eras.length - 1];
  if (result.date < oldest.first_day) {
    const first = dates.toEraText(city.eras, oldest.first_day);
    return { key: 'date.beforeEra', params: { era: oldest.name, first }, format: true };
  }
  const now = dates.today();
  if (past && result.date > now) return { key: 'birth.future', format: true };
  if (around && (result.date < dates.addDays(now, -around) || result.date > dates.addDays(now, around))) {
    return { key: 'move.dateRange', format: true };
  }
  return null;
}

function register(id, check) {
  checks.set(id, check);
}

function showError(id, error) {
  const box = document.getElementById(`${id}-error`);
  const control = document.getElementById(id);
  if (!box || !control) return;
  const text = error ? t(error.key, error.params || {}) : '';
  const changed = box.textContent !== text;
  box.textContent = text;
  box.hidden = !error;
  const targets = control.matches('fieldset') ? control.querySelectorAll('input, select') : [control];
  for (const target of targets) {
    if (error) target.setAttribute('aria-invalid', 'true');
    else target.removeAttribute('aria-invalid');
  }
  if (error && changed) announce(text);
}

function announce(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  requestAnimationFrame(() => { status.textContent = text; });
}

/** As the resident types: format errors at once, missing entries once the field was left. */
function recheck(id, leaving = false) {
  if (leaving) touched.add(id);
  const check = checks.get(id);
  if (!check) return;
  const error = check();
  showError(id, error && (error.format || touched.has(id)) ? error : null);
}

function errorsOfStep() {
  const errors = [];
  for (const [id, check] of checks) {
    const error = check();
    touched.add(id);
    showError(id, error);
    if (error) errors.push({ id, text: `${fieldName(id)}：${t(error.key, error.params || {})}` });
  }
  return errors;
}

/** What the resident reads as the field's name: its label, or its group's legend. */
function fieldName(id) {
  const control = document.getElementById(id);
  const named = control.matches('fieldset') ? control.querySelector('legend') : control.labels[0];
  const owner = control.closest('fieldset.member, section.group');
  const heading = owner ? owner.querySelector('legend, h3').textContent : '';
  const name = named.firstChild.textContent.trim();
  return heading && heading !== name ? `${heading} ${name}` : name;
}

// --- building blocks of the form -------------------------------------------------------------

function describedBy(id, hint) {
  return [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
}

function errorBox(id) {
  return h('p', { class: 'error', id: `${id}-error`, hidden: true });
}

function hintBox(id, hint) {
  return hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
}

function textField(id, label, { value, onInput, hint, inputmode, autocomplete, required = true,
  transform, width } = {}) {
  const input = h('input', {
    id, type: 'text', value, inputmode, autocomplete: autocomplete || 'off',
    'aria-describedby': describedBy(id, hint), 'aria-required': required ? 'true' : null,
    class: width ? `width-${width}` : null,
  });
  const update = (event) => {
    if (transform && !event.isComposing) {
      const changed = transform(input.value);
      if (changed !== input.value) input.value = changed;
    }
    onInput(input.value);
    save();
    recheck(id);
  };
  input.addEventListener('input', update);
  input.addEventListener('compositionend', update);
  input.addEventListener('blur', () => recheck(id, true));
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? null : h('span', { class: 'optional', text: t('optional') })),
    hintBox(id, hint), input, errorBox(id));
}

function selectField(id, label, options, { value, onChange, hint } = {}) {
  const select = h('select', { id, 'aria-describedby': describedBy(id, hint), 'aria-required': 'true' },
    h('option', { value: '', text: t('choose') }),
    options.map(([optionValue, text]) => h('option', { value: optionValue, text })));
  select.value = value;
  select.addEventListener('change', () => {
    onChange(select.value);
    save();
    recheck(id, true);
  });
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), hintBox(id, hint), select,
    errorBox(id));
}

function radioGroup(id, legend, options, { value, onChange, hint }) {
  return h('fieldset', { id, class: 'choices', 'aria-describedby': describedBy(id, hint) },
    h('legend', { text: legend }), hintBox(id, hint),
    options.map(([optionValue, text, note]) => {
      const optionId = `${id}-${safeId(optionValue)}`;
      const input = h('input', {
        type: 'radio', id: optionId, name: id, value: optionValue,
        checked: value === optionValue, 'aria-describedby': `${id}-error`,
      });
      input.addEventListener('change', () => {
        onChange(optionValue);
        save();
        recheck(id, true);
      });
      return h('div', { class: 'choice' }, input,
        h('label', { for: optionId }, text, note ? h('span', { class: 'note', text: note }) : null));
    }),
    errorBox(id));
}

function dateGroup(id, legend, typed, { hint, past = false, around = 0 }) {
  const eraOptions = [...city.eras.map((era) => [era.name, t(`era.${era.letter}`)]),
    [dates.WESTERN, t('era.western')]];
  const echo = h('p', { class: 'echo', id: `${id}-echo`, 'aria-live': 'polite' });
  const showEcho = () => {
    const result = typedDate(typed);
    echo.textContent = result.date
      ? t('date.echo', { era: dates.toEraText(city.eras, result.date), iso: result.date }) : '';
  };
  const changed = () => {
    save();
    showEcho();
    recheck(id);
  };
  const part = (name, label, width) => {
    const input = h('input', {
      id: `${id}-${name}`, type: 'text', inputmode: 'numeric', value: typed[name],
      autocomplete: 'off', class: `width-${width}`, 'aria-describedby': `${id}-error`,
    });
    input.addEventListener('input', () => {
      typed[name] = input.value.normalize('NFKC').trim();
      changed();
    });
    input.addEventListener('blur', () => recheck(id, true));
    return h('div', { class: 'date-part' }, input, h('label', { for: `${id}-${name}`, text: label }));
  };
  const era = h('select', { id: `${id}-era`, 'aria-label': t('date.era'), 'aria-describedby': `${id}-error` },
    h('option', { value: '', text: t('choose') }),
    eraOptions.map(([value, text]) => h('option', { value, text })));
  era.value = typed.era;
  era.addEventListener('change', () => {
    typed.era = era.value;
    changed();
  });
  register(id, () => dateCheck(typed, { past, around }));
  showEcho();
  return h('fieldset', { id, class: 'date', 'aria-describedby': describedBy(id, hint) },
    h('legend', { text: legend }), hintBox(id, hint),
    h('div', { class: 'date-row' }, h('div', { class: 'date-part' }, era),
      part('year', t('date.year'), 4), part('month', t('date.month'), 2), part('day', t('date.day'), 2)),
    echo, errorBox(id));
}

// --- the steps -------------------------------------------------------------------------------

function moveStep() {
  register('kind', () => (state.kind ? null : { key: 'error.choose' }));
  return [
    radioGroup('kind', t('move.kind'), city.payload.kinds.map((kind) => [
      kind, t(`kind.${kind}`, { city: cityName() }), t(`kind.${kind}.note`, { city: cityName() })]),
    { value: state.kind, onChange: (kind) => { state.kind = kind; } }),
    dateGroup('move-date', t('move.date'), state.moveDate, { hint: t('move.dateHint'), around: 365 }),
  ];
}

function cityName() {
  return state.lang === 'en' ? city.city.name_en : city.city.name_ja;
}

function addressSection(side) {
  const entry = state[side];
  const title = t(`address.${state.kind}.${side}`, { city: cityName() });
  const id = (name) => `${side}-${name}`;
  const fields = [];
  if (inCity(side)) {
    const town = h('p', { class: 'town', id: id('town'), 'aria-live': 'polite' });
    const showTown = () => {
      const found = townOf(postalCode(entry.postal));
      town.textContent = found ? t('address.town', {
        town: `${city.city.prefecture_ja}${city.city.name_ja}${found.town_ja}`,
        reading: state.lang === 'en' ? found.town_en : found.town_kana,
      }) : '';
    };
    register(id('postal'), () => {
      const code = postalCode(entry.postal);
      if (!code) return { key: 'error.required' };
      if (!/^\d*$/.test(code) || code.length > 7) return { key: 'postal.format', format: true };
      if (code.length < 7) return { key: 'postal.format' };
      return townOf(code) ? null : { key: 'postal.notCity', params: { city: cityName() }, format: true };
    });
    register(id('block'), () => textCheck(entry.block, { required: true, limit: 40 }));
    fields.push(
      textField(id('postal'), t('address.postal'), {
        value: entry.postal, hint: t('address.postalHint'), inputmode: 'numeric', width: 8,
        onInput: (value) => { entry.postal = value; showTown(); },
      }),
      town,
      textField(id('block'), t('address.block'), {
        value: entry.block, hint: t('address.blockHint'), onInput: (value) => { entry.block = value; },
      }),
    );
    showTown();
  } else {
    register(id('pref'), () => (entry.pref ? null : { key: 'error.choose' }));
    register(id('address'), () => textCheck(entry.address, { required: true, limit: 100 }));
    const prefectures = city.prefectures.map((name) => [name, state.lang === 'en'
      ? `${t(`pref.${name}`)} (${name})` : name]);
    fields.push(
      selectField(id('pref'), t('address.pref'), [...prefectures, [ABROAD, t('address.abroad')]], {
        value: entry.pref, onChange: (value) => { entry.pref = value; },
      }),
      textField(id('address'), t('address.rest'), {
        value: entry.address, hint: t('address.restHint'),
        onInput: (value) => { entry.address = value; },
      }),
    );
  }
  register(id('building'), () => textCheck(entry.building, { limit: 60 }));
  fields.push(textField(id('building'), t('address.building'), {
    value: entry.building, required: false, hint: t('address.buildingHint'),
    onInput: (value) => { entry.building = value; },
  }));
  return h('section', { class: 'group', 'aria-labelledby': `${side}-title` },
    h('h3', { id: `${side}-title`, text: title }), fields);
}

function addressStep() {
  return [addressSection('prev'), addressSection('next')];
}

function memberSection(member, index) {
  const id = (name) => `m${index}-${name}`;
  const label = t('member.legend', { n: index + 1 });
  register(id('surname'), () => textCheck(member.surname, { required: true, limit: 30 }));
  register(id('given'), () => textCheck(member.given, { limit: 30 }));
  const kanaCheck = (value, required) => {
    const text = cleanText(value);
    if (text && !isKatakana(toKatakana(text))) return { key: 'kana.only', format: true };
    if (text.length > 30) return { key: 'error.tooLong', params: { limit: 30 }, format: true };
    return required && !text ? { key: 'error.required' } : null;
  };
  register(id('surname-kana'), () => kanaCheck(member.surnameKana, true));
  register(id('given-kana'), () => kanaCheck(member.givenKana, Boolean(cleanText(member.given))));
  register(id('sex'), () => (member.sex ? null : { key: 'error.choose' }));
  register(id('rel'), () => {
    if (!member.relationship) return { key: 'error.choose' };
    const heads = state.members.filter((m) => m.relationship === '世帯主').length;
    return member.relationship === '世帯主' && heads > 1 ? { key: 'rel.oneHead', format: true } : null;
  });
  const born = dateGroup(id('birth'), t('member.birth'), member.birth, { past: true });
  const birthCheck = checks.get(id('birth'));
  register(id('birth'), () => {
    const error = birthCheck();
    if (error) return error;
    const moved = moveDate();
    const date = typedDate(member.birth).date;
    return moved && date > moved ? { key: 'birth.afterMove', format: true } : null;
  });
  const first = index === 0;
  const kanaField = (name, key, required) => textField(id(name), t(key), {
    value: member[name === 'surname-kana' ? 'surnameKana' : 'givenKana'], required,
    hint: name === 'surname-kana' ? t('member.kanaHint') : null,
    transform: (value) => toKatakana(value),
    onInput: (value) => { member[name === 'surname-kana' ? 'surnameKana' : 'givenKana'] = value; },
  });
  return h('fieldset', { class: 'member', id: id('box') },
    h('legend', { id: id('legend'), text: label }),
    h('div', { class: 'name-row' },
      textField(id('surname'), t('member.surname'), {
        value: member.surname, autocomplete: first ? 'family-name' : 'off',
        onInput: (value) => { member.surname = value; },
      }),
      textField(id('given'), t('member.given'), {
        value: member.given, autocomplete: first ? 'given-name' : 'off', required: false,
        onInput: (value) => { member.given = value; },
      })),
    h('div', { class: 'name-row' }, kanaField('surname-kana', 'member.surnameKana', true),
      kanaField('given-kana', 'member.givenKana', false)),
    born,
    radioGroup(id('sex'), t('member.sex'), city.payload.sexes.map((sex) => [sex, t(`sex.${sex}`)]),
      { value: member.sex, onChange: (sex) => { member.sex = sex; } }),
    selectField(id('rel'), t('member.relationship'),
      city.relationships.map((name) => [name, relationshipLabel(name)]), {
        value: member.relationship, hint: t('member.relationshipHint'),
        onChange: (value) => { member.relationship = value; },
      }),
    state.members.length > 1 ? h('button', {
      type: 'button', class: 'secondary', id: id('remove'),
      text: t('member.remove', { n: index + 1 }), onclick: () => removeMember(index),
    }) : null);
}

function relationshipLabel(name) {
  const label = (texts[state.lang].relationships || {})[name];
  return label && label !== name ? `${label}（${name}）` : name;
}

function membersStep() {
  const full = state.members.length >= city.payload.max_members;
  return [
    h('p', { text: t('member.intro') }),
    state.members.map(memberSection),
    h('button', {
      type: 'button', class: 'secondary', id: 'add-member', disabled: full,
      text: t('member.add'), onclick: addMember,
    }),
    full ? h('p', { class: 'hint', text: t('member.max', { n: city.payload.max_members }) }) : null,
  ];
}

function addMember() {
  state.members.push(blankMember(false));
  save();
  render();
  document.getElementById(`m${state.members.length - 1}-surname`).focus();
}

function removeMember(index) {
  state.members.splice(index, 1);
  state.filer = Math.min(Number(state.filer), state.members.length - 1);
  save();
  render();
  document.getElementById('add-member').focus();
  announce(t('member.removed', { n: index + 1 }));
}

function questionText(item) {
  const { question } = item;
  const translated = (texts[state.lang].questions || {})[question.fact];
  const name = item.member === null ? '' : fullName(state.members[item.member]);
  const text = translated || question.text_ja;
  return {
    text: text.replaceAll('{name}', name).replaceAll('{city}', cityName()),
    lang: translated || state.lang === 'ja' ? null : 'ja',
  };
}

function choiceLabel(question, value) {
  const labels = ((texts[state.lang].choices || {})[question.fact]) || {};
  if (labels[value]) return labels[value];
  const choice = (question.choices || []).find((c) => c.value === value);
  return choice ? choice.label_ja : value;
}

function questionGroup(item) {
  const { question } = item;
  const id = item.member === null ? `q-${safeId(question.fact)}` : `q${item.member}-${safeId(question.fact)}`;
  const store = item.member === null ? state.answers : state.members[item.member].answers;
  const options = question.type === 'bool'
    ? [['true', t('answer.yes')], ['false', t('answer.no')]]
    : question.choices.map((c) => [c.value, choiceLabel(question, c.value)]);
  options.push([UNKNOWN, t('answer.unknown')]);
  const current = store[question.fact];
  register(id, () => (store[question.fact] === undefined ? { key: 'error.answer' } : null));
  const { text, lang } = questionText(item);
  const group = radioGroup(id, text, options, {
    value: current === undefined ? '' : String(current),
    onChange: (value) => {
      store[question.fact] = question.type === 'bool' && value !== UNKNOWN ? value === 'true' : value;
    },
    hint: question.sensitive ? t('question.sensitive') : null,
  });
  if (lang) group.querySelector('legend').setAttribute('lang', lang);
  return group;
}

function questionsStep() {
  const items = applicableQuestions();
  if (!items.length) return [h('p', { text: t('questions.none') })];
  const household = items.filter((item) => item.member === null);
  const sections = [];
  if (household.length) {
    sections.push(h('section', { class: 'group', 'aria-labelledby': 'qh-title' },
      h('h3', { id: 'qh-title', text: t('questions.household') }), household.map(questionGroup)));
  }
  state.members.forEach((member, index) => {
    const own = items.filter((item) => item.member === index);
    if (!own.length) return;
    sections.push(h('section', { class: 'group', 'aria-labelledby': `qm${index}-title` },
      h('h3', { id: `qm${index}-title`, text: t('questions.member', { name: fullName(member) }) }),
      own.map(questionGroup)));
  });
  return [h('p', { text: t('questions.intro') }), sections];
}

function contactStep() {
  register('phone', () => {
    const phone = phoneText(state.phone);
    if (!phone) return { key: 'error.required' };
    const digits = phone.replaceAll('-', '');
    const shape = /^0\d{1,4}-?\d{1,4}-?\d{3,4}$/.test(phone);
    if (!/^[\d-]*$/.test(phone) || digits.length > 11) return { key: 'phone.format', format: true };
    return shape && (digits.length === 10 || digits.length === 11) ? null : { key: 'phone.format' };
  });
  register('filer', () => (state.members[state.filer] ? null : { key: 'error.choose' }));
  return [
    selectField('filer', t('contact.filer'),
      state.members.map((member, index) => [String(index), fullName(member)]), {
        value: String(state.filer), hint: t('contact.filerHint'),
        onChange: (value) => { state.filer = Number(value); },
      }),
    textField('phone', t('contact.phone'), {
      value: state.phone, hint: t('contact.phoneHint'), inputmode: 'tel', autocomplete: 'tel',
      width: 14, onInput: (value) => { state.phone = value; },
    }),
  ];
}

function summaryRow(label, value) {
  return [h('dt', { text: label }), h('dd', { text: value || t('summary.none') })];
}

function summaryStep() {
  const moved = moveDate();
  const previous = addressOf('prev');
  const next = addressOf('next');
  const edit = (step) => h('button', {
    type: 'button', class: 'link', text: t('summary.edit'),
    'aria-label': `${t('summary.edit')}: ${t(`step.${STEPS[step]}`)}`, onclick: () => go(step),
  });
  const answered = applicableQuestions().map((item) => {
    const value = answerOf(item);
    const shown = value === UNKNOWN ? t('answer.unknown') : item.question.type === 'bool'
      ? t(value ? 'answer.yes' : 'answer.no') : choiceLabel(item.question, value);
    return summaryRow(questionText(item).text, shown);
  });
  const figure = h('figure', { class: 'qr', id: 'qr' }, h('p', { text: t('summary.making') }));
  makeCode(figure);
  return [
    h('div', { class: 'notice', role: 'note' }, h('p', { text: t('summary.show') })),
    figure,
    h('h3', { text: t('step.move') }), edit(0),
    h('dl', {}, summaryRow(t('move.kind'), t(`kind.${state.kind}`, { city: cityName() })),
      summaryRow(t('move.date'), moved ? dates.toEraText(city.eras, moved) : '')),
    h('h3', { text: t('step.address') }), edit(1),
    h('dl', {}, summaryRow(t(`address.${state.kind}.prev`, { city: cityName() }),
      [previous.address, previous.building].filter(Boolean).join(' ')),
    summaryRow(t(`address.${state.kind}.next`, { city: cityName() }),
      [next.postal ? `〒${next.postal.slice(0, 3)}-${next.postal.slice(3)}` : '', next.address,
        next.building].filter(Boolean).join(' '))),
    h('h3', { text: t('step.members') }), edit(2),
    h('dl', {}, state.members.map((member) => summaryRow(`${fullName(member)}（${fullKana(member)}）`,
      [dates.toEraText(city.eras, typedDate(member.birth).date), t(`sex.${member.sex}`),
        relationshipLabel(member.relationship)].join(' / ')))),
    h('h3', { text: t('step.questions') }), edit(3),
    answered.length ? h('dl', {}, answered) : h('p', { text: t('questions.none') }),
    h('h3', { text: t('step.contact') }), edit(4),
    h('dl', {}, summaryRow(t('contact.filer'), fullName(state.members[state.filer])),
      summaryRow(t('contact.phone'), phoneText(state.phone))),
    h('button', {
      type: 'button', class: 'secondary', id: 'clear', text: t('summary.clear'), onclick: clearAll,
    }),
  ];
}

async function makeCode(figure) {
  const label = t('summary.qrLabel');
  try {
    const payload = await payloadOf(compactCase(), city.payload);
    const code = encodeQr(qrSegments(payload, city.payload));
    figure.replaceChildren(qrSvg(code, label),
      h('figcaption', { text: t('summary.qrCaption', { n: payload.length, version: code.version }) }));
    figure.dataset.version = code.version;
    figure.dataset.length = payload.length;
  } catch (error) {
    figure.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('summary.qrFailed') }));
    console.error(error);
  }
}

function clearAll() {
  if (!window.confirm(t('summary.clearConfirm'))) return;
  sessionStorage.removeItem(DRAFT_KEY);
  state = blankState(state.lang);
  touched.clear();
  render();
}

// --- the page --------------------------------------------------------------------------------

const VIEWS = {
  move: moveStep, address: addressStep, members: membersStep, questions: questionsStep,
  contact: contactStep, summary: summaryStep,
};

function render() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'ja';
  document.title = t('title', { city: cityName() });
  document.getElementById('title').textContent = t('title', { city: cityName() });
  const privacy = document.getElementById('privacy');
  privacy.textContent = t('privacy');
  privacy.hidden = state.step !== 0 && state.step !== STEPS.length - 1;
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  }
  checks.clear();
  const step = STEPS[state.step];
  const last = state.step === STEPS.length - 1;
  const errors = h('div', { id: 'errors', class: 'errors', role: 'alert', tabindex: '-1', hidden: true });
  const form = h('form', { novalidate: true, id: `step-${step}` },
    h('p', { class: 'progress', text: t('progress', { n: state.step + 1, total: STEPS.length }) }),
    h('h2', { id: 'step-title', tabindex: '-1', text: t(`step.${step}`) }),
    errors,
    VIEWS[step](),
    h('div', { class: 'nav' },
      state.step > 0 ? h('button', {
        type: 'button', class: 'secondary', id: 'back', text: t('nav.back'),
        onclick: () => go(state.step - 1),
      }) : null,
      last ? null : h('button', { type: 'submit', id: 'next', text: t('nav.next') })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    next();
  });
  document.getElementById('main').replaceChildren(form);
  for (const id of touched) if (checks.has(id)) recheck(id);
}

function go(step) {
  state.step = step;
  save();
  render();
  window.scrollTo(0, 0);
  document.getElementById('step-title').focus();
}

function next() {
  const errors = errorsOfStep();
  if (!errors.length) {
    go(state.step + 1);
    return;
  }
  const box = document.getElementById('errors');
  box.replaceChildren(h('h3', { text: t('errors.title', { n: errors.length }) }),
    h('ul', {}, errors.map((error) => h('li', {}, h('a', {
      href: `#${error.id}`, text: error.text,
      onclick: (event) => {
        event.preventDefault();
        const target = document.getElementById(error.id);
        (target.matches('fieldset') ? target.querySelector('input, select') : target).focus();
      },
    })))));
  box.hidden = false;
  box.focus();
}

function switchLanguage(lang) {
  state.lang = lang;
  save();
  render();
}

async function start() {
  const load = (path) => fetch(path).then((response) => {
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  });
  try {
    const [data, ...languages] = await Promise.all([load('data/city.json'),
      ...LANGUAGES.map((lang) => load(`i18n/${lang}.json`))]);
    city = data;
    texts = Object.fromEntries(LANGUAGES.map((lang, i) => [lang, languages[i]]));
  } catch (error) {
    document.getElementById('load-failed').hidden = false;
    console.error(error);
    return;
  }
  state = restore() || blankState(browserLanguage());
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => switchLanguage(button.dataset.lang));
  }
  render();
  document.body.dataset.ready = 'true';
}

start();
