// The SPA demo: hash routes #/ (home), #/profile, #/error?code=… — the pattern an SPA team copies.
import { getMe, logout, startLogin } from "./api.js";
import * as views from "./views.js";

const app = document.getElementById("app");
const failures = JSON.parse(document.getElementById("sgid-failures").textContent);
let notice = null;

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
};

function show(nodes) {
  app.replaceChildren(...nodes.filter(Boolean));
  app.querySelector("h1")?.focus();
}

function showError(e) {
  show(views.error(failures[e.code] || failures.unavailable, actions));
}

async function render() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  if (path === "/error") {
    const code = new URLSearchParams(query).get("code");
    show(views.error(failures[code] || failures.untrusted, actions));
    return;
  }
  let me;
  try {
    me = await getMe();
  } catch (e) {
    showError(e);
    return;
  }
  if (path === "/profile" && me) show(views.profile(me, actions));
  else show(views.home(me, actions, notice)); // a 401 anywhere shows the signed-out state
  notice = null;
}

window.addEventListener("hashchange", render);
render();
