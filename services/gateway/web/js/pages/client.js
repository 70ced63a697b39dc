// Booking: a client picks a branch or counselor, sees free times in their own zone, and books one.

import { all, api, ApiError } from "../api.js";
import { formatDay, formatTime, localDate, locale, t } from "../i18n.js";
import { alertBox, card, empty, flash, form, h, loading, page } from "../ui.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_DAYS = 7;

function isoDay(date) { return date.toISOString().slice(0, 10); }

/*
 * Free times for a week, grouped by the viewer's local day; choosing one calls onPick(slot).
 * target: {counselor_id} or {branch_id}. With a branch, each time shows once (Njia picks the counselor).
 */
export function slotPicker({ target, timeZone, onPick, counselors = {}, startDay }) {
  const region = h("div", { class: "slot-picker" });
  let from = startDay ? new Date(`${startDay}T00:00:00Z`) : new Date();

  async function show() {
    region.replaceChildren(loading());
    const to = new Date(from.getTime() + WEEK_DAYS * DAY_MS);
    let slots;
    try {
      slots = await all("/slots", { ...target, from: from.toISOString(), to: to.toISOString(), tz: timeZone });
    } catch (error) {
      region.replaceChildren(alertBox(error));
      return;
    }
    const byDay = new Map();
    const seen = new Set();
    for (const slot of slots) {
      const key = target.branch_id ? slot.start : `${slot.start}|${slot.counselor_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const day = localDate(slot.start, timeZone);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(slot);
    }
    const earlier = from.getTime() > Date.now() + DAY_MS;
    const nav = h("div", { class: "actions" },
      earlier ? h("button", { type: "button", class: "secondary", on: { click: () => move(-1) } }, t("book.earlier")) : null,
      h("button", { type: "button", class: "secondary", on: { click: () => move(1) } }, t("book.later")));
    const days = [...byDay.entries()];
    const dayPanel = h("div", { class: "day", "aria-live": "polite" });
    const showDay = (day, daySlots, tab) => {
      for (const node of region.querySelectorAll(".day-tabs button")) node.setAttribute("aria-pressed", "false");
      tab.setAttribute("aria-pressed", "true");
      dayPanel.replaceChildren(
        h("h3", { id: `day-${day}` }, formatDay(daySlots[0].start, timeZone)),
        h("ul", { class: "slots", "aria-labelledby": `day-${day}` }, daySlots.map((slot) => h("li", {},
          h("button", {
            type: "button", class: "secondary slot", "data-start": slot.start,
            "aria-label": slotLabel(slot, timeZone, counselors, !target.branch_id),
            on: { click: (event) => choose(event.currentTarget, slot) },
          }, formatTime(slot.start, timeZone))))));
    };
    // One day at a time: a week of times is too long a list on a phone.
    const tabs = h("ul", { class: "day-tabs", "aria-label": t("book.days") }, days.map(([day, daySlots]) => h("li", {},
      h("button", {
        type: "button", class: "secondary", "data-day": day, "aria-pressed": "false",
        on: { click: (event) => showDay(day, daySlots, event.currentTarget) },
      }, formatShortDay(daySlots[0].start, timeZone), h("span", { class: "day-count" }, t("book.count", { n: daySlots.length }))))));
    region.replaceChildren(
      h("p", { class: "hint" }, t("common.times_in", { zone: timeZone })),
      ...(days.length ? [tabs, dayPanel] : [empty(t("book.no_slots"))]),
      nav);
    if (days.length) showDay(days[0][0], days[0][1], tabs.querySelector("button"));
  }

  function choose(buttonNode, slot) {
    for (const node of region.querySelectorAll("button.slot")) node.setAttribute("aria-pressed", "false");
    buttonNode.setAttribute("aria-pressed", "true");
    onPick(slot);
  }

  function move(weeks) {
    from = new Date(Math.max(Date.now(), from.getTime() + weeks * WEEK_DAYS * DAY_MS));
    show();
  }

  show();
  region.refresh = show;
  return region;
}

function formatShortDay(iso, timeZone) {
  return new Intl.DateTimeFormat(locale(), { timeZone, weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));
}

function slotLabel(slot, timeZone, counselors, named) {
  const when = `${formatDay(slot.start, timeZone)}, ${formatTime(slot.start, timeZone)}`;
  const who = named && counselors[slot.counselor_id];
  return who ? t("book.slot_with", { when, name: who }) : when;
}

async function bookPage({ user, query, navigate }) {
  const [branches, counselorList] = await Promise.all([all("/branches"), all("/counselors")]);
  if (!branches.length) return page(t("book.title"), empty(t("book.no_branches")));
  const counselors = Object.fromEntries(counselorList.map((person) => [person.id, person.name]));
  const timeZone = user.timezone;
  let branchId = query.branch_id || user.branch_id || branches[0].id;
  let counselorId = query.counselor_id || "";
  const pickerHolder = h("div", {});
  const confirmHolder = h("div", { "aria-live": "polite" });

  const branchSelect = h("select", { id: "book-branch", on: { change: (event) => { branchId = event.target.value; counselorId = ""; refreshCounselors(); showSlots(); } } },
    branches.map((branch) => h("option", { value: branch.id, selected: branch.id === branchId }, branch.name)));
  const counselorSelect = h("select", { id: "book-counselor", on: { change: (event) => { counselorId = event.target.value; showSlots(); } } });

  function refreshCounselors() {
    const here = counselorList.filter((person) => person.branch_id === branchId);
    counselorSelect.replaceChildren(
      h("option", { value: "" }, t("book.any_counselor")),
      here.map((person) => h("option", { value: person.id, selected: person.id === counselorId }, person.name)));
  }

  function showSlots() {
    confirmHolder.replaceChildren();
    const target = counselorId ? { counselor_id: counselorId } : { branch_id: branchId };
    pickerHolder.replaceChildren(slotPicker({ target, timeZone, counselors, onPick: (slot) => confirm(slot, target) }));
  }

  function confirm(slot, target) {
    const who = target.counselor_id ? counselors[slot.counselor_id] : null;
    const when = `${formatDay(slot.start, timeZone)}, ${formatTime(slot.start, timeZone)}–${formatTime(slot.end, timeZone)}`;
    confirmHolder.replaceChildren(card(t("book.confirm_title"),
      h("p", { class: "chosen" }, who ? t("book.chosen_with", { when, name: who }) : t("book.chosen", { when })),
      form({
        id: "booking",
        fields: [{ name: "topic", label: t("field.topic"), type: "textarea", maxlength: 200 }],
        submit: t("book.submit"),
        onSubmit: async ({ topic }) => {
          const body = { ...target, start: slot.start, topic: topic || null };
          try {
            const booked = await api.once("/sessions", body);
            flash(t("book.booked", { when }));
            navigate(`/sessions/${booked.id}`);
          } catch (error) {
            // A taken slot is gone: show fresh times, keep the topic typed.
            if (error instanceof ApiError && error.status === 409) pickerHolder.firstChild?.refresh();
            throw error;
          }
        },
      })));
    confirmHolder.querySelector("textarea").focus();
  }

  refreshCounselors();
  showSlots();
  return page(t("book.title"),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "book-branch" }, t("field.branch")), branchSelect),
      h("div", { class: "field" }, h("label", { for: "book-counselor" }, t("field.counselor")), counselorSelect)),
    pickerHolder,
    confirmHolder);
}

export const routes = [{ path: "/book", roles: ["client"], page: bookPage }];
