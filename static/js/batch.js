// The batch page: one poll of the batch's progress.json updates every cell (state, progress bar,
// the latest preview or the result's thumbnail) until every picture is finished.
(() => {
  const grid = document.getElementById("batch");
  if (!grid || grid.dataset.finished === "true") return;
  const done = document.querySelector("[data-batch=done]");
  const cancel = document.querySelector("[data-batch=cancel]");
  const expected = document.querySelector("[data-batch=expected]"); // how long it takes: moot once all are made

  function update(cell) {
    const el = grid.querySelector(`[data-cell="${cell.id}"]`);
    if (!el) return;
    const state = el.querySelector("[data-field=state]");
    state.textContent = cell.queue_position ? `${cell.state_label} (position ${cell.queue_position})` : cell.state_label;
    state.className = `state state-${cell.state}`;
    el.querySelector("[data-field=bar]").style.width = `${cell.percent}%`;
    const percent = el.querySelector("[data-field=percent]");
    percent.textContent = `${cell.percent}%`;
    percent.hidden = cell.state !== "running";
    el.querySelector(".progress").setAttribute("aria-valuenow", cell.percent);
    const picture = cell.thumbnail_url || cell.preview_url;
    const img = el.querySelector("[data-field=picture]");
    if (picture && img.getAttribute("src") !== picture) img.src = picture;
    img.hidden = !picture;
    el.querySelector("[data-field=link]").href = cell.result_url || cell.job_url;
    const message = el.querySelector("[data-field=message]");
    message.textContent = cell.message;
    message.classList.toggle("hidden", !cell.message);
  }

  async function poll() {
    try {
      const response = await fetch(grid.dataset.progressUrl, { cache: "no-store" });
      if (response.ok) {
        const batch = await response.json();
        batch.cells.forEach(update);
        done.textContent = batch.done;
        if (batch.finished) {
          grid.dataset.finished = "true";
          cancel.hidden = true;
          if (expected) expected.hidden = true;
          return;
        }
      }
    } catch (error) {
      console.warn("batch progress:", error);
    }
    setTimeout(poll, 1500);
  }
  poll();
})();
