/** What `simulatorFetch` needs: the GoToSimulator namespace, the development entry's GOTO_SIMULATOR. */
interface SimulatorBinding {
  GOTO_SIMULATOR: { getByName(name: string): { fetch(request: Request): Promise<Response> } };
}

/**
 * GoTo's real hosts and the simulator path each one maps to. The GoTo client always uses the real
 * URLs; in simulator mode it is handed `simulatorFetch(env)` (src/dev/goto.ts), in live mode the
 * global `fetch`.
 */
const ROUTES: readonly { origin: string; prefix: string; simPrefix: string }[] = [
  { origin: "https://authentication.logmeininc.com", prefix: "/oauth/", simPrefix: "/sim/oauth/" },
  // The decommissioned legacy token host; some old clients still use it.
  { origin: "https://api.getgo.com", prefix: "/oauth/v2/", simPrefix: "/sim/oauth/" },
  { origin: "https://api.getgo.com", prefix: "/admin/rest/v1/", simPrefix: "/sim/admin/rest/v1/" },
  { origin: "https://api.getgo.com", prefix: "/G2W/rest/v2/", simPrefix: "/sim/G2W/rest/v2/" },
];

/** Header the simulator sees on requests that came through this stub rather than a browser. */
export const VIA_STUB_HEADER = "x-goto-simulator-via";

/** Maps a real GoTo URL to its `/sim/...` path (with the query string), or null if it is not a GoTo URL. */
export function simulatorPath(url: URL): string | null {
  for (const route of ROUTES) {
    if (url.origin === route.origin && url.pathname.startsWith(route.prefix)) {
      return `${route.simPrefix}${url.pathname.slice(route.prefix.length)}${url.search}`;
    }
  }
  return null;
}

/**
 * A `fetch` that sends requests for GoTo's real URLs (`https://authentication.logmeininc.com/oauth/…`,
 * `https://api.getgo.com/admin/rest/v1/…`, `https://api.getgo.com/G2W/rest/v2/…`) to the
 * GoToSimulator Durable Object, which answers them exactly as it answers `/sim/…`. Method, headers
 * and body pass through unchanged. Any other URL rejects with a TypeError, as `fetch` does for a
 * host it cannot reach, so a client bug never silently escapes to the network.
 */
export function simulatorFetch(env: SimulatorBinding): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = simulatorPath(url);
    if (path === null) throw new TypeError(`simulatorFetch: ${url.origin}${url.pathname} is not a GoTo URL`);
    const headers = new Headers(request.headers);
    headers.set(VIA_STUB_HEADER, "stub");
    const forwarded = new Request(`${url.origin}${path}`, {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer(),
      redirect: "manual",
      signal: request.signal,
    });
    return env.GOTO_SIMULATOR.getByName("default").fetch(forwarded);
  };
}
