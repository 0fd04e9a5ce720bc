// Rollcall form pages: tell the embedding page (embed.js) how tall the form is, so its iframe fits,
// and hand redirects after a submission to the top page. Does nothing on a hosted page.
(() => {
  const inFrame = window.parent !== window;
  const send = (message) => {
    if (inFrame) window.parent.postMessage(message, "*");
  };
  const reportHeight = () => {
    // The body's own height, not the document's: that is at least the iframe's current height.
    send({ type: "rollcall:height", height: Math.ceil(document.body.getBoundingClientRect().height) });
  };
  const followRedirect = () => {
    const target = document.querySelector("[data-redirect-url]");
    const url = target?.getAttribute("data-redirect-url");
    if (!url || !/^https?:\/\//.test(url)) return;
    if (inFrame) send({ type: "rollcall:redirect", url });
    else window.location.href = url;
  };
  const start = () => {
    reportHeight();
    if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.body);
    document.addEventListener("htmx:after:swap", () => {
      reportHeight();
      followRedirect();
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("load", reportHeight);
})();
