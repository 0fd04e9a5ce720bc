// Adds the viewer's own time under a webinar's time, which the server writes in the webinar's time
// zone: <time datetime="..." data-zone="Europe/Berlin">. Nothing is added when both zones give the
// same text. No inline script, so the CSP holds; without JavaScript the server's text stands.
(() => {
  const format = (date, timeZone) =>
    new Intl.DateTimeFormat(undefined, {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    }).format(date);
  const viewer = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const el of document.querySelectorAll("time[data-zone]")) {
    if (el.parentElement?.querySelector(".local-time")) continue;
    const date = new Date(el.getAttribute("datetime") ?? "");
    if (Number.isNaN(date.getTime())) continue;
    let theirs;
    try {
      theirs = format(date, el.getAttribute("data-zone") ?? "UTC");
    } catch {
      continue;
    }
    const mine = format(date, viewer);
    if (mine === theirs) continue;
    const line = document.createElement("small");
    line.className = "local-time muted";
    line.textContent = `Your time: ${mine}`;
    el.after(line);
  }
})();
