// The client's assessments: the catalog, taking one a page at a time (drafts saved on the way), and results.

import { ApiError, api, session } from "../api.js";
import { formatDateTime, formatNumber, language, t } from "../i18n.js";
import { alertBox, button, card, empty, errorText, flash, h, page, table } from "../ui.js";

const PER_PAGE = 8;
const ZONES = [1, 2, 3, 4, 5];
const OUTLOOKS = {
  "much faster than average": "much_faster",
  "faster than average": "faster",
  "about as fast as average": "average",
  "little or no change": "little",
  decline: "decline",
};

// An assessment's definition (area names and descriptions) in the reader's language, fetched once.
const definitions = new Map();
function definition(key) {
  const id = `${key}:${language()}`;
  if (!definitions.has(id)) {
    const found = api.get(`/assessments/${encodeURIComponent(key)}`, { lang: language() });
    found.catch(() => definitions.delete(id));
    definitions.set(id, found);
  }
  return definitions.get(id);
}

// Area names and the title in the reader's language (a result comes in its owner's stored language).
async function areaNames(key) {
  try {
    const found = await definition(key);
    return Object.fromEntries([...found.areas.map((area) => [area.key, area]), ["", { name: found.title }]]);
  } catch {
    return {};
  }
}

const titleOf = (result, areas) => (areas[""] && areas[""].name) || result.title || result.key;

const areaName = (areas, key) => (areas[key] ? areas[key].name : key);
const zoneOf = (user) => (user && user.timezone) || "Africa/Nairobi";

async function draftOf(key) {
  try {
    return await api.get(`/assessments/${encodeURIComponent(key)}/draft`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// 1. The catalog and the client's results -------------------------------------------------------------

async function catalogPage({ user, render }) {
  const [catalog, results] = await Promise.all([
    api.get("/assessments", { lang: language() }),
    api.get("/results", { limit: 50 }),
  ]);
  const drafts = await Promise.all(catalog.items.map((item) => draftOf(item.key).catch(() => null)));
  const zone = zoneOf(user);
  const newest = [...results.items].sort((a, b) => new Date(b.created_at) - new Date(a.created_at));
  const summaries = await Promise.all(newest.map((result) => resultSummary(result)));
  return page(t("assessments.title"),
    h("p", {}, t("assessments.intro")),
    card(t("assessments.catalog"),
      h("ul", { class: "list", id: "assessment-catalog" }, catalog.items.map((item, index) => {
        const draft = drafts[index];
        const discard = async (event) => {
          const target = event.currentTarget;
          if (!window.confirm(t("assessments.discard_confirm"))) return;
          target.disabled = true;
          try {
            await api.delete(`/assessments/${encodeURIComponent(item.key)}/draft`);
            flash(t("assessments.discarded"));
            render();
          } catch (error) {
            target.disabled = false;
            flash(errorText(error), "error");
          }
        };
        return h("li", { class: "assessment", id: `assessment-${item.key}` },
          h("h3", {}, item.title),
          item.description ? h("p", {}, item.description) : null,
          h("p", { class: "meta" }, t("assessments.size", { items: item.item_count, minutes: item.minutes })),
          draft ? h("p", { class: "meta" }, t("assessments.draft_saved", {
            answered: draft.answered, total: draft.total, when: formatDateTime(draft.updated_at, zone),
          })) : null,
          h("div", { class: "actions" },
            h("a", { class: "button-link", href: `#/assessments/${item.key}`, id: `take-${item.key}` },
              draft ? t("assessments.resume") : t("assessments.start"),
              h("span", { class: "visually-hidden" }, `: ${item.title}`)),
            draft ? button(t("assessments.discard"), discard, { id: `discard-${item.key}`, "aria-label": `${t("assessments.discard")}: ${item.title}` }) : null));
      })),
      drafts.some(Boolean) ? h("p", { class: "hint" }, t("common.times_in", { zone })) : null),
    card(t("assessments.my_results"),
      summaries.length
        ? h("ul", { class: "list", id: "my-results" }, summaries.map((node) => h("li", {}, node)))
        : empty(t("assessments.no_results"))));
}

// 2. Taking an assessment -----------------------------------------------------------------------------

async function takePage({ params, navigate }) {
  const key = params.key;
  const [assessment, draft] = await Promise.all([
    api.get(`/assessments/${encodeURIComponent(key)}`, { lang: language() }),
    draftOf(key),
  ]);
  const items = assessment.items;
  const pages = Math.max(1, Math.ceil(items.length / PER_PAGE));
  const { min, max, labels } = assessment.scale;
  const answers = { ...((draft && draft.answers) || {}) };
  let errors = {};
  let current = 0;
  if (draft && draft.next_item_id) {
    const at = items.findIndex((item) => item.id === draft.next_item_id);
    if (at >= 0) current = Math.floor(at / PER_PAGE);
  }

  const answeredCount = () => items.filter((item) => answers[item.id] !== undefined).length;
  const progressBar = h("progress", { id: "assessment-progress", max: items.length, value: 0, "aria-labelledby": "assessment-progress-text" });
  const progressText = h("p", { id: "assessment-progress-text", class: "meta" });
  const showProgress = () => {
    const answered = answeredCount();
    progressBar.value = answered;
    progressText.textContent = t("assessments.progress", { answered, total: items.length });
  };
  const alert = h("div", { class: "form-alert", "aria-live": "assertive" });
  const body = h("div", { class: "assessment-page" });
  const saveNote = h("p", { class: "meta", role: "status", id: "assessment-save-status" });
  const formNode = h("form", { id: "assessment-form", class: "assessment-form", novalidate: true }, alert, body);

  function itemNode(item, number) {
    const errorId = `item-${item.id}-error`;
    const set = h("fieldset", {
      class: ["item", errors[item.id] ? "item-invalid" : null], id: `item-${item.id}`,
      "aria-describedby": errorId, "aria-invalid": errors[item.id] ? "true" : null,
    },
    h("legend", {}, h("span", { class: "item-number" }, `${number}. `), item.text),
    h("div", { class: "scale" }, labels.map((label, index) => {
      const value = min + index;
      const inputId = `item-${item.id}-${value}`;
      return h("label", { class: "scale-option", for: inputId },
        h("input", {
          type: "radio", id: inputId, name: `answers.${item.id}`, value: String(value),
          checked: answers[item.id] === value,
          on: { change: () => {
            answers[item.id] = value;
            if (errors[item.id]) {
              delete errors[item.id];
              set.classList.remove("item-invalid");
              set.removeAttribute("aria-invalid");
              document.getElementById(errorId).textContent = "";
            }
            showProgress();
          } },
        }),
        h("span", {}, label));
    }).slice(0, max - min + 1)),
    h("p", { class: "field-error", id: errorId }, errors[item.id] || ""));
    return set;
  }

  function showPage(focus) {
    const first = current * PER_PAGE;
    const last = current === pages - 1;
    const heading = h("h2", { tabindex: "-1", id: "assessment-page-heading" }, t("assessments.page_of", { page: current + 1, pages }));
    body.replaceChildren(
      heading,
      h("p", { class: "prompt" }, assessment.prompt),
      ...items.slice(first, first + PER_PAGE).map((item, index) => itemNode(item, first + index + 1)),
      h("div", { class: "actions assessment-nav" },
        current > 0 ? button(t("assessments.previous"), () => move(-1), { id: "assessment-previous" }) : null,
        last
          ? h("button", { type: "submit", class: "primary", id: "assessment-submit" }, t("assessments.submit"))
          : h("button", { type: "submit", class: "primary", id: "assessment-next" }, t("assessments.next")),
        button(t("assessments.save_later"), saveLater, { id: "assessment-save" })),
      saveNote);
    showProgress();
    if (focus) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start" });
    }
  }

  async function saveDraft() {
    const saved = await api.put(`/assessments/${encodeURIComponent(key)}/draft`, { answers });
    saveNote.textContent = t("assessments.autosaved");
    return saved;
  }

  async function move(step) {
    current = Math.min(pages - 1, Math.max(0, current + step));
    showPage(true);
    // Autosave as the client moves on; a failure keeps every answer here and says so quietly.
    try {
      await saveDraft();
    } catch (error) {
      saveNote.textContent = t("assessments.autosave_failed", { reason: errorText(error) });
    }
  }

  async function saveLater(event) {
    const target = event.currentTarget;
    target.disabled = true;
    alert.replaceChildren();
    try {
      await saveDraft();
      flash(t("assessments.saved_for_later"));
      navigate("/assessments");
    } catch (error) {
      target.disabled = false;
      alert.replaceChildren(alertBox(error));
      alert.focus?.();
    }
  }

  async function submit() {
    alert.replaceChildren();
    formNode.setAttribute("aria-busy", "true");
    const submitButton = document.getElementById("assessment-submit");
    if (submitButton) submitButton.disabled = true;
    try {
      const result = await api.post(`/assessments/${encodeURIComponent(key)}/responses`, { answers });
      flash(t("assessments.submitted"));
      navigate(`/results/${result.id}`);
    } catch (error) {
      if (submitButton) submitButton.disabled = false;
      const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};
      const named = Object.keys(fieldErrors).map((name) => name.replace(/^answers\./, "")).filter((id) => items.some((item) => item.id === id));
      if (!named.length) {
        alert.replaceChildren(alertBox(error));
        alert.scrollIntoView?.({ block: "nearest" });
        return;
      }
      errors = Object.fromEntries(named.map((id) => [id, answers[id] === undefined ? t("assessments.not_answered") : t("assessments.off_scale", { min, max })]));
      const order = items.map((item) => item.id).filter((id) => errors[id]);
      const onPages = [...new Set(order.map((id) => Math.floor(items.findIndex((item) => item.id === id) / PER_PAGE) + 1))];
      current = onPages[0] - 1;
      showPage(false);
      alert.replaceChildren(alertBox(t("assessments.unanswered", { count: order.length, pages: onPages.join(", ") })));
      const firstItem = document.querySelector(`#item-${CSS.escape(order[0])} input`);
      alert.scrollIntoView?.({ block: "start" });
      firstItem?.focus({ preventScroll: true });
    } finally {
      formNode.removeAttribute("aria-busy");
    }
  }

  formNode.addEventListener("submit", (event) => {
    event.preventDefault();
    if (current < pages - 1) move(1);
    else submit();
  });

  showPage(false);
  return page(assessment.title,
    assessment.description ? h("p", {}, assessment.description) : null,
    draft ? h("p", { class: "notice", role: "status" }, t("assessments.resuming", { answered: draft.answered, total: draft.total })) : null,
    h("div", { class: "assessment-progress" }, progressText, progressBar),
    formNode,
    h("p", {}, h("a", { href: "#/assessments" }, t("assessments.back"))));
}

// 3. A result ------------------------------------------------------------------------------------------

function scoreList(result, areas) {
  const { min, max } = result.score_range;
  const ranking = result.ranking && result.ranking.length ? result.ranking : Object.keys(result.scores);
  return table(
    [t("assessments.area"), t("assessments.score")],
    ranking.map((key) => [
      areas[key] ? h("span", {}, h("strong", {}, areaName(areas, key)), result.key === "riasec" ? ` (${key})` : null) : key,
      formatNumber(result.scores[key]),
    ]),
    t("assessments.scores_caption", { min, max }));
}

function chartAlt(result, areas) {
  const ranking = result.ranking && result.ranking.length ? result.ranking : Object.keys(result.scores);
  const parts = ranking.map((key) => `${areaName(areas, key)} ${formatNumber(result.scores[key])}`).join(", ");
  return t("assessments.chart_alt", { title: titleOf(result, areas), scores: parts, min: result.score_range.min, max: result.score_range.max });
}

async function chartImage(result, areas) {
  const box = h("figure", { class: "result-chart" });
  try {
    const blob = await api.blob(`/results/${encodeURIComponent(result.id)}/chart.svg`, { lang: language() });
    const url = URL.createObjectURL(blob);
    const image = h("img", { src: url, alt: chartAlt(result, areas), id: "result-chart", class: "result-chart-image" });
    image.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    image.addEventListener("error", () => URL.revokeObjectURL(url), { once: true });
    box.append(image);
  } catch (error) {
    box.append(h("p", { class: "notice" }, t("assessments.chart_failed", { reason: errorText(error) })));
  }
  return box;
}

function codeExplained(result, areas, mine) {
  if (result.key === "riasec" && result.code) {
    return h("div", { id: "result-code" },
      h("p", {}, t(mine ? "assessments.code_is" : "assessments.code_is_other", { code: result.code })),
      h("ul", { class: "code-letters" }, [...result.code].map((letter) => h("li", {},
        h("strong", {}, `${letter} — ${areaName(areas, letter)}`),
        areas[letter] && areas[letter].description ? `: ${areas[letter].description}` : null))),
      result.alternative_codes && result.alternative_codes.length
        ? h("p", { class: "meta" }, t("assessments.alternatives", { codes: result.alternative_codes.join(", ") })) : null);
  }
  const top = result.top_values && result.top_values.length ? result.top_values : (result.ranking || []).slice(0, 3);
  return h("div", { id: "result-code" },
    h("p", {}, t(mine ? "assessments.top_values_intro" : "assessments.top_values_intro_other")),
    h("ul", { class: "code-letters" }, top.map((key) => h("li", {},
      h("strong", {}, areaName(areas, key)),
      areas[key] && areas[key].description ? `: ${areas[key].description}` : null))));
}

function wageText(match) {
  if (match.median_wage === null || match.median_wage === undefined) return null;
  let amount;
  try {
    amount = formatNumber(match.median_wage, match.wage_currency
      ? { style: "currency", currency: match.wage_currency, currencyDisplay: "code", maximumFractionDigits: 0 } : { maximumFractionDigits: 0 });
  } catch {
    amount = formatNumber(match.median_wage, { maximumFractionDigits: 0 });
  }
  const period = match.wage_period === "hour" ? t("assessments.per_hour") : match.wage_period === "year" ? t("assessments.per_year") : "";
  const text = t(match.median_wage_at_least ? "assessments.wage_at_least" : "assessments.wage", { amount, period }).trim();
  const where = [match.labour_region, match.wage_year].filter(Boolean).join(", ");
  return where ? `${text} (${where})` : text;
}

function outlookText(outlook) {
  if (!outlook) return null;
  const key = OUTLOOKS[outlook];
  return key ? t(`assessments.outlook_${key}`) : outlook;
}

const MATCHES_SHOWN = 10;

// The best ten, then the rest on asking ("Show more" moves focus to the first one it adds).
function matchList(matches) {
  if (!matches.length) return empty(t("assessments.no_matches"));
  const items = matches.map(matchItem);
  const list = h("ol", { class: "list matches", id: "result-matches" }, items.slice(0, MATCHES_SHOWN));
  if (items.length <= MATCHES_SHOWN) return list;
  const more = button(t("common.more"), () => {
    list.append(...items.slice(MATCHES_SHOWN));
    more.remove();
    const first = items[MATCHES_SHOWN].querySelector("h3");
    first.setAttribute("tabindex", "-1");
    first.focus();
  }, { id: "result-matches-more", "aria-controls": "result-matches" });
  return h("div", {}, list, h("div", { class: "actions matches-more" }, more));
}

function matchItem(match) {
  const wage = wageText(match);
  const outlook = outlookText(match.outlook);
  return h("li", { class: "match" },
    h("h3", { class: "match-title" }, match.title),
    h("dl", { class: "facts" },
      h("dt", {}, t("assessments.fit")), h("dd", {}, formatNumber(match.fit, { style: "percent", maximumFractionDigits: 0 })),
      h("dt", {}, t("assessments.job_zone")), h("dd", {}, t(`assessments.zone_${match.job_zone}`), ` (${t("assessments.zone_n", { n: match.job_zone })})`),
      wage ? [h("dt", {}, t("assessments.median_wage")), h("dd", {}, wage)] : null,
      outlook ? [h("dt", {}, t("assessments.outlook")), h("dd", {}, outlook,
        match.employment_change_pct !== null && match.employment_change_pct !== undefined
          ? ` (${formatNumber(match.employment_change_pct / 100, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" })}${match.projection_period ? `, ${match.projection_period}` : ""})` : null)] : null,
      match.occupation_code ? [h("dt", {}, t("assessments.occupation_code")), h("dd", {}, match.occupation_code)] : null));
}

function notesOf(notes) {
  return notes && notes.length ? h("ul", { class: "result-notes" }, notes.map((note) => h("li", { class: "notice" }, note))) : null;
}

async function resultPage({ params, user }) {
  const result = await api.get(`/results/${encodeURIComponent(params.id)}`);
  const areas = await areaNames(result.key);
  const zone = zoneOf(user);
  const mine = Boolean(user && result.client_id === user.id);
  let matches = result.matches || [];
  // The ties are explained beside the code, in the reader's language; the stored note would say it again.
  const alternative = (result.alternative_codes || [])[0];
  let notes = (result.notes || []).filter((note) => !(alternative && note.includes(alternative)));
  if (!matches.length && result.key !== "riasec") {
    try {
      const again = await api.get(`/results/${encodeURIComponent(result.id)}/matches`);
      matches = again.items;
      notes = [...new Set([...notes, ...again.notes])];
    } catch { /* the result's own (empty) list stands */ }
  }
  const matchBox = h("div", { id: "result-matches-box", "aria-live": "polite" }, notesOf(notes), matchList(matches));
  const chosen = new Set(result.job_zones && result.job_zones.length ? result.job_zones : ZONES);
  const zoneForm = h("form", { id: "job-zones", class: "zone-filter", novalidate: true },
    h("fieldset", {},
      h("legend", {}, t("assessments.zones_legend")),
      ZONES.map((n) => h("div", { class: "field-check" },
        h("input", { type: "checkbox", id: `job-zones-${n}`, name: "job_zones", value: String(n), checked: chosen.has(n) }),
        h("label", { for: `job-zones-${n}` }, `${n} — ${t(`assessments.zone_${n}`)}`)))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", id: "job-zones-submit" }, t("assessments.zones_submit"))));
  zoneForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const zones = [...zoneForm.querySelectorAll("input:checked")].map((input) => input.value);
    if (!zones.length) {
      matchBox.replaceChildren(alertBox(t("assessments.zones_none")));
      return;
    }
    const submitButton = zoneForm.querySelector("button");
    submitButton.disabled = true;
    try {
      const again = await api.get(`/results/${encodeURIComponent(result.id)}/matches`, { job_zones: zones.join(",") });
      matchBox.replaceChildren(...[notesOf(again.notes), matchList(again.items)].filter(Boolean));
    } catch (error) {
      matchBox.replaceChildren(alertBox(error));
    } finally {
      submitButton.disabled = false;
    }
  });
  return page(titleOf(result, areas),
    h("p", { class: "meta" }, t("assessments.taken_on", { when: formatDateTime(result.created_at, zone) }), " ", t("common.times_in", { zone })),
    card(t(result.key === "riasec" ? (mine ? "assessments.your_code" : "assessments.code_heading")
      : (mine ? "assessments.your_top_values" : "assessments.top_values_heading")), codeExplained(result, areas, mine)),
    card(t(mine ? "assessments.scores" : "assessments.scores_heading"), await chartImage(result, areas), scoreList(result, areas)),
    card(t("assessments.matches"),
      h("p", { class: "hint" }, t(mine ? "assessments.matches_intro" : "assessments.matches_intro_other")),
      zoneForm, matchBox),
    mine ? h("p", {}, h("a", { href: "#/assessments" }, t("assessments.back"))) : null);
}

// 4. A compact card of a result, for lists here and on counselors' pages -------------------------------

export async function resultSummary(result) {
  const areas = await areaNames(result.key);
  const zone = zoneOf(session.user);
  const ranking = result.ranking && result.ranking.length
    ? result.ranking
    : Object.keys(result.scores || {}).sort((a, b) => result.scores[b] - result.scores[a]);
  const top = ranking.slice(0, 3);
  return h("article", { class: "result-summary", id: `result-${result.id}` },
    h("h3", { class: "title" }, h("a", { href: `#/results/${result.id}` }, titleOf(result, areas))),
    h("p", { class: "meta" }, formatDateTime(result.created_at, zone),
      result.code ? [" · ", t("assessments.code_label", { code: result.code })] : null),
    top.length ? h("p", { class: "top-scores" }, t("assessments.top_scores"), " ",
      top.map((key, index) => [index ? ", " : "", `${areaName(areas, key)} ${formatNumber(result.scores[key])}`])) : null);
}

export const routes = [
  { path: "/assessments", roles: ["client"], page: catalogPage },
  { path: "/assessments/:key", roles: ["client"], page: takePage },
  { path: "/results/:id", roles: ["client", "counselor", "admin"], page: resultPage },
];
