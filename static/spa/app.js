// The SPA demo: hash routes #/ (home), #/profile, #/employment, #/error?code=…&reference=… — the
// pattern an SPA team copies. The page's header (who is signed in, the employment acted in, Log
// out, "Your data") follows the session.
import { chooseEmployment, getMe, logout, startLogin } from "./api.js";
import * as views from "./views.js";

const app = document.getElementById("app");
const failures = JSON.parse(document.getElementById("sgid-failures").textContent);
let notice = null;
let me = null; // who /api/me said is signed in, at the last render

const actions = {
  login: () => startLogin("/app/#/profile").catch(showError),
  logout: async () => {
    try {
      await logout();
      notice = window.gettext(
        "You are signed out. sgID keeps no session for this site, so there is nothing to sign out of there.",
      );
      if (location.hash === "#/") render(); else location.hash = "#/";
    } catch (e) {
      showError(e);
    }
  },
  // A public officer with several employments picks one (the server's /account/employment).
  chooseEmployment: async (index) => {
    if (index === null) {
      show(views.chooseEmployment(me.employment, actions, true));
      return;
    }
    try {
      me.employment = await chooseEmployment(index);
    } catch (e) {
      if (e.code === "no_such_employment") show(views.chooseEmployment(me.employment, actions, true));
      else showError(e);
      return;
    }
    followSession(me);
    if (location.hash === "#/profile") render(); else location.hash = "#/profile";
  },
};

function show(nodes) {
  app.replaceChildren(...nodes.filter(Boolean));
  app.querySelector("h1")?.focus();
}

function showError(e) {
  show(views.error(failures[e.code] || failures.unavailable, actions));
}

// The header was rendered with the page; the session may have ended (logout, expiry, an admin)
// or begun (another tab) since. Signed out: its signed-in parts go. Signed in: they are there.
function followSession(me) {
  const signedIn = document.querySelectorAll(".site-header [data-signed-in]");
  if (!me) {
    signedIn.forEach((element) => element.remove());
    return;
  }
  if (!signedIn.length) {
    document.querySelector(".site-header .nav")?.prepend(views.profileLink("/profile"));
    document.querySelector(".site-header > .wrap").append(views.session(me, actions));
  }
  // The employment acted in: the SPA's own "Change" goes to #/employment, not to the server page.
  const session = document.querySelector(".site-header .session");
  session?.querySelector(".acting-as")?.remove();
  const acting = views.actingAs(me.employment);
  if (session && acting) session.querySelector(".signed-in-as").after(acting);
}

// Several employments: asked when none is chosen yet, and at #/employment to change it.
const asksEmployment = (me, path) =>
  me.employment.choices.length > 1 && (path === "/employment" || !me.employment.current);

// The header's Log out is a form that works without script; here it signs out without leaving.
// Its language chooser reloads the page in another language; the view (the hash, which the
// server never sees) comes back with it.
document.addEventListener("submit", (event) => {
  if (event.target.closest(".site-header .logout-form")) {
    event.preventDefault();
    actions.logout();
  }
  const chooser = event.target.closest(".language-chooser");
  if (chooser && !chooser.elements.next) {
    const next = Object.assign(document.createElement("input"), { type: "hidden", name: "next" });
    chooser.append(next);
  }
  if (chooser) chooser.elements.next.value = location.pathname + location.search + location.hash;
});

async function render() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  if (path === "/error") {
    const params = new URLSearchParams(query);
    show(views.error(failures[params.get("code")] || failures.untrusted, actions, params.get("reference")));
    return;
  }
  try {
    me = await getMe();
  } catch (e) {
    showError(e);
    return;
  }
  followSession(me);
  if (me && asksEmployment(me, path)) show(views.chooseEmployment(me.employment, actions));
  else if (path === "/profile" && me) show(views.profile(me, actions));
  else show(views.home(me, actions, notice)); // a 401 anywhere shows the signed-out state
  notice = null;
}

window.addEventListener("hashchange", render);
render();
