// The client's networking profile: connecting LinkedIn, JSON Resume and GitHub, syncing, and what came of it.

import { ApiError, api } from "../api.js";
import { formatDateTime, language, locale, t } from "../i18n.js";
import { alertBox, button, card, download, empty, errorText, flash, form, h, page, status } from "../ui.js";

const KINDS = ["linkedin", "json_resume", "github"];
const POLL_EVERY_MS = 2000;
const POLL_FOR_MS = 30000;
const SOURCE_ERRORS = ["bad_token", "forbidden", "http_error", "invalid_document", "invalid_export", "invalid_json",
  "missing_upload", "not_found", "rate_limited", "refused_url", "server_error", "unreachable", "not_connected"];

const kindName = (kind) => (KINDS.includes(kind) ? t(`profile.kind_${kind}`) : kind);
const zoneOf = (user) => (user && user.timezone) || "Africa/Nairobi";
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Only web addresses become links: a synced profile must never carry a javascript: link.
const safeUrl = (url) => (typeof url === "string" && /^https?:\/\//i.test(url) ? url : null);

// "2020", "2020-03" or "2020-03-09", shown the reader's way.
function partialDate(value) {
  if (!value) return "";
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  if (!month) return year;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day || 1)));
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", year: "numeric", month: "short", day: day ? "numeric" : undefined }).format(date);
}

function period(start, end) {
  if (!start && !end) return null;
  return t("profile.period", { start: partialDate(start) || "…", end: end ? partialDate(end) : t("profile.present") });
}

// A certificate without an end has no expiry: it shows its date, not "until present".
const certified = (entry) => (entry.end ? period(entry.start, entry.end) : partialDate(entry.start));

async function loadProfile(query) {
  try {
    return await api.get("/profile", query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function hasContent(profile) {
  return Boolean(profile && (profile.name || profile.headline || profile.summary || profile.location
    || (profile.skills || []).length || (profile.positions || []).length || (profile.education || []).length
    || (profile.certifications || []).length || (profile.languages || []).length || (profile.links || []).length));
}

// 6. A profile as anyone allowed to see it reads it (headings start at h3: it sits inside a card) -------

export function profileView(profile) {
  if (!hasContent(profile)) return h("div", { class: "profile-view" }, empty(t("profile.nothing_yet")));
  const skills = profile.skills || [];
  const positions = profile.positions || [];
  const education = profile.education || [];
  const certifications = profile.certifications || [];
  const languages = profile.languages || [];
  const links = (profile.links || []).filter((link) => safeUrl(link.url));
  const section = (key, ...children) => [h("h3", {}, t(key)), ...children];
  return h("div", { class: "profile-view" },
    profile.name ? h("p", { class: "title profile-name" }, profile.name) : null,
    profile.headline ? h("p", { class: "profile-headline" }, h("strong", {}, profile.headline)) : null,
    profile.location ? h("p", { class: "meta" }, profile.location) : null,
    profile.summary ? section("profile.summary", h("p", { class: "note" }, profile.summary)) : null,
    skills.length ? section("profile.skills", h("ul", { class: "skills" }, skills.map((skill) => h("li", {},
      skill.name, skill.level ? h("span", { class: "meta" }, ` (${skill.level})`) : null)))) : null,
    positions.length ? section("profile.positions", h("ul", { class: "list" }, positions.map((position) => h("li", {},
      h("p", { class: "title" }, [position.title, position.organization].filter(Boolean).join(" — ")),
      h("p", { class: "meta" }, [period(position.start, position.end), position.location].filter(Boolean).join(" · ")),
      position.description ? h("p", { class: "note" }, position.description) : null,
      (position.highlights || []).length ? h("ul", {}, position.highlights.map((text) => h("li", {}, text))) : null)))) : null,
    education.length ? section("profile.education", h("ul", { class: "list" }, education.map((entry) => h("li", {},
      h("p", { class: "title" }, entry.institution || ""),
      [entry.degree, entry.area].filter(Boolean).length ? h("p", {}, [entry.degree, entry.area].filter(Boolean).join(", ")) : null,
      period(entry.start, entry.end) ? h("p", { class: "meta" }, period(entry.start, entry.end)) : null,
      entry.notes ? h("p", { class: "note" }, entry.notes) : null)))) : null,
    certifications.length ? section("profile.certifications", h("ul", { class: "list" }, certifications.map((entry) => h("li", {},
      safeUrl(entry.url) ? h("a", { href: entry.url, rel: "noopener noreferrer", target: "_blank" }, entry.name || entry.url) : h("p", { class: "title" }, entry.name || ""),
      [entry.authority, certified(entry)].filter(Boolean).length
        ? h("p", { class: "meta" }, [entry.authority, certified(entry)].filter(Boolean).join(" · ")) : null)))) : null,
    languages.length ? section("profile.languages", h("ul", {}, languages.map((entry) => h("li", {},
      entry.name, entry.proficiency ? ` (${entry.proficiency})` : null)))) : null,
    links.length ? section("profile.links", h("ul", {}, links.map((link) => h("li", {},
      h("a", { href: link.url, rel: "noopener noreferrer", target: "_blank" }, link.label || link.url),
      link.label ? h("span", { class: "meta" }, ` ${link.url}`) : null)))) : null);
}

// 5. The client's own profile page --------------------------------------------------------------------

function sourceError(source) {
  const code = source.error_code || source.code;
  const known = code && SOURCE_ERRORS.includes(code);
  return h("div", { class: "source-error" },
    h("p", { class: "alert" }, known ? t(`profile.error_${code}`) : (source.error || t("error.unknown"))),
    known && source.error ? h("details", {}, h("summary", {}, t("profile.error_details")), h("p", { class: "note" }, source.error)) : null);
}

function sourcesList(profile, zone) {
  const sources = (profile && profile.sources) || [];
  if (!sources.length) return empty(t("profile.no_sources_yet"));
  return h("ul", { class: "list source-list", id: "profile-sources" }, sources.map((source) => h("li", { id: `source-${source.kind}` },
    h("h3", {}, kindName(source.kind), " ", status(source.status)),
    source.username ? h("p", { class: "meta" }, t("profile.username_is", { username: source.username })) : null,
    source.url ? h("p", { class: "meta" }, source.url) : null,
    h("p", { class: "meta" }, source.last_synced_at
      ? t("profile.last_synced", { when: formatDateTime(source.last_synced_at, zone) })
      : t("profile.never_synced")),
    source.next_sync_at ? h("p", { class: "meta" }, t("profile.next_sync", { when: formatDateTime(source.next_sync_at, zone) })) : null,
    source.status === "failed" || source.error ? sourceError(source) : null)));
}

function syncLine(sync) {
  const parts = (sync.sources || []).map((kind) => {
    const result = (sync.results || {})[kind];
    if (!result) return t("profile.sync_source_waiting", { source: kindName(kind) });
    if (result.status === "ok") {
      const count = (result.changed_fields || []).length;
      return t(count ? "profile.sync_source_ok" : "profile.sync_source_unchanged", { source: kindName(kind), count });
    }
    if (result.status === "failed") return t("profile.sync_source_failed", { source: kindName(kind) });
    return t("profile.sync_source_skipped", { source: kindName(kind) });
  });
  return [t(`profile.sync_${sync.status}`), ...parts].join(" ");
}

// Njia's reasons for refusing a source are in English: the reader gets them in their language (and, in
// English, Njia's own words too, which name what is wrong).
function readable(error, field, key) {
  if (!(error instanceof ApiError) || (error.status !== 422 && error.status !== 400)) return error;
  const said = Object.values(error.fieldErrors()).flat();
  const message = [t(key), ...(language() === "en" ? said : [])].join(" ");
  return new ApiError(422, { error: { code: "validation_error", message, details: { [field]: [message] } } });
}

async function sendTo(request, field, key) {
  try {
    return await request();
  } catch (error) {
    throw readable(error, field, key);
  }
}

async function profilePage({ user }) {
  const zone = zoneOf(user);
  let profile = await loadProfile();
  const sourcesBox = h("div", { id: "profile-sources-box" });
  const viewBox = h("div", { id: "profile-view-box" });
  const progress = h("p", { id: "sync-progress", class: "sync-progress notice", role: "status", "aria-live": "polite" });
  const exportBox = h("div", { class: "actions" });
  let polling = 0;

  function fill() {
    sourcesBox.replaceChildren(sourcesList(profile, zone));
    syncButton.hidden = !((profile && profile.sources) || []).length;
    viewBox.replaceChildren(profileView(profile));
    exportBox.replaceChildren();
    if (hasContent(profile)) exportBox.append(button(t("profile.export"), async (event) => {
        const target = event.currentTarget;
        target.disabled = true;
        try {
          await download(api.blob("/profile/export", { format: "json-resume" }), "resume.json");
        } catch (error) {
          flash(errorText(error), "error");
        } finally {
          target.disabled = false;
        }
      }, { id: "profile-export" }));
  }

  async function refresh() {
    profile = await loadProfile();
    fill();
  }

  // After a source is connected or a sync asked for: follow it for up to 30 s, then show what came of it.
  async function follow(accepted) {
    const mine = ++polling;
    progress.textContent = t("profile.sync_started");
    const until = Date.now() + POLL_FOR_MS;
    let done = false;
    let failed = false;
    while (Date.now() < until && mine === polling && progress.isConnected) {
      await sleep(POLL_EVERY_MS);
      if (mine !== polling || !progress.isConnected) return;
      try {
        if (accepted && accepted.sync_id) {
          const sync = await api.get(`/profile/syncs/${encodeURIComponent(accepted.sync_id)}`);
          progress.textContent = syncLine(sync);
          done = sync.status === "done";
          failed = Object.values(sync.results || {}).some((result) => result.status === "failed");
        }
        await refresh();
        if (!accepted || !accepted.sync_id) done = (profile && profile.sources || []).every((source) => source.status !== "pending");
      } catch (error) {
        progress.textContent = t("profile.sync_check_failed", { reason: errorText(error) });
      }
      if (done) break;
    }
    if (mine !== polling || !progress.isConnected) return;
    if (done) {
      flash(t(failed ? "profile.sync_finished_failed" : "profile.sync_finished"), failed ? "error" : "ok");
    } else {
      progress.textContent = t("profile.sync_slow");
    }
  }

  async function connected(accepted, formNode) {
    formNode.reset();
    flash(t("profile.connected"));
    await refresh().catch(() => {});
    follow(accepted);
  }

  const linkedinForm = form({
    id: "linkedin",
    fields: [{ name: "export", label: t("profile.linkedin_file"), type: "file", accept: ".zip,application/zip", required: true, hint: t("profile.linkedin_hint") }],
    submit: t("profile.linkedin_submit"),
    onSubmit: async (values, formNode) => {
      const file = values.export;
      // Browsers name a ZIP's type differently (or not at all): the body always goes as application/zip.
      const body = file.slice(0, file.size, "application/zip");
      const accepted = await sendTo(() => api.raw("PUT", "/profile/sources/linkedin", { body }), "export", "profile.error_invalid_export");
      await connected(accepted, formNode);
    },
  });

  const jsonResumeForm = form({
    id: "json-resume",
    fields: [{ name: "url", label: t("profile.json_resume_url"), type: "url", required: true, hint: t("profile.json_resume_hint"), inputmode: "url", autocomplete: "url" }],
    submit: t("profile.connect"),
    onSubmit: async (values, formNode) => {
      await connected(await sendTo(() => api.put("/profile/sources/json-resume", { url: values.url }), "url", "profile.error_refused_url"), formNode);
    },
  });

  const jsonResumeFileForm = form({
    id: "json-resume-file",
    fields: [{ name: "document", label: t("profile.json_resume_file"), type: "file", accept: ".json,application/json", required: true, hint: t("profile.json_resume_file_hint") }],
    submit: t("profile.upload"),
    onSubmit: async (values, formNode) => {
      let document;
      try {
        document = JSON.parse(await values.document.text());
      } catch {
        throw new ApiError(422, { error: { code: "validation_error", message: t("profile.not_json"), details: { document: [t("profile.not_json")] } } });
      }
      if (!document || typeof document !== "object" || Array.isArray(document)) {
        throw new ApiError(422, { error: { code: "validation_error", message: t("profile.not_json"), details: { document: [t("profile.not_json")] } } });
      }
      await connected(await sendTo(() => api.put("/profile/sources/json-resume", document), "document", "profile.error_invalid_document"), formNode);
    },
  });

  const githubForm = form({
    id: "github",
    fields: [{ name: "username", label: t("profile.github_username"), required: true, autocomplete: "off", autocapitalize: "none", spellcheck: "false", hint: t("profile.github_hint") }],
    submit: t("profile.connect"),
    onSubmit: async (values, formNode) => {
      await connected(await sendTo(() => api.put("/profile/sources/github", { username: values.username }), "username", "profile.github_invalid"), formNode);
    },
  });

  const syncAlert = h("div", { "aria-live": "assertive" });
  const syncButton = button(t("profile.sync_now"), async () => {
    syncAlert.replaceChildren();
    syncButton.disabled = true;
    try {
      const accepted = await api.post("/profile/sync");
      follow(accepted);
    } catch (error) {
      const noSources = error instanceof ApiError && error.status === 409 && (error.details || {}).reason === "no_sources";
      syncAlert.replaceChildren(alertBox(noSources ? t("profile.no_sources_to_sync") : error));
    } finally {
      syncButton.disabled = false;
    }
  }, { id: "sync-now", class: "primary" });

  fill();
  return page(t("profile.title"),
    h("p", {}, t("profile.intro")),
    card(t("profile.sources"),
      sourcesBox,
      h("div", { class: "actions" }, syncButton),
      syncAlert,
      progress,
      h("p", { class: "hint" }, t("common.times_in", { zone }))),
    card(t("profile.synced"), viewBox, exportBox),
    card(t("profile.kind_linkedin"), linkedinForm),
    card(t("profile.kind_json_resume"), jsonResumeForm, h("p", { class: "hint" }, t("profile.or")), jsonResumeFileForm),
    card(t("profile.kind_github"), githubForm));
}

export const routes = [
  { path: "/profile", roles: ["client"], page: profilePage },
];
