// The job form shows the options (and the style pickers) of the chosen algorithm only.
// Without JavaScript every section stays visible and the server uses the chosen one.
(() => {
  const form = document.getElementById("job-form");
  if (!form) return;
  const select = form.querySelector("[name=algorithm]");
  const styles = form.querySelector("[data-styles]");
  const noStyles = new Set((form.dataset.noStyles || "").split(" "));

  function show() {
    form.querySelectorAll("[data-algorithm]").forEach((el) => {
      el.hidden = el.dataset.algorithm !== select.value;
    });
    if (styles) styles.hidden = noStyles.has(select.value);
  }
  select.addEventListener("change", show);
  show();
})();
