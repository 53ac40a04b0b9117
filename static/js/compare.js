// Compare pages. Form: only the chosen algorithms' options are shown. Results: each unfinished
// job's progress.json is polled; when one finishes the page reloads to show its result.
(() => {
  const form = document.getElementById("compare-form");
  if (form) {
    const boxes = [...form.querySelectorAll("[name=algorithms]")];
    const show = () => {
      const chosen = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
      form.querySelectorAll("fieldset[data-algorithm]").forEach((el) => {
        el.hidden = !chosen.has(el.dataset.algorithm);
      });
    };
    boxes.forEach((b) => b.addEventListener("change", show));
    show();
  }

  const items = [...document.querySelectorAll(".compare-item[data-finished=false]")];
  async function poll() {
    for (const item of items) {
      try {
        const response = await fetch(item.dataset.progressUrl, { cache: "no-store" });
        const p = await response.json();
        if (p.finished) {
          window.location.reload();
          return;
        }
        item.querySelector("[data-field=state]").textContent = p.state_label;
        item.querySelector("[data-field=percent]").textContent = `${p.percent}%`;
      } catch (error) {
        console.warn("compare progress:", error);
      }
    }
    setTimeout(poll, 1500);
  }
  if (items.length) poll();
})();
