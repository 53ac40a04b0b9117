// Live job page: polls the job's progress.json about once a second until the job ends.
(() => {
  const root = document.getElementById("job");
  if (!root) return;
  const url = root.dataset.progressUrl;
  const $ = (name) => document.querySelector(`[data-field="${name}"]`);
  const bar = root.querySelector(".progress-bar");
  const progressbar = root.querySelector("[role=progressbar]");

  function formatSeconds(seconds) {
    if (seconds == null) return "";
    const s = Math.round(seconds);
    if (s < 1) return "almost done";
    if (s < 60) return `about ${s} s left`;
    return `about ${Math.floor(s / 60)} min ${s % 60} s left`;
  }

  function summary(p) {
    if (p.state === "queued") {
      return p.queue_position ? `Waiting in the queue (position ${p.queue_position})…` : "Waiting in the queue…";
    }
    if (p.state === "running") {
      if (p.cancel_requested) return "Stopping…";
      if (!p.total) return "Starting…";
      return `Step ${p.step} of ${p.total}${p.stage ? ` · ${p.stage}` : ""}`;
    }
    return p.state_label;
  }

  const startedAs = root.dataset.state;

  function render(p) {
    if (p.state !== startedAs) {
      // "Your job is queued." and the like were true when the page loaded; the state line says what is true now.
      document.querySelector(".messages")?.remove();
    }
    bar.style.width = `${p.percent}%`;
    progressbar.setAttribute("aria-valuenow", String(p.percent));
    root.dataset.state = p.state;
    const state = $("state_label");
    state.textContent = p.state_label;
    state.className = `state state-${p.state}`;
    $("summary").textContent = summary(p);
    $("eta").textContent = p.state === "running" ? formatSeconds(p.eta_seconds) : "";
    const message = $("message");
    message.textContent = p.message;
    message.classList.toggle("hidden", !p.message);
    const losses = $("losses");
    losses.replaceChildren();
    for (const [name, value] of Object.entries(p.losses || {})) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = Number(value).toPrecision(4);
      losses.append(dt, dd);
    }
    if (p.preview_url) {
      const img = $("preview");
      if (img.getAttribute("src") !== p.preview_url) img.src = p.preview_url;
      img.hidden = false;
      let caption = p.finished ? "Last preview" : `Preview at step ${p.step}`;
      if (p.kept_partial) caption = `Stopped at step ${p.step} of ${p.total}`;
      $("preview-caption").textContent = caption;
    } else if (p.finished) {
      $("preview-caption").textContent = "No preview was made.";
    }
    const cancel = $("cancel");
    cancel.hidden = p.finished;
    cancel.toggleAttribute("data-confirm-skip", !p.cancel_asks_first);
    $("save-partial").hidden = !p.can_save_partial;
    if (p.cancel_requested) {
      const button = cancel.querySelector("button");
      button.disabled = true;
      button.textContent = "Stopping…";
    }
    $("again")?.classList.toggle("hidden", !["failed", "cancelled"].includes(p.state));
    const result = $("result");
    if (p.result_url) {
      result.href = p.result_url;
      result.classList.remove("hidden");
    }
  }

  let delay = 1000;
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const p = await response.json();
        render(p);
        delay = 1000;
        if (p.finished) return;
      } else {
        delay = Math.min(delay * 2, 15000);
      }
    } catch (error) {
      delay = Math.min(delay * 2, 15000); // server restarting: back off, keep trying
    }
    window.setTimeout(poll, delay);
  }
  if (!["succeeded", "failed", "cancelled"].includes(root.dataset.state)) poll();
})();
