// Dates as ISO strings (YYYY-MM-DD); Japanese eras from the exported era table; ages and the
// school grade exactly as counter_app/domain/facts.py computes them.

export const WESTERN = 'western';

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

export function iso(year, month, day) {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function parts(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return { year, month, day };
}

export function exists(year, month, day) {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function addDays(isoDate, days) {
  const { year, month, day } = parts(isoDate);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  date.setUTCDate(date.getUTCDate() + days);
  return iso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function today() {
  const now = new Date();
  return iso(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

/** Whole years from born to on; the birthday itself counts (born 29 Feb: from 1 Mar). */
export function completedYears(born, on) {
  const b = parts(born);
  const o = parts(on);
  let years = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) years -= 1;
  return years;
}

export function age(born, on) {
  return completedYears(born, on);
}

/** Japanese law: one reaches age N on the day before the Nth birthday. */
export function legalAge(born, on) {
  return completedYears(born, addDays(on, 1));
}

/** 1–6 小学校, 7–9 中学校, 10–12 高校生年代, ≤0 preschool (born 2 April to 1 April share one). */
export function schoolGrade(born, on) {
  const b = parts(born);
  const o = parts(on);
  const cohort = b.month > 4 || (b.month === 4 && b.day >= 2) ? b.year : b.year - 1;
  const schoolYear = o.month >= 4 ? o.year : o.year - 1;
  return schoolYear - cohort - 6;
}

/**
 * The ISO date of a typed date: {era, year, month, day} with era an era name or WESTERN and
 * year as typed ("元" is 1). Returns {date} or {error: [message key, parameters]}.
 */
export function fromTyped(eras, typed) {
  const text = (value) => String(value ?? '').normalize('NFKC').trim();
  const yearText = text(typed.year);
  const year = yearText === '元' ? 1 : Number(yearText);
  const month = Number(text(typed.month));
  const day = Number(text(typed.day));
  if (!typed.era || !yearText || !text(typed.month) || !text(typed.day)) {
    return { error: ['date.incomplete', {}] };
  }
  if (![year, month, day].every((n) => Number.isInteger(n) && n > 0)) {
    return { error: ['date.notNumber', {}] };
  }
  if (typed.era === WESTERN) {
    if (year < 1000) return { error: ['date.fourDigits', {}] };
    return exists(year, month, day) ? { date: iso(year, month, day) } : { error: ['date.noSuchDay', {}] };
  }
  const era = eras.find((e) => e.name === typed.era);
  if (!era) return { error: ['date.incomplete', {}] };
  const westernYear = parts(era.first_day).year + year - 1;
  if (!exists(westernYear, month, day)) return { error: ['date.noSuchDay', {}] };
  const date = iso(westernYear, month, day);
  if (date < era.first_day) {
    return { error: ['date.beforeEra', { era: era.name, first: toEraText(eras, era.first_day) }] };
  }
  if (era.last_day && date > era.last_day) {
    return { error: ['date.afterEra', { era: era.name, last: eraText(era, era.last_day) }] };
  }
  return { date };
}

function eraText(era, isoDate) {
  const { year, month, day } = parts(isoDate);
  const eraYear = year - parts(era.first_day).year + 1;
  return `${era.name}${eraYear === 1 ? '元' : eraYear}年${month}月${day}日`;
}

/** 令和8年4月1日: the era a date is written in (on a shared first day, the new era). */
export function toEraText(eras, isoDate) {
  const era = eras.find((e) => e.first_day <= isoDate);
  return era ? eraText(era, isoDate) : isoDate;
}
