// Booking: a client (or staff, for a client they find or add) picks a session type, a branch or
// counselor, sees free times in their own zone, and books one; the intake form first when needed.

import { all, api, ApiError } from "../api.js";
import { formatDay, formatTime, localDate, locale, t } from "../i18n.js";
import { alertBox, card, empty, flash, form, h, loading, page } from "../ui.js";
import { bookableTypes, lengthText, modalityTag, typeName } from "./types.js";

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


// The booking page's own address, with what has been chosen so far: coming back to it (after the
// intake form, a reload, a sign-in) finds the same client, type and time.
function bookPath(choice) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(choice)) if (value) params.set(name, value);
  const text = params.toString();
  return `/book${text ? `?${text}` : ""}`;
}

const KEPT = ["client_id", "client", "type", "branch_id", "counselor_id"];

// Clients found by part of their name, phone or email (staff, their branch); each with a button.
export function clientFinder({ id, choose, chooseOf, onChoose }) {
  const results = h("div", { id: `${id}-results`, class: "client-results", "aria-live": "polite" });
  const search = form({
    id,
    fields: [{ name: "q", label: t("book.search_label"), type: "search", required: true, autocomplete: "off",
      hint: t("book.search_hint") }],
    submit: t("book.search_submit"),
    onSubmit: async ({ q }) => {
      const found = await api.get("/users", { role: "client", q, limit: 20 });
      results.replaceChildren(found.items.length
        ? h("ul", { class: "list" }, found.items.map((person) => h("li", {},
          h("p", { class: "title" }, person.name),
          h("p", { class: "meta" }, [person.phone, person.email].filter(Boolean).join(" · ") || t("book.no_contact")),
          h("div", { class: "actions" }, h("button", {
            type: "button", class: "secondary", id: `${id}-choose-${person.id}`,
            "aria-label": chooseOf(person.name), on: { click: (event) => onChoose(person, event) },
          }, choose)))))
        : empty(t("book.no_clients", { q })));
    },
  });
  return { search, results };
}

// Staff first say for whom: a client found by name or phone, or someone who walked in or phoned.
async function forWhomStep({ user, query, navigate }) {
  const branches = await all("/branches");
  const own = user.role === "org_admin" ? branches : branches.filter((branch) => branch.id === user.branch_id);
  const chosen = (person) => navigate(bookPath({ ...Object.fromEntries(KEPT.map((name) => [name, query[name]])),
    client_id: person.id, client: person.name }));
  const { search, results } = clientFinder({ id: "client-search", choose: t("book.choose"),
    chooseOf: (name) => t("book.book_for", { name }), onChoose: chosen });
  // Admins add people; a counselor finds the clients their admins added.
  const walkIn = user.role === "counselor" ? null : form({
    id: "walk-in",
    fields: [
      { name: "name", label: t("field.name"), required: true, autocomplete: "off" },
      { name: "phone", label: t("field.phone"), type: "tel", required: true, autocomplete: "off", hint: t("book.walk_in_phone_hint") },
      own.length > 1 ? { name: "branch_id", label: t("field.branch"), type: "select", required: true, value: "",
        options: [{ value: "", label: t("admin.choose_branch") }, ...own.map((branch) => ({ value: branch.id, label: branch.name }))] } : null,
    ].filter(Boolean),
    submit: t("book.walk_in_submit"),
    onSubmit: async (values) => {
      const person = await api.post("/users", {
        name: values.name, phone: values.phone, role: "client", invite: false,
        branch_id: values.branch_id || (own[0] && own[0].id) || user.branch_id || null,
      });
      flash(t("book.walk_in_added", { name: person.name }));
      chosen(person);
    },
  });
  return page(t("book.title"),
    h("p", {}, t("book.for_whom_intro")),
    h("div", { class: "grid grid-2" },
      card(t("book.for_whom"), search, results),
      card(t("book.walk_in_title"), walkIn ? [h("p", { class: "hint" }, t("book.walk_in_intro")), walkIn]
        : h("p", { class: "hint" }, t("book.walk_in_admins")))));
}

// One choice per session type: its name, length and how it is held.
function typeChoice(types, chosenId, onChoose) {
  return h("fieldset", { class: "type-choice", id: "session-type" },
    h("legend", {}, t("book.choose_type")),
    types.map((type) => h("label", { class: "type-option", for: `type-${type.id}` },
      h("input", { type: "radio", name: "session_type", id: `type-${type.id}`, value: type.id, checked: type.id === chosenId,
        on: { change: () => onChoose(type) } }),
      h("span", { class: "type-text" },
        h("span", { class: "type-name" }, typeName(type)),
        h("span", { class: "meta" }, lengthText(type), " · ", modalityTag(type.modality),
          type.requires_intake ? ` · ${t("book.needs_intake")}` : "")))));
}

async function bookPage(ctx) {
  const { user, query, navigate } = ctx;
  const staff = user.role !== "client";
  if (staff && !query.client_id) return forWhomStep(ctx);
  const [branches, counselorList] = await Promise.all([all("/branches"), all("/counselors")]);
  if (!branches.length) return page(t("book.title"), empty(t("book.no_branches")));
  const counselors = Object.fromEntries(counselorList.map((person) => [person.id, person.name]));
  const timeZone = user.timezone;
  let branchId = query.branch_id || user.branch_id || branches[0].id;
  let counselorId = query.counselor_id || "";
  let types = await bookableTypes(branchId);
  let type = types.find((each) => each.id === query.type) || (types.length === 1 ? types[0] : null);
  const typeHolder = h("div", {});
  const pickerHolder = h("div", {});
  const confirmHolder = h("div", { "aria-live": "polite" });
  const choice = () => ({ client_id: query.client_id, client: query.client, type: type && type.id, branch_id: branchId, counselor_id: counselorId });

  const branchSelect = h("select", { id: "book-branch", on: { change: async (event) => {
    branchId = event.target.value; counselorId = "";
    refreshCounselors();
    types = await bookableTypes(branchId);
    if (type && !types.some((each) => each.id === type.id)) type = types.length === 1 ? types[0] : null;
    showTypes();
    showSlots();
  } } }, branches.map((branch) => h("option", { value: branch.id, selected: branch.id === branchId }, branch.name)));
  const counselorSelect = h("select", { id: "book-counselor", on: { change: (event) => { counselorId = event.target.value; showSlots(); } } });

  function refreshCounselors() {
    const here = counselorList.filter((person) => person.branch_id === branchId);
    counselorSelect.replaceChildren(
      h("option", { value: "" }, t("book.any_counselor")),
      here.map((person) => h("option", { value: person.id, selected: person.id === counselorId }, person.name)));
  }

  function showTypes() {
    typeHolder.replaceChildren(types.length > 1
      ? typeChoice(types, type && type.id, (chosen) => { type = chosen; showSlots(); })
      : type ? h("p", { class: "meta", id: "session-type" }, typeName(type), " · ", lengthText(type), " · ", modalityTag(type.modality)) : null);
  }

  function target() {
    const where = counselorId ? { counselor_id: counselorId } : { branch_id: branchId };
    return type ? { ...where, session_type_id: type.id } : where;
  }

  function showSlots() {
    confirmHolder.replaceChildren();
    if (!type && types.length) {
      pickerHolder.replaceChildren(h("p", { class: "hint" }, t("book.type_first")));
      return;
    }
    const chosenTarget = target();
    pickerHolder.replaceChildren(slotPicker({ target: chosenTarget, timeZone, counselors, onPick: (slot) => confirm(slot, chosenTarget) }));
  }

  function confirm(slot, chosenTarget) {
    const who = chosenTarget.counselor_id ? counselors[slot.counselor_id] : null;
    const when = `${formatDay(slot.start, timeZone)}, ${formatTime(slot.start, timeZone)}–${formatTime(slot.end, timeZone)}`;
    const intakeNeeded = h("div", { id: "intake-needed" });
    confirmHolder.replaceChildren(card(t("book.confirm_title"),
      h("p", { class: "chosen" }, who ? t("book.chosen_with", { when, name: who }) : t("book.chosen", { when })),
      type ? h("p", { class: "meta" }, typeName(type), " · ", modalityTag(type.modality)) : null,
      staff ? h("p", { class: "meta" }, t("book.booking_for", { name: query.client || "" })) : null,
      intakeNeeded,
      form({
        id: "booking",
        fields: [{ name: "topic", label: t("field.topic"), type: "textarea", maxlength: 200 }],
        submit: t("book.submit"),
        onSubmit: async ({ topic }) => {
          const body = { ...chosenTarget, start: slot.start, topic: topic || null };
          if (staff) body.client_id = query.client_id;
          try {
            const booked = await api.once("/sessions", body);
            flash(t(staff ? "book.booked_for" : "book.booked", { when, name: query.client || "" }));
            navigate(`/sessions/${booked.id}`);
          } catch (error) {
            if (error instanceof ApiError && error.status === 409 && error.details.reason === "intake_required") {
              // The intake form first, then back to this very time.
              const back = bookPath({ ...choice(), start: slot.start, end: slot.end, with: slot.counselor_id });
              intakeNeeded.replaceChildren(h("p", { class: "notice", role: "alert" }, t(staff ? "book.intake_client" : "book.intake_first")),
                staff ? null : h("p", {}, h("a", { class: "button-link", id: "to-intake", href: `#/intake?next=${encodeURIComponent(back)}` }, t("book.to_intake"))));
              if (!staff) navigate(`/intake?next=${encodeURIComponent(back)}`);
              return;
            }
            if (error instanceof ApiError && error.status === 422 && error.details.phone) {
              // A phone session needs the client's number: where to add it.
              const admin = staff && user.role !== "counselor";
              intakeNeeded.replaceChildren(h("p", { class: "notice", role: "alert" }, t(staff ? "book.phone_client" : "book.phone_yours"), " ",
                staff && !admin ? null : h("a", { href: admin ? `#/people/${encodeURIComponent(query.client_id)}` : "#/settings" },
                  t(admin ? "book.phone_client_link" : "nav.settings"))));
              return;
            }
            // A taken slot is gone: show fresh times, keep the topic typed.
            if (error instanceof ApiError && error.status === 409) pickerHolder.firstChild?.refresh?.();
            throw error;
          }
        },
      })));
    confirmHolder.querySelector("textarea").focus();
  }

  refreshCounselors();
  showTypes();
  showSlots();
  // Back from the intake form: the time chosen before is offered again.
  if (query.start && query.end) confirm({ start: query.start, end: query.end, counselor_id: query.with || counselorId }, target());
  return page(t("book.title"),
    staff ? h("p", { class: "notice", id: "booking-for" }, t("book.booking_for", { name: query.client || "" }), " ",
      h("a", { href: `#${bookPath({ type: type && type.id, branch_id: branchId })}`, id: "change-client" }, t("book.change_client"))) : null,
    typeHolder,
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "book-branch" }, t("field.branch")), branchSelect),
      h("div", { class: "field" }, h("label", { for: "book-counselor" }, t("field.counselor")), counselorSelect)),
    pickerHolder,
    confirmHolder);
}

export const routes = [{ path: "/book", roles: ["client", "counselor", "admin"], page: bookPage }];
