// Rendering: every value goes in through textContent, never as HTML. Text is marked with
// gettext() (Django's JavaScript catalog, /jsi18n/), so it translates with the templates.

const { gettext, interpolate } = window;

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

const heading = (text) => h("h1", { tabindex: "-1" }, text);
const button = (text, onclick, kind = "button-sgid") =>
  h("button", { type: "button", class: `button ${kind}`, onclick }, text);

export function home(me, actions, notice) {
  const status = notice ? h("p", { class: "message", role: "status" }, notice) : null;
  if (!me) {
    return [
      status,
      heading(gettext("Sign in with your Singpass app")),
      h("p", { class: "lead" }, gettext("This page is a single-page app. It asks the backend for " +
        "the sgID sign-in address; the backend does all the talking to sgID and keeps your session.")),
      button(gettext("Log in with sgID"), actions.login),
    ];
  }
  return [
    status,
    heading(me.name ? interpolate(gettext("Hello, %s"), [me.name]) : gettext("You are signed in")),
    h("p", {}, h("a", { class: "button", href: "#/profile" }, gettext("See the data you shared"))),
  ];
}

function fieldValue(field) {
  switch (field.shape) {
    case "not_available":
      return h("span", { class: "not-available" }, field.text);
    case "lines":
      return field.lines.flatMap((line, i) => (i ? [h("br"), line] : [line]));
    case "table":
      // Each record a labelled card, as on the server-rendered profile: fits at any width.
      return h("ol", { class: "records" }, field.records.map((record) =>
        h("li", { class: "record" },
          record.title ? h("h2", { class: "record-title" }, record.title) : null,
          h("dl", { class: "record-items" }, record.items.map((item) =>
            h("div", { class: "record-item" }, h("dt", {}, item.label), h("dd", {}, item.text)))))));
    default:
      return field.text;
  }
}

export function profile(me, actions) {
  const rows = me.fields.map((field) =>
    h("div", { class: `profile-row${field.shape === "table" ? " profile-row-wide" : ""}` },
      h("dt", {}, field.label), h("dd", {}, fieldValue(field))));
  return [
    heading(gettext("The data you shared")),
    rows.length
      ? h("dl", { class: "profile" }, rows)
      : h("p", {}, gettext("You signed in without sharing any details beyond your sgID identifier.")),
    h("p", { class: "muted" }, gettext("These details stay in your session on the backend only.")),
  ];
}

// The reference a person quotes to support: the id of the request that failed (the login event
// holds it). It arrives in the URL, so only the shape of a request id is shown, never other text.
const REFERENCE = /^[A-Za-z0-9._-]{8,64}$/;

export function error(failure, actions, reference) {
  const quote = REFERENCE.test(reference || "")
    ? h("p", { class: "reference" }, gettext("If you contact us, quote this reference:"), " ", h("code", {}, reference))
    : null;
  return [
    h("div", { class: "error-panel", role: "alert" }, heading(failure.title), h("p", {}, failure.message), quote),
    button(gettext("Try again"), actions.login),
    h("p", {}, h("a", { href: "#/" }, gettext("Back to the start"))),
  ];
}

/** The header's signed-in part, for a session that began after the page was served. */
export function session(me, actions) {
  const name = me.name
    ? [h("span", { class: "visually-hidden" }, gettext("Signed in as") + " "), h("span", { class: "signed-in-name" }, me.name)]
    : [gettext("Signed in")];
  return h("div", { class: "session", "data-signed-in": "" },
    h("p", { class: "signed-in-as" }, name),
    button(gettext("Log out"), actions.logout, "button-secondary"));
}

export function profileLink(href) {
  return h("li", { "data-signed-in": "" }, h("a", { href }, gettext("Your data")));
}

/** "Acting as …" for the header: the employment this session acts in, and a way to change it. */
export function actingAs(employment) {
  const chosen = employment?.current;
  if (!chosen) return null;
  const role = [chosen.title, chosen.agency].filter(Boolean).join(", ");
  return h("p", { class: "acting-as" },
    h("span", { class: "acting-as-label" }, gettext("Acting as")), " ",
    h("span", { class: "acting-as-role" }, role),
    employment.choices.length > 1
      ? h("a", { href: "#/employment", "aria-label": gettext("Change employment") }, gettext("Change"))
      : null);
}

/** The choice a public officer with several employments makes, as /account/employment asks it. */
export function chooseEmployment(employment, actions, invalid = false) {
  const checked = employment.current?.index;
  const problem = invalid
    ? h("p", { id: "employment-error", class: "employment-error", role: "alert" },
      gettext("Choose one of your employments."))
    : null;
  const options = employment.choices.map((choice) => {
    const id = `employment-${choice.index}`;
    const details = [choice.department, choice.type].filter(Boolean);
    const radio = h("input", {
      type: "radio", name: "employment", id, value: String(choice.index),
      "aria-describedby": `${id}-details`,
    });
    radio.checked = choice.index === checked;
    return h("div", { class: "employment-choice" },
      radio,
      h("label", { for: id },
        h("span", { class: "employment-title" }, choice.title || gettext("Employment")),
        choice.agency ? `, ${choice.agency}` : null),
      h("ul", { class: "employment-details", id: `${id}-details` },
        details.map((detail) => h("li", {}, detail))));
  });
  const onsubmit = (event) => {
    event.preventDefault();
    const picked = event.target.querySelector("input[name=employment]:checked");
    actions.chooseEmployment(picked ? Number(picked.value) : null);
  };
  return [
    h("form", { class: "employment-form", onsubmit, novalidate: "" },
      h("fieldset", { class: "employment-choices", ...(invalid ? { "aria-describedby": "employment-error" } : {}) },
        h("legend", {}, heading(gettext("Which employment are you acting in?"))),
        h("p", { class: "muted" }, gettext("sgID lists more than one employment for you. Choose the " +
          "one you act in for this session; you can change it at any time from the top of the page.")),
        problem,
        options),
      h("button", { type: "submit", class: "button button-primary" }, gettext("Continue"))),
  ];
}
