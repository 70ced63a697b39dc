// Boot, the header and navigation for each role, and the hash router (#/sessions/abc).

import { api, session, whenSignedOut } from "./api.js";
import { LANGUAGES, chooseLanguage, language, loadStrings, setLanguage, t } from "./i18n.js";
import { alertBox, button, h, loading } from "./ui.js";
import { routes as accountRoutes } from "./pages/account.js";
import { routes as clientRoutes } from "./pages/client.js";
import { routes as sessionRoutes } from "./pages/sessions.js";
import { routes as counselorRoutes } from "./pages/counselor.js";
import { routes as adminRoutes } from "./pages/admin.js";
import { routes as assessmentRoutes } from "./pages/assessments.js";
import { routes as profileRoutes } from "./pages/profile.js";
import { routes as notificationRoutes, unseenCount } from "./pages/notifications.js";
import { routes as accessRoutes } from "./pages/access.js";
import { routes as peopleRoutes } from "./pages/people.js";
import { routes as practiceRoutes } from "./pages/practice.js";
import { routes as intakeRoutes } from "./pages/intake.js";
import { routes as workshopRoutes } from "./pages/workshops.js";
import { routes as pathRoutes } from "./pages/path.js";

const ADMINS = ["branch_admin", "org_admin"];
const ROUTES = [
  ...accountRoutes, ...clientRoutes, ...sessionRoutes, ...counselorRoutes, ...adminRoutes,
  ...assessmentRoutes, ...profileRoutes, ...notificationRoutes, ...accessRoutes, ...peopleRoutes,
  ...practiceRoutes, ...intakeRoutes, ...workshopRoutes, ...pathRoutes,
].map((route) => ({ ...route, pattern: new RegExp(`^${route.path.replace(/:([a-z_]+)/g, "(?<$1>[^/]+)")}$`) }));

// Each role's menu, in the order they use it most.
const MENUS = {
  client: [["/book", "nav.book"], ["/sessions", "nav.my_sessions"], ["/workshops", "nav.workshops"], ["/assessments", "nav.assessments"],
    ["/intake", "nav.intake"], ["/profile", "nav.profile"], ["/path", "nav.path"], ["/cv", "nav.cv"], ["/notifications", "nav.notifications"], ["/settings", "nav.settings"]],
  counselor: [["/agenda", "nav.agenda"], ["/week", "nav.week"], ["/book", "nav.book_for"], ["/workshops", "nav.workshops"],
    ["/availability", "nav.availability"],
    ["/notifications", "nav.notifications"], ["/settings", "nav.settings"], ["/security", "nav.security"]],
  admin: [["/report", "nav.report"], ["/book", "nav.book_for"], ["/sessions", "nav.sessions"], ["/workshops", "nav.workshops"],
    ["/session-types", "nav.session_types"], ["/branches", "nav.branches"], ["/people", "nav.people"],
    ["/audit", "nav.audit"], ["/webhooks", "nav.webhooks"], ["/notifications", "nav.notifications"], ["/settings", "nav.settings"],
    ["/security", "nav.security"]],
};

export function home(user = session.user) {
  if (!user) return "/sign-in";
  if (user.role === "client") return "/sessions";
  if (user.role === "counselor") return "/agenda";
  return "/report";
}

export function navigate(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = `#${path}`;
}

function currentPath() {
  const hash = location.hash.startsWith("#/") ? location.hash.slice(1) : home();
  const [path, search = ""] = hash.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

function menuFor(user) {
  if (!user) return [["/sign-in", "nav.sign_in"], ["/sign-up", "nav.sign_up"], ["/organizations/new", "nav.new_organization"]];
  const items = MENUS[ADMINS.includes(user.role) ? "admin" : user.role] || [];
  return user.role === "branch_admin" ? items.filter(([path]) => path !== "/webhooks") : items;
}

function header(path) {
  const user = session.user;
  const languagePicker = h("select", { id: "language", on: { change: (event) => chooseAndKeep(event.target.value) } },
    Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, selected: code === language(), lang: code }, name)));
  const unseen = user ? unseenCount() : 0;
  return h("header", { class: "top" },
    h("a", { class: "skip-link", href: "#main", on: { click: (event) => { event.preventDefault(); document.getElementById("main").focus(); } } }, t("nav.skip")),
    h("div", { class: "bar" },
      h("a", { class: "brand", href: `#${home(user)}` }, "Njia"),
      h("div", { class: "bar-tools" },
        h("label", { for: "language", class: "visually-hidden" }, t("nav.language")), languagePicker,
        user ? button(t("nav.sign_out"), signOut, { class: "link-button", id: "sign-out" }) : null)),
    user ? h("p", { class: "who" }, t("nav.signed_in_as", { name: user.name, role: t(`role.${user.role}`) })) : null,
    h("nav", { "aria-label": t("nav.menu") }, h("ul", {}, menuFor(user).map(([target, key]) => h("li", {},
      h("a", { href: `#${target}`, "aria-current": path.startsWith(target) ? "page" : null },
        t(key), target === "/notifications" && unseen ? h("span", { class: "count" }, ` (${unseen})`) : null))))),
    h("div", { id: "flash", class: "flash", role: "status", "aria-live": "polite" }));
}

// A signed-in person's choice is kept on their account too: their emails and SMS follow it.
export function chooseAndKeep(chosen) {
  setLanguage(chosen);
  render();
  if (session.user && session.user.language !== chosen) {
    api.patch("/me", { language: chosen }).then((user) => session.remember(user)).catch(() => {});
  }
}

function signOut() {
  session.end();
  navigate("/sign-in");
}

let renderCount = 0;

export async function render() {
  const mine = ++renderCount;
  const { path, query } = currentPath();
  const route = ROUTES.find((candidate) => candidate.pattern.test(path));
  const user = session.user;
  const app = document.getElementById("app");
  const main = h("main", { id: "main", tabindex: "-1" }, loading());
  const flash = document.getElementById("flash");
  app.replaceChildren(header(path), main);
  if (flash && flash.textContent) document.getElementById("flash").replaceWith(flash);
  if (!route) { main.replaceChildren(alertBox(t("error.no_page"))); return; }
  // After signing in, back to the very page (an email's link to a session, ?join=1 kept).
  if (route.roles && !user) { navigate(`/sign-in?next=${encodeURIComponent(location.hash.slice(1) || path)}`); return; }
  if (route.roles && !route.roles.some((role) => role === user.role || (role === "admin" && ADMINS.includes(user.role)))) {
    navigate(home(user));
    return;
  }
  if (!route.roles && route.public === false && user) { navigate(home(user)); return; }
  try {
    const content = await route.page({ params: route.pattern.exec(path).groups || {}, query, user, navigate, render });
    if (mine !== renderCount) return;
    main.replaceChildren(content);
  } catch (error) {
    if (mine !== renderCount) return;
    main.replaceChildren(alertBox(error), button(t("common.retry"), render));
  }
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · Njia` : "Njia";
  if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
}

async function boot() {
  await loadStrings();
  chooseLanguage(session.user && session.user.language);
  // An expired sign-in comes back to the same page afterwards (with what was typed, see ui.js).
  whenSignedOut(() => {
    const here = location.hash.slice(1);
    navigate(here.startsWith("/sign-in") ? "/sign-in?expired=1" : `/sign-in?expired=1&next=${encodeURIComponent(here)}`);
  });
  window.addEventListener("hashchange", () => { if (location.hash.startsWith("#/") || !location.hash) render(); });
  await render();
  if (session.user) {
    // The profile may have changed elsewhere (time zone set by an admin): refresh it quietly.
    api.get("/me").then((user) => session.remember(user)).catch(() => {});
  }
}

boot();
