// Sessions: a client's own, a counselor's, an admin's branch; one session with join, reschedule, cancel.

import { all, api, session as signedIn } from "../api.js";
import { formatDateTime, formatDay, formatTime, t } from "../i18n.js";
import { alertBox, button, card, download, empty, flash, form, h, page, status, table } from "../ui.js";
import { slotPicker } from "./client.js";
import { modalityTag, typeName } from "./types.js";

const JOIN_OPENS_MINUTES = 10;
const PAGE_SIZE = 50;

// The join window of API.md: from 10 minutes before the start until the end.
export function joinWindow(item, now = Date.now()) {
  const opens = new Date(item.start).getTime() - JOIN_OPENS_MINUTES * 60 * 1000;
  const closes = new Date(item.end).getTime();
  return { opens, closes, open: item.status === "booked" && now >= opens && now < closes, over: now >= closes };
}

function otherParty(item, user) {
  if (user.role === "client") return item.counselor_name ? t("sessions.with", { name: item.counselor_name }) : "";
  if (user.role === "counselor") return item.client_name ? t("sessions.with", { name: item.client_name }) : "";
  return t("sessions.between", { client: item.client_name || "—", counselor: item.counselor_name || "—" });
}

function when(item, timeZone) {
  return `${formatDay(item.start, timeZone)}, ${formatTime(item.start, timeZone)}–${formatTime(item.end, timeZone)}`;
}

export function sessionItem(item, user) {
  const timeZone = user.timezone;
  const joining = joinWindow(item);
  return h("li", { class: "session", "data-session-id": item.id },
    h("p", { class: "title" }, h("a", { href: `#/sessions/${item.id}` }, when(item, timeZone)), " ", status(item.status)),
    h("p", { class: "meta" }, otherParty(item, user), item.topic ? ` · ${item.topic}` : ""),
    item.session_type || (item.modality && item.modality !== "video")
      ? h("p", { class: "meta" }, item.session_type ? `${typeName(item.session_type)} · ` : "", modalityTag(item.modality)) : null,
    joining.open && user.role !== "org_admin" && user.role !== "branch_admin"
      ? h("p", {}, h("a", { class: "button-link", href: `#/sessions/${item.id}?join=1` }, t("sessions.join_now")))
      : null);
}

// A list that fetches page after page on request ("Show more"), newest pages last.
function pagedList(query, user, emptyText, order) {
  const list = h("ul", { class: "list" });
  const holder = h("div", {}, list);
  let cursor = null;
  async function more() {
    const result = await api.get("/sessions", { ...query, limit: PAGE_SIZE, cursor });
    const items = [...result.items].sort((a, b) => order * (new Date(a.start) - new Date(b.start)));
    list.append(...items.map((item) => sessionItem(item, user)));
    cursor = result.next_cursor;
    holder.querySelector(".more")?.remove();
    if (!list.children.length) holder.replaceChildren(empty(emptyText));
    if (cursor) holder.append(button(t("common.more"), () => more().catch((error) => holder.append(alertBox(error))), { class: "secondary more" }));
  }
  return { holder, ready: more() };
}

async function sessionsPage({ user, query }) {
  const now = new Date().toISOString();
  const filters = {};
  if (query.counselor_id) filters.counselor_id = query.counselor_id;
  if (query.client_id) filters.client_id = query.client_id;
  const upcoming = pagedList({ ...filters, from: now, status: "booked" }, user, t("sessions.none_upcoming"), 1);
  const past = pagedList({ ...filters, to: now }, user, t("sessions.none_past"), -1);
  await Promise.all([upcoming.ready, past.ready]);
  return page(user.role === "client" ? t("nav.my_sessions") : t("nav.sessions"),
    h("p", { class: "hint" }, t("common.times_in", { zone: user.timezone })),
    user.role === "client" ? h("p", {}, h("a", { class: "button-link", href: "#/book" }, t("nav.book"))) : null,
    card(t("sessions.upcoming"), upcoming.holder),
    card(t("sessions.past"), past.holder));
}

function joinCard(item, user, autoJoin) {
  const joining = joinWindow(item);
  const result = h("div", { "aria-live": "polite" });
  const join = async () => {
    try {
      const room = await api.get(`/sessions/${item.id}/join`);
      const roomLink = h("a", { class: "button-link", id: "room-link", href: room.url, target: "_blank", rel: "noopener" }, t("sessions.open_room"));
      result.replaceChildren(h("p", {}, t("sessions.room_ready", { closes: formatTime(room.closes_at, user.timezone) })), roomLink);
      roomLink.focus();
    } catch (error) {
      result.replaceChildren(alertBox(error));
    }
  };
  const joinButton = h("button", { type: "button", class: "primary", id: "join", disabled: !joining.open, on: { click: join } }, t("sessions.join"));
  const explain = joining.over
    ? t("sessions.join_over")
    : joining.open ? t("sessions.join_open", { closes: formatTime(item.end, user.timezone) })
      : t("sessions.join_opens", { opens: formatDateTime(new Date(joining.opens).toISOString(), user.timezone) });
  const hint = h("p", { class: "hint", id: "join-hint" }, explain);
  if (joining.open && autoJoin) join();
  // The button wakes up by itself when the window opens with the page left open.
  const wait = joining.opens - Date.now();
  if (!joining.open && !joining.over && wait < 2 * 60 * 60 * 1000) {
    setTimeout(() => {
      if (!joinButton.isConnected) return;
      joinButton.disabled = false;
      hint.textContent = t("sessions.join_open", { closes: formatTime(item.end, user.timezone) });
    }, wait + 500);
  }
  return card(t("sessions.video"), h("div", { class: "actions" }, joinButton, hint), result);
}

function rescheduleCard(item, user, ctx) {
  const holder = h("div", {});
  const openPicker = () => {
    holder.replaceChildren(slotPicker({
      target: item.session_type_id ? { counselor_id: item.counselor_id, session_type_id: item.session_type_id } : { counselor_id: item.counselor_id },
      timeZone: user.timezone,
      onPick: (slot) => {
        holder.querySelector("#reschedule")?.remove();
        holder.append(form({
          id: "reschedule",
          fields: [h("p", {}, t("sessions.move_to", { when: when(slot, user.timezone) }))],
          submit: t("sessions.reschedule_confirm"),
          onSubmit: async () => {
            await api.once(`/sessions/${item.id}/reschedule`, { start: slot.start });
            flash(t("sessions.rescheduled", { when: when(slot, user.timezone) }));
            ctx.render();
          },
        }));
      },
    }));
  };
  return card(t("sessions.reschedule"), holder, h("div", { class: "actions" }, button(t("sessions.pick_new_time"), openPicker, { id: "reschedule-open" })));
}

function cancelCard(item, ctx) {
  const holder = h("div", {});
  const open = () => holder.replaceChildren(form({
    id: "cancel",
    fields: [h("p", {}, t("sessions.cancel_warning")), { name: "reason", label: t("field.reason"), type: "textarea", maxlength: 500 }],
    submit: t("sessions.cancel_confirm"),
    secondary: button(t("sessions.keep"), () => holder.replaceChildren(openButton)),
    onSubmit: async ({ reason }) => {
      // A workshop seat is given back (freeing it for someone else); any other session is cancelled.
      if (item.workshop_id) await api.delete(`/workshops/${encodeURIComponent(item.workshop_id)}/seats/${encodeURIComponent(item.client_id)}`);
      else await api.once(`/sessions/${item.id}/cancel`, { reason: reason || null });
      flash(t("sessions.cancelled"));
      ctx.render();
    },
  }));
  const openButton = button(t("sessions.cancel"), open, { class: "danger", id: "cancel-open" });
  holder.append(openButton);
  return card(t("sessions.cancel"), holder);
}

// Where the session happens: the branch's address, the phone rule, or the video room (joinCard).
function whereCard(item, user, phone) {
  if (item.modality === "in_person") {
    return card(t("sessions.where_title"), h("p", { id: "session-where" }, item.location
      ? t("sessions.at_place", { place: item.location }) : t("sessions.at_branch")));
  }
  if (item.modality === "phone") {
    const text = user.role === "client"
      ? (phone ? t("sessions.will_call_you", { phone }) : t("sessions.will_call_you_no_phone"))
      : (phone ? t("sessions.call_client", { name: item.client_name || "", phone }) : t("sessions.call_client_no_phone", { name: item.client_name || "" }));
    return card(t("sessions.where_title"), h("p", { id: "session-where" }, text));
  }
  return null;
}

function attendanceCard(item, user) {
  const seen = item.attendance || {};
  const line = (label, at) => [h("dt", {}, label), h("dd", {}, at ? formatDateTime(at, user.timezone) : t("sessions.not_joined"))];
  return card(t("sessions.attendance"),
    h("dl", { class: "facts", id: "session-attendance" },
      line(t("sessions.client_joined"), seen.client_joined_at),
      line(t("sessions.counselor_joined"), seen.counselor_joined_at)),
    item.counselor_no_show ? h("p", { class: "notice", id: "counselor-no-show" }, t("sessions.counselor_no_show")) : null);
}

async function remindersCard(item, user) {
  const reminders = { items: await all(`/sessions/${item.id}/reminders`) };
  if (!reminders.items.length) return card(t("sessions.reminders"), empty(t("sessions.no_reminders")));
  const rows = reminders.items.map((reminder) => [
    formatDateTime(reminder.due_at, user.timezone), t(`channel.${reminder.channel}`), status(reminder.status),
    reminder.sent_at ? formatDateTime(reminder.sent_at, user.timezone) : "—",
  ]);
  return card(t("sessions.reminders"), table([t("sessions.due"), t("sessions.channel"), t("sessions.status"), t("sessions.sent_at")], rows));
}

// The number the counselor calls: the client's own (theirs, to read), for staff from the session or the person.
async function phoneOf(item, user) {
  if (user.role === "client") {
    // The sign-in answer may not carry the phone: the account's own record does.
    const known = (signedIn.user && signedIn.user.phone) || user.phone;
    return known || (await api.get("/me").then((me) => me.phone).catch(() => null)) || null;
  }
  if (item.client_phone) return item.client_phone;
  try {
    return (await api.get(`/users/${encodeURIComponent(item.client_id)}`)).phone || null;
  } catch {
    return null;
  }
}

async function sessionPage(ctx) {
  const { params, query, user } = ctx;
  const item = await api.get(`/sessions/${params.id}`);
  const timeZone = user.timezone;
  const upcoming = item.status === "booked" && new Date(item.end) > new Date();
  const mine = user.role === "client" || (user.role === "counselor" && item.counselor_id === user.id);
  const parts = [
    h("dl", { class: "facts" },
      h("dt", {}, t("sessions.when")), h("dd", { id: "session-when" }, when(item, timeZone)),
      h("dt", {}, t("sessions.status")), h("dd", {}, status(item.status)),
      item.session_type ? [h("dt", {}, t("sessions.type")), h("dd", { id: "session-type-name" }, typeName(item.session_type))] : null,
      h("dt", {}, t("sessions.how")), h("dd", { id: "session-how" }, modalityTag(item.modality || "video")),
      h("dt", {}, t("field.counselor")), h("dd", {}, item.counselor_name || "—"),
      user.role !== "client" ? [h("dt", {}, t("sessions.client")), h("dd", {}, item.client_name || "—")] : null,
      item.topic ? [h("dt", {}, t("sessions.topic")), h("dd", {}, item.topic)] : null,
      item.cancel_reason ? [h("dt", {}, t("sessions.cancel_reason")), h("dd", {}, item.cancel_reason)] : null),
    h("p", { class: "hint" }, t("common.times_in", { zone: timeZone })),
  ];
  const video = !item.modality || item.modality === "video";
  if (item.workshop_id) parts.push(h("p", { class: "notice" }, t("sessions.workshop_seat"), " ", h("a", { href: "#/workshops" }, t("nav.workshops"))));
  if (!video) parts.push(whereCard(item, user, item.modality === "phone" ? await phoneOf(item, user) : null));
  if (video && mine && item.status === "booked") parts.push(joinCard(item, user, query.join === "1"));
  const seen = item.attendance || {};
  if (video && item.attendance && (joinWindow(item).open || joinWindow(item).over || seen.client_joined_at || seen.counselor_joined_at)) {
    parts.push(attendanceCard(item, user));
  }
  if (upcoming) {
    parts.push(card(t("sessions.calendar"),
      h("p", {}, t("sessions.calendar_hint")),
      button(t("sessions.download_calendar"), () => download(api.blob(`/sessions/${item.id}/calendar.ics`), "njia-session.ics").catch((error) => flash(error.message, "error")), { id: "calendar" })));
    if (!item.workshop_id) parts.push(rescheduleCard(item, user, ctx));
    parts.push(cancelCard(item, ctx));
  }
  if (user.role === "counselor" && item.counselor_id === user.id) {
    // Loaded only for counselors: a client's phone never downloads the case-note tools.
    const { counselorSessionTools } = await import("./counselor.js");
    parts.push(await counselorSessionTools(item, ctx));
  }
  if (user.role !== "client") parts.push(await remindersCard(item, user).catch((error) => card(t("sessions.reminders"), alertBox(error))));
  return page(t("sessions.title", { when: formatDay(item.start, timeZone) }), parts,
    h("p", {}, h("a", { href: signedIn.user?.role === "client" ? "#/sessions" : "#/" }, t("common.back"))));
}

export const routes = [
  { path: "/sessions", roles: ["client", "counselor", "admin"], page: sessionsPage },
  { path: "/sessions/:id", roles: ["client", "counselor", "admin"], page: sessionPage },
];
