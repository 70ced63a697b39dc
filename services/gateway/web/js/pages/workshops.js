// Workshops (CV clinics, school career days): clients see upcoming ones with the seats left, take a
// seat and give it back; counselors and admins create one and mark who came.

import { ApiError, all, api } from "../api.js";
import { addDays, atLocalTime, formatDateTime, formatTime, localDate, named, t } from "../i18n.js";
import { alertBox, button, card, confirmButton, empty, errorText, flash, form, h, page, status } from "../ui.js";
import { bookableTypes, modalityTag, typeName } from "./types.js";
import { clientFinder } from "./client.js";

const LOOK_AHEAD_DAYS = 60;
const MARKS_OPEN_MINUTES = 10;
const staffRoles = ["counselor", "branch_admin", "org_admin"];

export const seatsLeft = (workshop) => workshop.seats_left ?? Math.max(0, (workshop.seats || 0) - (workshop.seats_taken || 0));
const counselorName = (workshop) => workshop.counselor_name || (workshop.counselor && (workshop.counselor.name || workshop.counselor)) || "";

export function workshopTitle(workshop) {
  return named(workshop.title) || typeName(workshop.session_type || {});
}

function when(workshop, zone) {
  return `${formatDateTime(workshop.start, zone)}–${formatTime(workshop.end, zone)}`;
}

function where(workshop) {
  if (workshop.modality === "in_person" && workshop.location) return t("workshops.at", { place: workshop.location });
  return null;
}

function workshopItem(workshop, user, render) {
  const seat = workshop.my_seat;
  const left = seatsLeft(workshop);
  const client = user.role === "client";
  const act = async (event, request, done) => {
    const pressed = event.currentTarget;
    pressed.disabled = true;
    try {
      await request();
      flash(done);
      render();
    } catch (error) {
      pressed.disabled = false;
      const full = error instanceof ApiError && error.details && error.details.reason;
      pressed.closest("li").append(alertBox(full && ["workshop_full", "client_busy"].includes(full) ? t(`workshops.${full}`) : errorText(error)));
    }
  };
  const title = workshopTitle(workshop);
  return h("li", { class: "workshop", id: `workshop-${workshop.id}`, "data-workshop-id": workshop.id },
    h("p", { class: "title" }, staffRoles.includes(user.role)
      ? h("a", { href: `#/workshops/${encodeURIComponent(workshop.id)}` }, title) : title,
    workshop.status === "cancelled" ? [" ", status("cancelled")] : null),
    h("p", { class: "meta" }, when(workshop, user.timezone)),
    h("p", { class: "meta" }, modalityTag(workshop.modality)),
    counselorName(workshop) ? h("p", { class: "meta" }, t("sessions.with", { name: counselorName(workshop) })) : null,
    where(workshop) ? h("p", { class: "meta" }, where(workshop)) : null,
    workshop.description ? h("p", {}, workshop.description) : null,
    h("p", { class: "seats", id: `workshop-${workshop.id}-seats` }, left ? t("workshops.seats_left", { n: left, of: workshop.seats }) : t("workshops.full")),
    client ? h("div", { class: "actions" },
      seat
        ? [h("p", { class: "notice" }, t("workshops.have_seat")), " ",
          h("a", { href: `#/sessions/${encodeURIComponent(seat)}` }, t("workshops.your_seat")),
          confirmButton({
            id: `give-back-${workshop.id}`,
            label: t("workshops.give_back"),
            ariaLabel: t("workshops.give_back_of", { title }),
            question: t("workshops.give_back_question", { title }),
            confirm: t("workshops.give_back_confirm"),
            onConfirm: async () => {
              await api.delete(`/workshops/${workshop.id}/seats/${user.id}`);
              flash(t("workshops.given_back", { title }));
              render();
            },
          })]
        : left && workshop.status !== "cancelled"
          ? button(t("workshops.take_seat"), (event) => act(event, () => api.once(`/workshops/${workshop.id}/seats`, {}),
            t("workshops.seat_taken", { title })), { class: "primary", id: `take-seat-${workshop.id}`, "aria-label": t("workshops.take_seat_of", { title }) })
          : null) : null);
}

function createCard(user, types, counselors, zone, navigate) {
  if (!types.length) return card(t("workshops.create_title"), empty(t("workshops.no_types")));
  const today = localDate(new Date().toISOString(), zone);
  return card(t("workshops.create_title"),
    form({
      id: "workshop",
      fields: [
        { name: "session_type_id", label: t("workshops.type"), type: "select", required: true, value: types.length === 1 ? types[0].id : "",
          options: [...(types.length === 1 ? [] : [{ value: "", label: t("workshops.choose_type") }]),
            ...types.map((type) => ({ value: type.id, label: `${typeName(type)} (${t("types.seats", { n: type.seats })})` }))] },
        { name: "counselor_id", label: t("field.counselor"), type: "select", required: true,
          value: user.role === "counselor" ? user.id : (counselors.length === 1 ? counselors[0].id : ""),
          options: [{ value: "", label: t("workshops.choose_counselor") }, ...counselors.map((person) => ({ value: person.id, label: person.name }))] },
        { name: "date", label: t("workshops.date"), type: "date", required: true, min: today, value: addDays(today, 7) },
        { name: "time", label: t("workshops.time"), type: "time", required: true, value: "10:00", hint: t("common.times_in", { zone }) },
        { name: "title.en", label: t("workshops.title_en"), autocomplete: "off", maxlength: 120, hint: t("admin.optional") },
        { name: "title.sw", label: t("workshops.title_sw"), autocomplete: "off", maxlength: 120, hint: t("admin.optional") },
        { name: "description", label: t("workshops.description"), type: "textarea", maxlength: 2000, hint: t("admin.optional") },
      ],
      submit: t("workshops.create_submit"),
      onSubmit: async (values) => {
        const title = values["title.en"] || values["title.sw"]
          ? { en: values["title.en"] || values["title.sw"], sw: values["title.sw"] || values["title.en"] } : null;
        const created = await api.once("/workshops", {
          session_type_id: values.session_type_id, counselor_id: values.counselor_id,
          start: atLocalTime(values.date, values.time, zone), title, description: values.description || null,
        });
        flash(t("workshops.created", { title: workshopTitle(created) }));
        navigate(`/workshops/${created.id}`);
      },
    }));
}

async function workshopsPage({ user, render, navigate }) {
  const zone = user.timezone;
  const from = new Date().toISOString();
  const to = new Date(Date.now() + LOOK_AHEAD_DAYS * 86400000).toISOString();
  const client = user.role === "client";
  const branchId = user.role === "org_admin" ? null : user.branch_id;
  const [workshops, types, counselors] = await Promise.all([
    all("/workshops", { branch_id: branchId, from, to }),
    client ? [] : bookableTypes(branchId, { workshops: true }),
    client ? [] : all("/counselors", branchId ? { branch_id: branchId } : {}),
  ]);
  const upcoming = workshops.filter((workshop) => workshop.status !== "cancelled" || !client)
    .sort((a, b) => new Date(a.start) - new Date(b.start));
  return page(t("workshops.title"),
    h("p", {}, t(client ? "workshops.intro_client" : "workshops.intro_staff")),
    h("p", { class: "hint" }, t("common.times_in", { zone })),
    upcoming.length ? h("ul", { class: "list", id: "workshop-list" }, upcoming.map((workshop) => workshopItem(workshop, user, render)))
      : empty(t("workshops.none")),
    client ? null : createCard(user, types, counselors, zone, navigate));
}

// --- one workshop: who has a seat, and who came -------------------------------------------------

function attendeeItem(workshop, attendee, render) {
  const name = attendee.client_name || attendee.name || attendee.client_id;
  const mark = attendee.attended === true ? "yes" : attendee.attended === false ? "no" : null;
  // Marks open 10 minutes before the start.
  const open = new Date(workshop.start).getTime() - MARKS_OPEN_MINUTES * 60000 <= Date.now();
  const alert = h("div", { "aria-live": "assertive" });
  const set = (attended) => async (event) => {
    const buttons = event.currentTarget.parentElement.querySelectorAll("button");
    for (const node of buttons) node.disabled = true;
    alert.replaceChildren();
    try {
      await api.put(`/workshops/${workshop.id}/attendees/${attendee.client_id}`, { attended });
      flash(t(attended ? "workshops.marked_came" : "workshops.marked_missed", { name }));
      render();
    } catch (error) {
      alert.replaceChildren(alertBox(error));
      for (const node of buttons) node.disabled = false;
    }
  };
  return h("li", { id: `attendee-${attendee.client_id}` },
    h("p", { class: "title" }, name, " ", attendee.status && attendee.status !== "booked" ? status(attendee.status) : null),
    attendee.phone ? h("p", { class: "meta" }, attendee.phone) : null,
    h("div", { class: "actions", role: "group", "aria-label": t("workshops.came_of", { name }) },
      h("button", { type: "button", class: mark === "yes" ? "primary" : "secondary", id: `attended-${attendee.client_id}-yes`,
        "aria-pressed": String(mark === "yes"), on: { click: set(true) } }, t("workshops.came")),
      h("button", { type: "button", class: mark === "no" ? "danger" : "secondary", id: `attended-${attendee.client_id}-no`,
        "aria-pressed": String(mark === "no"), on: { click: set(false) } }, t("workshops.missed"))),
    open ? null : h("p", { class: "hint" }, t("workshops.mark_after_start")),
    alert);
}

async function workshopPage({ params, user, render }) {
  const [workshop, attendees] = await Promise.all([api.get(`/workshops/${encodeURIComponent(params.id)}`), all(`/workshops/${encodeURIComponent(params.id)}/attendees`)]);
  const zone = user.timezone;
  const seated = attendees.filter((attendee) => !["cancelled", "late_cancelled"].includes(attendee.status));
  return page(workshopTitle(workshop),
    h("p", {}, h("a", { href: "#/workshops" }, t("workshops.back"))),
    workshop.status === "cancelled" ? h("p", { class: "notice" }, status("cancelled")) : null,
    card(null, h("dl", { class: "facts" },
      h("dt", {}, t("sessions.when")), h("dd", { id: "workshop-when" }, when(workshop, zone)),
      h("dt", {}, t("workshops.how")), h("dd", {}, modalityTag(workshop.modality)),
      where(workshop) ? [h("dt", {}, t("workshops.where")), h("dd", {}, workshop.location)] : null,
      counselorName(workshop) ? [h("dt", {}, t("field.counselor")), h("dd", {}, counselorName(workshop))] : null,
      h("dt", {}, t("workshops.seats")), h("dd", { id: "workshop-seats" }, t("workshops.taken_of", { n: seated.length, of: workshop.seats }))),
    h("p", { class: "hint" }, t("common.times_in", { zone }))),
    card(t("workshops.attendees"),
      h("p", { class: "hint" }, t("workshops.attendees_hint")),
      seated.length ? h("ul", { class: "list", id: "attendees" }, seated.map((attendee) => attendeeItem(workshop, attendee, render)))
        : empty(t("workshops.no_attendees"))),
    workshop.status === "scheduled" && new Date(workshop.start) > new Date() && seated.length < workshop.seats
      ? seatForCard(workshop, render) : null,
    workshop.status === "scheduled" && new Date(workshop.start) > new Date() ? card(t("workshops.cancel_title"),
      h("p", {}, t("workshops.cancel_intro")),
      confirmButton({
        id: "workshop-cancel",
        label: t("workshops.cancel"),
        question: t("workshops.cancel_question", { n: seated.length }),
        confirm: t("workshops.cancel_confirm"),
        onConfirm: async () => {
          await api.raw("DELETE", `/workshops/${workshop.id}`, { body: {}, key: `cancel-${workshop.id}` });
          flash(t("workshops.cancelled", { title: workshopTitle(workshop) }));
          render();
        },
      })) : null);
}

// Staff give a seat to a client who phoned or walked in (a client without an account to sign in with).
function seatForCard(workshop, render) {
  const { search, results } = clientFinder({
    id: "seat-search", choose: t("workshops.give_seat"), chooseOf: (name) => t("workshops.give_seat_to", { name }),
    onChoose: async (person, event) => {
      const pressed = event.currentTarget;
      pressed.disabled = true;
      try {
        await api.once(`/workshops/${workshop.id}/seats`, { client_id: person.id });
        flash(t("workshops.seat_given", { name: person.name }));
        render();
      } catch (error) {
        pressed.disabled = false;
        const reason = error instanceof ApiError && error.details && error.details.reason;
        pressed.closest("li").append(alertBox(["workshop_full", "client_busy"].includes(reason) ? t(`workshops.${reason}_staff`) : errorText(error)));
      }
    },
  });
  return card(t("workshops.seat_for_title"), h("p", { class: "hint" }, t("workshops.seat_for_intro")), search, results);
}

export const routes = [
  { path: "/workshops", roles: ["client", "counselor", "admin"], page: workshopsPage },
  { path: "/workshops/:id", roles: ["counselor", "admin"], page: workshopPage },
];
