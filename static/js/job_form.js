// The job form shows the options and as many style pickers as the chosen algorithm takes (none for
// Johnson and Denoise, one without a blend weight for Chen). Without JavaScript every section stays
// visible and the server uses the chosen one.
(() => {
  const form = document.getElementById("job-form");
  if (!form) return;
  const select = form.querySelector("[name=algorithm]");
  const styles = form.querySelector("[data-styles]");
  const limits = JSON.parse(document.getElementById("style-limits").textContent);

  function show() {
    form.querySelectorAll("[data-algorithm]").forEach((el) => {
      el.hidden = el.dataset.algorithm !== select.value;
    });
    if (!styles) return;
    const most = limits[select.value] ?? 0;
    styles.hidden = most === 0;
    styles.querySelectorAll("[data-style-row]").forEach((row, index) => {
      row.hidden = index >= most;
      row.querySelector("[data-weight]").hidden = most === 1;
    });
    styles.querySelector("[data-blend-help]").hidden = most < 2;
  }
  select.addEventListener("change", show);
  show();
})();
