// The form builder: picking email, first name or last name in a blank row ticks its Required box
// (GoTo needs all three to register someone), makes email an email field and fills an empty label. One
// listener for the document, so rows that arrive in htmx swaps work too; no inline script.
(() => {
  const NEEDED = new Set(["email", "firstName", "lastName"]);
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement)) return;
    const match = /^field_(\d+)_key$/.exec(select.name);
    const row = select.closest("tr.blank-row");
    if (!match || !row || !NEEDED.has(select.value)) return;
    const required = row.querySelector(`input[name="field_${match[1]}_required"]`);
    if (required instanceof HTMLInputElement && !required.checked) {
      required.checked = true;
      required.dispatchEvent(new Event("change", { bubbles: true }));
    }
    const type = row.querySelector(`select[name="field_${match[1]}_type"]`);
    if (select.value === "email" && type instanceof HTMLSelectElement) type.value = "email";
    const label = row.querySelector(`input[name="field_${match[1]}_label"]`);
    if (label instanceof HTMLInputElement && label.value.trim() === "") {
      label.value = select.selectedOptions[0]?.textContent?.trim() ?? "";
    }
  });
})();
