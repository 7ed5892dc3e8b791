// The backend-for-frontend API. The SPA never talks to sgID: the backend holds the client
// secret, the private key, the tokens and the session; the SPA only holds the session cookie.

let csrfToken = null;

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    csrfToken ??= (await call("GET", "/api/csrf")).csrfToken;
    headers["X-CSRFToken"] = csrfToken;
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.message || response.statusText), {
    status: response.status,
    code: data.error || "unavailable",
  });
  return data;
}

/** The signed-in person, or null when signed out (401). */
export async function getMe() {
  try {
    return await call("GET", "/api/me");
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

/** Ask the backend for a new login attempt and go to sgID. */
export async function startLogin(next) {
  const { url } = await call("POST", "/auth/login", { next });
  window.location.assign(url);
}

export async function logout() {
  await call("POST", "/auth/logout");
  csrfToken = null; // Django rotates the token with the session
}

/** Act in employment `index` for this session; answers as `employment` in /api/me. */
export async function chooseEmployment(index) {
  return call("POST", "/api/employment", { index });
}
