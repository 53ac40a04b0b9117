// The top menu folds behind the Menu button on narrow screens (site.css decides when, from aria-expanded).
// The button starts hidden, so without this script the menu is simply listed.
(() => {
  const toggle = document.querySelector(".nav-toggle");
  if (!toggle) return;
  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";
  const setOpen = (open) => toggle.setAttribute("aria-expanded", String(open));
  toggle.hidden = false;
  toggle.addEventListener("click", () => setOpen(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    setOpen(false);
    toggle.focus();
  });
})();
