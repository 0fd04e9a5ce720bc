// Copy buttons in the admin pages: <button type="button" data-copy="element-id">. One listener for
// the whole document (buttons may arrive in htmx swaps); no inline script, so the CSP holds.
(() => {
  const copy = async (text, source) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // No clipboard API (plain http, older browsers): select the text and ask the document.
      if (source && typeof source.select === "function") {
        source.focus();
        source.select();
        return document.execCommand("copy");
      }
      return false;
    }
  };
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    const source = document.getElementById(button.getAttribute("data-copy") ?? "");
    if (!source) return;
    const text = "value" in source ? source.value : (source.textContent ?? "");
    const label = button.getAttribute("data-label") ?? button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = (await copy(text, source)) ? "Copied" : "Press Ctrl+C to copy";
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
})();
