// "My path" (a client's career pathways toward a target, the gap at each step) and the printable CV
// with its hints; counselors and admins open the same for a client from the client's record.

import { ApiError, api } from "../api.js";
import { language, locale, t } from "../i18n.js";
import { alertBox, button, card, empty, h, page } from "../ui.js";

const me = (user) => user.id;
// BLS's words for projected employment change, as the API gives them.
const OUTLOOKS = {
  "much faster than average": "much_faster", "faster than average": "faster", "about as fast as average": "average",
  "little or no change": "flat", decline: "decline",
};

function money(step) {
  if (step.median_wage == null || !step.wage_currency) return null;
  const amount = new Intl.NumberFormat(locale(), { style: "currency", currency: step.wage_currency, maximumFractionDigits: 0 })
    .format(step.median_wage);
  return t(`path.wage_${step.wage_period || "year"}`, { amount });
}

function fitWords(fit) {
  if (fit == null) return null;
  if (fit >= 0.6) return t("path.fit_strong");
  if (fit >= 0.3) return t("path.fit_fair");
  return t("path.fit_weak");
}

function stepView(step, index) {
  const facts = [t(`path.zone_${step.job_zone}`), money(step), OUTLOOKS[step.outlook] ? t(`path.outlook_${OUTLOOKS[step.outlook]}`) : null,
    fitWords(step.interest_fit)].filter(Boolean);
  const skills = step.skills_to_add || [];
  return h("li", { class: "path-step" },
    h("p", { class: "title" }, t("path.step", { n: index + 1 }), " ", h("strong", {}, step.title)),
    h("p", { class: "meta" }, facts.join(" · ")),
    step.coverage != null ? h("p", { class: "meta" }, t("path.coverage", { percent: Math.round(step.coverage * 100) })) : null,
    skills.length
      ? h("div", {}, h("p", {}, t("path.to_learn")), h("ul", { class: "skills" }, skills.map((skill) => h("li", {}, skill.label))))
      : h("p", { class: "meta" }, t("path.nothing_to_learn")));
}

function pathView(path, start) {
  return h("li", { class: "pathway", id: `pathway-${path.rank}` },
    h("p", { class: "title" }, t("path.route", { rank: path.rank, steps: path.steps.length })),
    start ? h("p", { class: "meta" }, t("path.from", { title: start })) : null,
    h("ol", { class: "list" }, path.steps.map(stepView)));
}

async function pathways(clientId, target) {
  try {
    return { value: await api.get(`/clients/${clientId}/pathways`, { target }) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 422 && !target) return { needsTarget: true };
    return { error };
  }
}

function targetPicker(onChosen) {
  const results = h("ul", { class: "list", id: "target-results" });
  const input = h("input", { id: "target-q", type: "search", name: "q", autocomplete: "off", placeholder: t("path.search_hint") });
  const search = async () => {
    const q = input.value.trim();
    if (!q) return;
    try {
      const found = await api.get("/occupations", { q, lang: language(), limit: 8 });
      results.replaceChildren(...(found.items.length
        ? found.items.map((hit) => h("li", {}, button(hit.title, () => onChosen(hit.code), { class: "link-button", "data-code": hit.code })))
        : [empty(t("path.no_occupation"))]));
    } catch (error) {
      results.replaceChildren(alertBox(error));
    }
  };
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); search(); } });
  return h("div", { class: "target-picker" },
    h("label", { for: "target-q" }, t("path.target_label")),
    h("div", { class: "actions" }, input, button(t("path.search"), search, { id: "target-search" })),
    results);
}

async function pathPage({ params, query, user, navigate }) {
  const clientId = params.id || me(user);
  const own = clientId === me(user);
  const base = own ? "/path" : `/clients/${clientId}/path`;
  const found = await pathways(clientId, query.target);
  const chooser = card(t("path.choose_target"), targetPicker((code) => navigate(`${base}?target=${encodeURIComponent(code)}`)));
  if (found.error) return page(t("path.title"), alertBox(found.error), chooser);
  if (found.needsTarget) return page(t("path.title"), h("p", { class: "hint" }, t("path.needs_target")), chooser);
  const answer = found.value;
  const start = answer.start.title;
  const where = answer.start.source === "position"
    ? t("path.start_position", { title: start, job: answer.start.position_title || start })
    : t("path.start_matches");
  const targets = answer.targets.map((target) => target.title).join(", ");
  return page(t(own ? "path.title" : "path.title_client"),
    h("p", { class: "hint", id: "path-start" }, where),
    h("p", { class: "meta" }, t(query.target ? "path.toward" : "path.toward_matches", { targets })),
    answer.paths.length
      ? h("ol", { class: "pathways", id: "pathways" }, answer.paths.map((path) => pathView(path, answer.start.source === "position" ? start : null)))
      : empty(t("path.none")),
    chooser,
    own ? h("p", {}, h("a", { href: `#/cv${query.target ? `?target=${encodeURIComponent(query.target)}` : ""}`, id: "cv-link" }, t("path.open_cv"))) : null,
    h("p", { class: "meta attribution" }, answer.attribution));
}

// The CV: the server's page in a frame that may print but run nothing, and the hints beside it.
async function cvPage({ params, query, user }) {
  const clientId = params.id || me(user);
  const who = clientId === me(user) ? {} : { client_id: clientId };
  const lang = query.lang === "sw" || query.lang === "en" ? query.lang : language();
  const template = query.template === "compact" ? "compact" : "classic";
  const [html, review] = await Promise.all([
    api.blob("/profile/cv", { ...who, lang, template }),
    api.get("/profile/cv/review", { ...who, lang, target: query.target }),
  ]);
  const frame = h("iframe", { id: "cv-frame", title: t("cv.preview"), sandbox: "allow-same-origin allow-modals", class: "cv-frame" });
  frame.src = URL.createObjectURL(html);
  const print = button(t("cv.print"), () => frame.contentWindow.print(), { class: "primary", id: "cv-print" });
  const hints = review.hints;
  const other = lang === "sw" ? "en" : "sw";
  const target = query.target ? `&target=${encodeURIComponent(query.target)}` : "";
  const here = clientId === me(user) ? "/cv" : `/clients/${clientId}/cv`;
  return page(t(clientId === me(user) ? "cv.title" : "cv.title_client"),
    h("div", { class: "actions" }, print,
      h("a", { href: `#${here}?lang=${other}&template=${template}${target}`, id: "cv-language" }, t(`cv.in_${other}`)),
      h("a", { href: `#${here}?lang=${lang}&template=${template === "classic" ? "compact" : "classic"}${target}`, id: "cv-template" },
        t(template === "classic" ? "cv.compact" : "cv.classic"))),
    card(t("cv.hints_title"), hints.length
      ? h("ul", { class: "list", id: "cv-hints" }, hints.map((hint) => h("li", { "data-code": hint.code }, hint.message)))
      : empty(t("cv.no_hints"))),
    frame);
}

export const routes = [
  { path: "/path", roles: ["client"], page: pathPage },
  { path: "/clients/:id/path", roles: ["counselor", "admin"], page: pathPage },
  { path: "/cv", roles: ["client"], page: cvPage },
  { path: "/clients/:id/cv", roles: ["counselor", "admin"], page: cvPage },
];
