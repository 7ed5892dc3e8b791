// The SPA demo: hash routes #/ (home), #/profile, #/error?code=…&reference=… — the pattern an SPA
// team copies. The page's header (who is signed in, Log out, "Your data") follows the session.
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

// The header was rendered with the page; the session may have ended (logout, expiry, an admin)
// or begun (another tab) since. Signed out: its signed-in parts go. Signed in: they are there.
function followSession(me) {
  const signedIn = document.querySelectorAll(".site-header [data-signed-in]");
  if (!me) {
    signedIn.forEach((element) => element.remove());
  } else if (!signedIn.length) {
    document.querySelector(".site-header .nav")?.prepend(views.profileLink("/profile"));
    document.querySelector(".site-header .wrap").append(views.session(me, actions));
  }
}

// The header's Log out is a form that works without script; here it signs out without leaving.
document.addEventListener("submit", (event) => {
  if (event.target.closest(".site-header .logout-form")) {
    event.preventDefault();
    actions.logout();
  }
});

async function render() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  if (path === "/error") {
    const params = new URLSearchParams(query);
    show(views.error(failures[params.get("code")] || failures.untrusted, actions, params.get("reference")));
    return;
  }
  let me;
  try {
    me = await getMe();
  } catch (e) {
    showError(e);
    return;
  }
  followSession(me);
  if (path === "/profile" && me) show(views.profile(me, actions));
  else show(views.home(me, actions, notice)); // a 401 anywhere shows the signed-out state
  notice = null;
}

window.addEventListener("hashchange", render);
render();
