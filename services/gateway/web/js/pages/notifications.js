// In-app notifications: the list, and the count of new ones beside the menu entry.

import { all, session } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { button, empty, h, page } from "../ui.js";

const POLL_MS = 60 * 1000;
const seenKey = () => `njia.seen.${session.user?.id}`;
let unseen = 0;

export const unseenCount = () => unseen;

function countUnseen(items) {
  const seen = localStorage.getItem(seenKey()) || "";
  unseen = items.filter((item) => item.created_at > seen).length;
  const counter = document.querySelector('a[href="#/notifications"] .count');
  const text = unseen ? ` (${unseen})` : "";
  if (counter) counter.textContent = text;
  else if (unseen) document.querySelector('a[href="#/notifications"]')?.append(h("span", { class: "count" }, text));
}

async function poll() {
  if (!session.token || document.hidden) return;
  try { countUnseen(await all("/notifications")); } catch { /* the next poll tries again */ }
}

async function notificationsPage({ user, render }) {
  const items = (await all("/notifications")).reverse();
  if (items.length) localStorage.setItem(seenKey(), items[0].created_at);
  countUnseen(items);
  // New ones appear without a reload while the page is open.
  const timer = setInterval(() => {
    if (!document.getElementById("notifications")) clearInterval(timer);
    else if (!document.hidden) all("/notifications").then((fresh) => { if (fresh.length !== items.length) render(); }).catch(() => {});
  }, 15000);
  return page(t("nav.notifications"),
    button(t("notifications.refresh"), render),
    items.length
      ? h("ul", { class: "list", id: "notifications" }, items.map((item) => h("li", { class: `notification notification-${item.kind}` },
        h("p", { class: "title" }, item.subject),
        h("p", { class: "notification-text" }, item.text),
        h("p", { class: "meta" }, formatDateTime(item.created_at, user.timezone),
          item.session_id ? [" · ", h("a", { href: `#/sessions/${item.session_id}` }, t("notifications.open_session"))] : null))))
      : h("div", { id: "notifications" }, empty(t("notifications.none"))));
}

setInterval(poll, POLL_MS);
setTimeout(poll, 1500);

export const routes = [{ path: "/notifications", roles: ["client", "counselor", "admin"], page: notificationsPage }];
