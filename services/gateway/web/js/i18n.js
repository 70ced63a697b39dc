// English and Swahili. Every key in i18n/*.json has both; t() never shows a raw key to a user.

const LANGUAGE = "njia.language";
export const LANGUAGES = { en: "English", sw: "Kiswahili" };
const LOCALES = { en: "en-GB", sw: "sw-KE" };

let strings = {};
let current = "en";

export async function loadStrings() {
  const response = await fetch("/app/strings.json");
  strings = await response.json();
}

export function chooseLanguage(preferred) {
  const stored = localStorage.getItem(LANGUAGE);
  const browser = (navigator.language || "").toLowerCase().startsWith("sw") ? "sw" : "en";
  setLanguage(stored || preferred || browser, false);
}

export function setLanguage(language, remember = true) {
  current = LANGUAGES[language] ? language : "en";
  if (remember) localStorage.setItem(LANGUAGE, current);
  document.documentElement.lang = current;
}

export const language = () => current;
export const locale = () => LOCALES[current];

export function t(key, vars = {}) {
  const texts = strings[key];
  let text = texts ? texts[current] : key;
  if (!texts) console.warn(`no text for ${key}`);
  for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

export function has(key) { return Boolean(strings[key]); }

// Times are shown in the viewer's own zone (their profile's), named beside them.
export function formatTime(iso, timeZone, options = { hour: "2-digit", minute: "2-digit" }) {
  return new Intl.DateTimeFormat(locale(), { timeZone, ...options }).format(new Date(iso));
}

export function formatDay(iso, timeZone) {
  return new Intl.DateTimeFormat(locale(), { timeZone, weekday: "long", day: "numeric", month: "long" }).format(new Date(iso));
}

export function formatDateTime(iso, timeZone) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

// "2026-12-01" of an instant, in a zone: the key slots and agendas are grouped by.
export function localDate(iso, timeZone) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(iso));
  const get = (type) => parts.find((part) => part.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(locale(), options).format(value);
}

// Local days in a zone: the bounds an agenda, a week or a report asks the API for.
const DAY_MS = 24 * 60 * 60 * 1000;

// How far a zone's wall clock is ahead of UTC at an instant, in milliseconds.
function zoneOffset(instant, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type) => Number(parts.find((part) => part.type === type).value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second")) - instant;
}

// The instant a local date ("2026-12-01") begins in a zone, as RFC 3339 UTC.
export function startOfDay(date, timeZone) {
  const [year, month, day] = date.split("-").map(Number);
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - zoneOffset(wall, timeZone);
  // Summer time may change the offset that night; midnight may not even exist (then 01:00 begins the day).
  const inside = [first, wall - zoneOffset(first, timeZone)]
    .filter((instant) => localDate(new Date(instant).toISOString(), timeZone) === date);
  return new Date(inside.length ? Math.min(...inside) : first).toISOString();
}

export function addDays(date, days) {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

// The instant a zone's wall clock shows `time` ("14:30") on `date` ("2026-12-01"), as RFC 3339 UTC.
export function atLocalTime(date, time, timeZone) {
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - zoneOffset(wall, timeZone);
  return new Date(wall - zoneOffset(first, timeZone)).toISOString();
}

// A session type's name in the reader's language (the other one when that is empty).
export function named(texts) {
  if (!texts) return "";
  if (typeof texts === "string") return texts;
  return texts[current] || texts.en || texts.sw || "";
}
