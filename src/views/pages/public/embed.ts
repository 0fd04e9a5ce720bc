/**
 * The embed snippet's script: it puts the form in an iframe right after its own script tag and
 * sets the iframe's height from the messages the form page's /js/form-frame.js sends, so the form
 * never shows a scroll bar. The parent page's UTM parameters and address travel to the form.
 */
export function embedScript(origin: string, formId: string): string {
  const config = JSON.stringify({ origin, formId });
  return `(function () {
  "use strict";
  var config = ${config};
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  var src = new URL(config.origin + "/f/" + encodeURIComponent(config.formId));
  src.searchParams.set("embed", "1");
  ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
    var v = params.get(k);
    if (v) src.searchParams.set(k, v);
  });
  src.searchParams.set("ref", window.location.href.slice(0, 1000));
  var frame = document.createElement("iframe");
  frame.src = src.href;
  frame.title = "Registration form";
  frame.setAttribute("data-rollcall-form", config.formId);
  frame.setAttribute("scrolling", "no");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "480px";
  frame.style.overflow = "hidden";
  if (script && script.parentNode) script.parentNode.insertBefore(frame, script.nextSibling);
  else document.body.appendChild(frame);
  window.addEventListener("message", function (event) {
    if (event.origin !== config.origin || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type === "rollcall:height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = Math.ceil(Math.min(data.height, 20000)) + "px";
    } else if (data.type === "rollcall:redirect" && typeof data.url === "string" && /^https?:\\/\\//.test(data.url)) {
      window.location.href = data.url;
    }
  });
})();
`;
}
