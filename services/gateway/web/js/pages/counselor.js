// The counselor's pages: today's agenda, the week, availability, a client's results and profile,
// and the notes and outcome tools the session page shows a counselor.

import { api, all, ApiError, session } from "../api.js";
import { addDays, formatDateTime, formatDay, formatTime, localDate, startOfDay, t } from "../i18n.js";
import { alertBox, button, card, confirmButton, empty, errorText, flash, form, h, page, status } from "../ui.js";
import { timeZoneOptions } from "./account.js";
import { resultSummary } from "./assessments.js";
import { profileView } from "./profile.js";
import { modalityTag } from "./types.js";
import { intakeCard } from "./intake.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// --- days ------------------------------------------------------------------------------------

// "Thursday 26 November" of a local date (noon UTC of that date, read in UTC: the same calendar day).
const dayName = (date) => formatDay(`${date}T12:00:00Z`, "UTC");

const zoneOf = (user) => user.timezone || "Africa/Nairobi";
const timesIn = (zone) => h("p", { class: "meta times-in" }, t("common.times_in", { zone: zone.replace(/_/g, " ") }));

async function sessionsBetween(user, fromDate, toDate) {
  const zone = zoneOf(user);
  const items = await all("/sessions", {
    counselor_id: user.id, from: startOfDay(fromDate, zone), to: startOfDay(toDate, zone),
  });
  return items.sort((a, b) => new Date(a.start) - new Date(b.start));
}

function timeRange(item, zone, withDate) {
  return `${withDate ? formatDateTime(item.start, zone) : formatTime(item.start, zone)}–${formatTime(item.end, zone)}`;
}

// One session in a list: its time and client as the link to the session page, topic, status.
function sessionItem(item, zone, withDate = false) {
  return h("li", { class: "agenda-item" },
    h("div", { class: "agenda-head" },
      h("a", { class: "title", href: `#/sessions/${item.id}` },
        h("span", { class: "agenda-time" }, timeRange(item, zone, withDate)), " · ", item.client_name || t("counselor.client")),
      status(item.status)),
    h("p", { class: "meta" }, item.topic ? t("counselor.topic", { topic: item.topic }) : t("counselor.no_topic")),
    item.modality && item.modality !== "video" ? h("p", { class: "meta" }, modalityTag(item.modality)) : null);
}

function sessionList(items, zone, emptyText, withDate = false) {
  return items.length ? h("ul", { class: "list" }, items.map((item) => sessionItem(item, zone, withDate))) : empty(emptyText);
}

// --- today ------------------------------------------------------------------------------------

async function agendaPage({ user }) {
  const zone = zoneOf(user);
  const today = localDate(new Date().toISOString(), zone);
  const [items, feed] = await Promise.all([
    sessionsBetween(user, today, addDays(today, 1)),
    api.get(`/counselors/${user.id}/calendar-feed`).catch((error) => error),
  ]);
  const live = items.filter((item) => item.status === "booked").length;
  return page(t("counselor.agenda_title"),
    h("p", { class: "agenda-date" }, dayName(today)),
    timesIn(zone),
    items.length ? h("p", {}, t("counselor.agenda_count", { n: live })) : null,
    sessionList(items, zone, t("counselor.agenda_empty")),
    h("p", {}, h("a", { href: "#/week" }, t("counselor.see_week"))),
    feedCard(feed, user.id));
}

function feedCard(feed, counselorId) {
  if (feed instanceof Error) return card(t("counselor.feed_title"), alertBox(feed));
  const input = h("input", { id: "calendar-feed-url", type: "text", readonly: true, value: feed.url,
    "aria-describedby": "calendar-feed-hint", on: { focus: (event) => event.target.select() } });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    flash(t("counselor.feed_copied"));
  };
  // A link that leaked: a new one, and the old one stops working at once.
  const rotate = confirmButton({
    id: "rotate-feed",
    label: t("counselor.feed_rotate"),
    kind: "secondary",
    question: t("counselor.feed_rotate_question"),
    confirm: t("counselor.feed_rotate_confirm"),
    onConfirm: async () => {
      const fresh = await api.post(`/counselors/${counselorId}/calendar-feed/rotate`);
      input.value = fresh.url;
      flash(t("counselor.feed_rotated"));
      input.focus();
    },
  });
  return card(t("counselor.feed_title"),
    h("div", { class: "field" },
      h("label", { for: "calendar-feed-url" }, t("counselor.feed_label")),
      h("div", { class: "copy-row" }, input, button(t("counselor.copy"), copy, { id: "copy-feed" })),
      h("p", { class: "hint", id: "calendar-feed-hint" }, t("counselor.feed_hint"))),
    h("p", { class: "hint" }, t("counselor.feed_rotate_hint")),
    rotate);
}

// --- the week ---------------------------------------------------------------------------------

async function weekPage({ user, query }) {
  const zone = zoneOf(user);
  const today = localDate(new Date().toISOString(), zone);
  const start = DATE.test(query.start || "") && !Number.isNaN(Date.parse(query.start)) ? query.start : today;
  const end = addDays(start, 7);
  const items = await sessionsBetween(user, start, end);
  const days = Array.from({ length: 7 }, (_, i) => addDays(start, i));
  const byDay = Object.fromEntries(days.map((day) => [day, []]));
  for (const item of items) byDay[localDate(item.start, zone)]?.push(item);
  const range = t("counselor.week_range", { from: dayName(start), to: dayName(addDays(start, 6)) });
  return page(t("counselor.week_title"),
    h("p", {}, range),
    timesIn(zone),
    h("nav", { class: "actions week-nav", "aria-label": t("counselor.week_nav") },
      h("a", { href: `#/week?start=${addDays(start, -7)}`, id: "week-previous" }, t("counselor.previous_week")),
      start !== today ? h("a", { href: "#/week", id: "week-today" }, t("counselor.from_today")) : null,
      h("a", { href: `#/week?start=${end}`, id: "week-next" }, t("counselor.next_week"))),
    days.map((day) => h("section", { class: "day card", "aria-labelledby": `day-${day}` },
      h("h2", { id: `day-${day}` }, dayName(day), day === today ? ` (${t("counselor.today")})` : ""),
      sessionList(byDay[day], zone, t("counselor.day_empty")))));
}

// --- availability -----------------------------------------------------------------------------

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DEFAULTS = {
  weekly: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start: "09:00", end: "17:00" })),
  exceptions: [], session_minutes: 45, buffer_minutes: 15, min_notice_minutes: 120,
};

// The API's English reasons, in the reader's language where we know them.
const REASONS = [
  [/^Use 24-hour HH:MM/, "counselor.reason_hhmm"],
  [/^Hours must end after they start/, "counselor.reason_end_after_start"],
  [/^These hours overlap (\d\d:\d\d) to (\d\d:\d\d)/, "counselor.reason_overlap", ["from", "to"]],
  [/already has an exception/, "counselor.reason_duplicate_date"],
  [/^A day off has no hours/, "counselor.reason_day_off"],
  [/^Changed hours need a start/, "counselor.reason_need_start"],
  [/^Changed hours need an end/, "counselor.reason_need_end"],
  [/^Times must be on a (\d+)-minute grid/, "counselor.reason_grid", ["n"]],
  [/must be (\d+) to (\d+) minutes/, "counselor.reason_range", ["low", "high"]],
  [/must be a multiple of (\d+) minutes/, "counselor.reason_multiple", ["n"]],
  [/not a time zone we know/, "counselor.reason_timezone"],
  [/^Not a valid date/, "counselor.reason_date"],
  [/^Not a valid integer|^Not a valid number/, "counselor.reason_number"],
  [/^Missing data for required field/, "error.required"],
  [/^Weekday must be/, "counselor.reason_weekday"],
];

function reason(message) {
  for (const [pattern, key, names = []] of REASONS) {
    const match = pattern.exec(message);
    if (match) return t(key, Object.fromEntries(names.map((name, i) => [name, match[i + 1]])));
  }
  return message;
}

async function availabilityPage({ user, query, navigate }) {
  const isAdmin = user.role !== "counselor";
  const counselors = isAdmin ? await all("/counselors", user.branch_id ? { branch_id: user.branch_id } : {}) : [];
  const counselorId = query.counselor_id || (isAdmin ? null : user.id);
  const picker = isAdmin ? counselorPicker(counselors, counselorId, navigate) : null;
  if (!counselorId) {
    return page(t(isAdmin ? "nav.availability" : "counselor.availability_title"), picker,
      counselors.length ? h("p", {}, t("counselor.pick_counselor")) : empty(t("counselor.no_counselors")));
  }
  const counselor = counselors.find((person) => person.id === counselorId);
  let stored = null;
  try {
    stored = await api.get(`/counselors/${counselorId}/availability`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const zone = (stored && stored.timezone) || (counselor && counselor.timezone) || zoneOf(user);
  return page(isAdmin && counselor ? t("counselor.availability_of", { name: counselor.name }) : t("counselor.availability_title"),
    picker,
    stored ? null : h("p", { class: "notice", role: "status" }, t(isAdmin ? "counselor.availability_none_admin" : "counselor.availability_none")),
    h("p", {}, t("counselor.availability_intro")),
    availabilityForm(counselorId, { ...DEFAULTS, ...(stored || {}), timezone: zone }));
}

function counselorPicker(counselors, selected, navigate) {
  return form({
    id: "availability-counselor",
    fields: [{ name: "counselor_id", label: t("field.counselor"), type: "select", value: selected || "",
      options: [{ value: "", label: t("counselor.choose") }, ...counselors.map((person) => ({ value: person.id, label: person.name }))] }],
    submit: t("common.open"),
    onSubmit: async ({ counselor_id: id }) => navigate(id ? `/availability?counselor_id=${encodeURIComponent(id)}` : "/availability"),
  });
}

const FORM = "availability";

// A labelled input of a repeated row; its name is the API's field path (weekly.0.start) and is renumbered.
function rowField(key, label, control) {
  control.dataset.key = key;
  const labelNode = h("label", {}, label);
  const wrapper = h("div", { class: `field field-${key}` }, labelNode, control, h("p", { class: "field-error" }));
  wrapper.dataset.key = key;
  return wrapper;
}

function windowRow(window, rows) {
  const weekday = h("select", {},
    WEEKDAYS.map((day, i) => h("option", { value: String(i), selected: i === Number(window.weekday) }, t(`counselor.day_${day}`))));
  const start = h("input", { type: "time", step: 300, value: window.start || "" });
  const row = h("div", { class: "avail-row", role: "group" },
    h("div", { class: "row" },
      rowField("weekday", t("counselor.weekday"), weekday),
      rowField("start", t("counselor.from"), start),
      endField(window.end),
      button(t("common.remove"), () => removeRow(row, rows), { class: "secondary remove-row" })),
    h("p", { class: "field-error row-error" }));
  return row;
}

function exceptionRow(exception, rows) {
  const off = exception.available === false;
  const date = h("input", { type: "date", value: exception.date || "" });
  const kind = h("select", {},
    h("option", { value: "false", selected: off }, t("counselor.exception_off")),
    h("option", { value: "true", selected: !off }, t("counselor.exception_hours")));
  const start = h("input", { type: "time", step: 300, value: exception.start || "" });
  const hours = [rowField("start", t("counselor.from"), start), endField(exception.end)];
  // A day off keeps any hours typed (hidden, not cleared), in case it is switched back.
  const showHours = () => { for (const node of hours) node.hidden = kind.value === "false"; };
  kind.addEventListener("change", showHours);
  showHours();
  const row = h("div", { class: "avail-row", role: "group" },
    h("div", { class: "row" },
      rowField("date", t("counselor.date"), date),
      rowField("available", t("counselor.exception_kind"), kind),
      hours,
      button(t("common.remove"), () => removeRow(row, rows), { class: "secondary remove-row" })),
    h("p", { class: "field-error row-error" }));
  return row;
}

function removeRow(row, rows) {
  const next = row.nextElementSibling || row.previousElementSibling;
  row.remove();
  renumber(rows);
  (next ? next.querySelector("input, select") : rows.closest("fieldset").querySelector(".add-row")).focus();
}

// The end of a row of hours: a time, or midnight ("24:00", which a time input cannot hold).
function endField(value) {
  const midnight = value === "24:00";
  const end = h("input", { type: "time", step: 300, value: midnight ? "" : value || "" });
  const untilMidnight = h("input", { type: "checkbox", class: "until-midnight", checked: midnight });
  const sync = () => { end.disabled = untilMidnight.checked; };
  untilMidnight.addEventListener("change", sync);
  sync();
  const field = rowField("end", t("counselor.to"), end);
  field.insertBefore(h("label", { class: "midnight" }, untilMidnight, " ", t("counselor.until_midnight")),
    field.querySelector(".field-error"));
  return field;
}

// Names and ids follow each row's place: weekly.0.start, id availability-weekly-0-start.
function renumber(rows) {
  const group = rows.dataset.group;
  [...rows.children].forEach((row, i) => {
    const base = `${group}.${i}`;
    row.dataset.path = base;
    row.id = `${FORM}-${group}-${i}`;
    const name = t(group === "weekly" ? "counselor.window_n" : "counselor.exception_n", { n: i + 1 });
    row.setAttribute("aria-label", name);
    row.querySelector(".remove-row").setAttribute("aria-label", `${t("common.remove")}: ${name}`);
    const rowError = row.querySelector(".row-error");
    rowError.id = `${FORM}-${group}-${i}-error`;
    for (const wrapper of row.querySelectorAll(".field")) {
      const control = wrapper.querySelector("input, select");
      const id = `${FORM}-${group}-${i}-${wrapper.dataset.key}`;
      control.name = `${base}.${wrapper.dataset.key}`;
      control.id = id;
      wrapper.querySelector("label").htmlFor = id;
      wrapper.querySelector(".field-error").id = `${id}-error`;
      control.setAttribute("aria-describedby", `${id}-error ${rowError.id}`);
    }
  });
  rows.closest("fieldset").querySelector(".rows-empty").hidden = rows.children.length > 0;
}

function rowsFieldset(group, legend, hint, items, makeRow, blank, addLabel) {
  const rows = h("div", { class: "avail-rows" });
  rows.dataset.group = group;
  const add = button(addLabel, () => {
    const row = makeRow(blank(rows), rows);
    rows.append(row);
    renumber(rows);
    row.querySelector("input, select").focus();
  }, { class: "secondary add-row", id: `${FORM}-${group}-add` });
  const fieldset = h("fieldset", { id: `${FORM}-${group}`, tabindex: "-1", "aria-describedby": `${FORM}-${group}-hint ${FORM}-${group}-error` },
    h("legend", {}, legend),
    h("p", { class: "hint", id: `${FORM}-${group}-hint` }, hint),
    h("p", { class: "field-error", id: `${FORM}-${group}-error` }),
    rows,
    h("p", { class: "empty rows-empty" }, t(group === "weekly" ? "counselor.weekly_empty" : "counselor.exceptions_empty")),
    h("div", { class: "actions" }, add));
  for (const item of items) rows.append(makeRow(item, rows));
  renumber(rows);
  return fieldset;
}

// A new row of weekly hours: the day after the last row's, with its hours.
function nextWindow(rows) {
  const last = rows.lastElementChild;
  if (!last) return { weekday: 0, start: "09:00", end: "17:00" };
  const value = (key) => last.querySelector(`[name$=".${key}"]`).value;
  return { weekday: (Number(value("weekday")) + 1) % 7, start: value("start") || "09:00", end: value("end") || "17:00" };
}

function availabilityForm(counselorId, value) {
  const number = (name, label, hint) => ({ name, label, value: value[name], min: 0, step: 5, hint });
  return buildAvailabilityForm(counselorId, value, number);
}

function buildAvailabilityForm(counselorId, value, number) {
  const alert = h("div", { class: "form-alert", "aria-live": "assertive", tabindex: "-1" });
  const single = (spec) => {
    const id = `${FORM}-${spec.name}`;
    const control = spec.type === "select"
      ? h("select", { id, name: spec.name, "aria-describedby": `${id}-error` },
        spec.options.map((option) => h("option", { value: option.value, selected: option.value === spec.value }, option.label)))
      : h("input", { id, name: spec.name, type: "number", min: spec.min, step: spec.step, inputmode: "numeric",
        "aria-describedby": [spec.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "), value: spec.value ?? "" });
    return h("div", { class: "field" },
      h("label", { for: id }, spec.label),
      control,
      spec.hint ? h("p", { class: "hint", id: `${id}-hint` }, spec.hint) : null,
      h("p", { class: "field-error", id: `${id}-error` }));
  };
  const weekly = rowsFieldset("weekly", t("counselor.weekly"), t("counselor.weekly_hint"), value.weekly, windowRow,
    nextWindow, t("counselor.add_window"));
  const exceptions = rowsFieldset("exceptions", t("counselor.exceptions"), t("counselor.exceptions_hint"), value.exceptions, exceptionRow,
    () => ({ date: "", available: false, start: "", end: "" }), t("counselor.add_exception"));
  const submit = h("button", { type: "submit", class: "primary", id: `${FORM}-save` }, t("counselor.save_availability"));
  const element = h("form", { id: FORM, class: "availability-form", novalidate: true },
    alert,
    single({ name: "timezone", label: t("field.timezone"), type: "select", value: value.timezone, options: timeZoneOptions(value.timezone) }),
    h("div", { class: "row avail-numbers" },
      single(number("session_minutes", t("counselor.session_minutes"), t("counselor.session_minutes_hint"))),
      single(number("buffer_minutes", t("counselor.buffer_minutes"), t("counselor.buffer_minutes_hint"))),
      single(number("min_notice_minutes", t("counselor.min_notice_minutes"), t("counselor.min_notice_minutes_hint")))),
    weekly,
    exceptions,
    h("div", { class: "actions" }, submit));

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearAvailabilityErrors(element, alert);
    const { body, missing } = availabilityBody(element);
    if (missing.length) {
      placeErrors(element, alert, Object.fromEntries(missing.map((name) => [name, [t("error.required")]])));
      return;
    }
    submit.disabled = true;
    element.setAttribute("aria-busy", "true");
    try {
      await api.put(`/counselors/${counselorId}/availability`, body);
      flash(t("counselor.availability_saved"));
      element.closest(".page")?.querySelector(".notice")?.remove();
    } catch (error) {
      const details = error instanceof ApiError && error.status === 422 ? error.fieldErrors() : {};
      if (Object.keys(details).length) placeErrors(element, alert, details);
      else {
        alert.replaceChildren(alertBox(error));
        alert.focus();
      }
    } finally {
      submit.disabled = false;
      element.removeAttribute("aria-busy");
    }
  });
  return element;
}

function availabilityBody(element) {
  const missing = [];
  const read = (name) => element.querySelector(`[name="${name}"]`).value.trim();
  const minutes = (name) => {
    const text = read(name);
    if (text === "") missing.push(name);
    return text === "" ? null : Number(text);
  };
  const rowsOf = (group) => [...element.querySelectorAll(`#${FORM}-${group} .avail-row`)].map((row) => row.dataset.path);
  const need = (name) => {
    const text = read(name);
    if (!text) missing.push(name);
    return text;
  };
  const endOf = (path) => {
    const chosen = element.querySelector(`[name="${path}.end"]`).closest(".field").querySelector(".until-midnight");
    return chosen.checked ? "24:00" : need(`${path}.end`);
  };
  const body = {
    timezone: read("timezone"),
    session_minutes: minutes("session_minutes"),
    buffer_minutes: minutes("buffer_minutes"),
    min_notice_minutes: minutes("min_notice_minutes"),
    weekly: rowsOf("weekly").map((path) => ({
      weekday: Number(read(`${path}.weekday`)), start: need(`${path}.start`), end: endOf(path),
    })),
    exceptions: rowsOf("exceptions").map((path) => {
      const date = need(`${path}.date`);
      if (read(`${path}.available`) === "false") return { date, available: false };
      return { date, available: true, start: need(`${path}.start`), end: endOf(path) };
    }),
  };
  return { body, missing };
}

function clearAvailabilityErrors(element, alert) {
  alert.replaceChildren();
  for (const node of element.querySelectorAll(".field-error")) node.textContent = "";
  for (const node of element.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

// Each message beside the field the API names (weekly.0.start), else its row, else its list, else on top.
function placeErrors(element, alert, details) {
  const unplaced = [];
  let first = null;
  for (const [name, messages] of Object.entries(details)) {
    const text = messages.map(reason).join(" ");
    const control = element.querySelector(`[name="${CSS.escape(name)}"]`);
    const rowMatch = /^(weekly|exceptions)\.(\d+)/.exec(name);
    const row = rowMatch && element.querySelector(`.avail-row[data-path="${rowMatch[1]}.${rowMatch[2]}"]`);
    const list = /^(weekly|exceptions)$/.test(name.split(".")[0]) ? element.querySelector(`#${FORM}-${name.split(".")[0]}`) : null;
    let target = null;
    if (control && !control.closest("[hidden]")) {
      control.setAttribute("aria-invalid", "true");
      target = document.getElementById(`${control.id}-error`);
      first = first || control;
    } else if (row) {
      target = row.querySelector(".row-error");
      first = first || row.querySelector("input, select");
    } else if (list) {
      target = list.querySelector(`#${list.id}-error`);
      first = first || list;
    }
    if (target) target.textContent = [target.textContent, text].filter(Boolean).join(" ");
    else unplaced.push(text);
  }
  alert.replaceChildren(alertBox(unplaced.length ? unplaced.join(" ") : t("counselor.fix_below")));
  (first || alert).focus();
  if (!first) alert.scrollIntoView?.({ block: "nearest" });
}

// --- the session page's counselor tools -------------------------------------------------------

export async function counselorSessionTools(visit, ctx) {
  const zone = zoneOf(ctx.user || session.user);
  const list = h("div", { class: "notes-list", "aria-live": "polite" });
  const showNotes = async () => {
    try {
      const notes = (await all(`/sessions/${visit.id}/notes`)).sort((a, b) => new Date(b.created_at) - new Date(a.created_at));
      list.replaceChildren(notes.length
        ? h("ul", { class: "list", id: "notes" }, notes.map((note) => h("li", {},
          h("p", { class: "note" }, note.text),
          h("p", { class: "meta" }, formatDateTime(note.created_at, zone)))))
        : empty(t("counselor.notes_empty")));
    } catch (error) {
      list.replaceChildren(alertBox(error));
    }
  };
  await showNotes();
  const noteForm = form({
    id: "note-form",
    fields: [{ name: "text", label: t("counselor.note_label"), type: "textarea", required: true, hint: t("counselor.note_hint"), maxlength: 20000 }],
    submit: t("counselor.add_note"),
    onSubmit: async ({ text }) => {
      await api.post(`/sessions/${visit.id}/notes`, { text });
      noteForm.querySelector("#note-form-text").value = "";
      flash(t("counselor.note_saved"));
      await showNotes();
    },
  });
  const parts = [card(t("counselor.notes_title"), list, h("h3", {}, t("counselor.new_note")), noteForm)];
  if (visit.status === "booked") parts.push(outcomeCard(visit, ctx));
  parts.push(h("p", { class: "client-link" },
    h("a", { href: `#/clients/${visit.client_id}`, id: "client-record-link" }, t("counselor.client_record"))));
  return h("div", { class: "counselor-tools" }, parts);
}

function outcomeCard(visit, ctx) {
  const alert = h("div", { class: "form-alert", "aria-live": "assertive", tabindex: "-1" });
  const started = new Date(visit.start) <= new Date();
  const settle = (noShow) => async (event) => {
    const buttons = event.currentTarget.parentElement.querySelectorAll("button");
    for (const node of buttons) node.disabled = true;
    alert.replaceChildren();
    try {
      await api.post(`/sessions/${visit.id}/complete`, { no_show: noShow });
      flash(t(noShow ? "counselor.marked_no_show" : "counselor.marked_completed"));
      await ctx.render();
    } catch (error) {
      const notStarted = error instanceof ApiError && error.status === 409 && error.details && error.details.reason === "not_started";
      alert.replaceChildren(alertBox(notStarted ? t("counselor.not_started") : errorText(error)));
      alert.focus();
    } finally {
      for (const node of buttons) node.disabled = false;
    }
  };
  return card(t("counselor.outcome_title"),
    h("p", { class: "hint" }, t(started ? "counselor.outcome_hint" : "counselor.outcome_hint_early")),
    alert,
    h("div", { class: "actions" },
      button(t("counselor.mark_completed"), settle(false), { class: "primary", id: "mark-completed" }),
      button(t("counselor.mark_no_show"), settle(true), { class: "danger", id: "mark-no-show" })));
}

// --- a client's results and profile -------------------------------------------------------------

async function optional(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    if (error instanceof ApiError && [403, 404].includes(error.status)) return { missing: error.status };
    return { error };
  }
}

async function clientPage({ params, user }) {
  const id = params.id;
  const mine = user.role === "counselor" ? { counselor_id: user.id } : {};
  const [visits, results, profile, intake] = await Promise.all([
    optional(api.get("/sessions", { client_id: id, ...mine, limit: 50 })),
    optional(all("/results", { client_id: id })),
    optional(api.get("/profile", { client_id: id })),
    intakeCard(id, zoneOf(user)),
  ]);
  const zone = zoneOf(user);
  const sessions = (visits.value ? visits.value.items : []).sort((a, b) => new Date(b.start) - new Date(a.start));
  const name = sessions.find((item) => item.client_name)?.client_name;

  let resultsBody;
  if (results.error) resultsBody = alertBox(results.error);
  else if (results.missing) resultsBody = empty(t(results.missing === 403 ? "counselor.results_not_shared" : "counselor.results_none"));
  else if (!results.value.length) resultsBody = empty(t("counselor.results_none"));
  else {
    const newest = [...results.value].sort((a, b) => new Date(b.created_at) - new Date(a.created_at));
    resultsBody = h("div", { class: "client-results" }, await Promise.all(newest.map((result) => resultSummary(result))));
  }

  let profileBody;
  if (profile.error) profileBody = alertBox(profile.error);
  else if (profile.missing) profileBody = empty(t(profile.missing === 403 ? "counselor.profile_not_shared" : "counselor.profile_none"));
  else profileBody = await profileView(profile.value);

  return page(name ? t("counselor.client_title", { name }) : t("counselor.client_title_unnamed"),
    timesIn(zone),
    intake,
    card(t("counselor.results_title"), resultsBody),
    card(t("counselor.profile_title"), profileBody,
      h("p", {}, h("a", { href: `#/clients/${id}/path`, id: "client-path-link" }, t("counselor.career_path")),
        " · ", h("a", { href: `#/clients/${id}/cv`, id: "client-cv-link" }, t("cv.title_client")))),
    sessions.length ? card(t("counselor.client_sessions"), sessionList(sessions.slice(0, 10), zone, "", true)) : null);
}

export const routes = [
  { path: "/agenda", roles: ["counselor"], page: agendaPage },
  { path: "/week", roles: ["counselor"], page: weekPage },
  { path: "/availability", roles: ["counselor", "admin"], page: availabilityPage },
  { path: "/clients/:id", roles: ["counselor", "admin"], page: clientPage },
];
